import type { DataStream } from 'flink-ts';
import type { Bid, NexmarkEvent } from '../model.js';
import { BID } from '../model.js';

/** Nexmark's `bid` view: the bid of every bid event (`WHERE event_type = 2`); chains into the source. */
export function bids(events: DataStream<NexmarkEvent>): DataStream<Bid> {
  return events
    .filter((e: NexmarkEvent) => e.type === BID)
    .name('bids')
    .map((e: NexmarkEvent) => e.bid as Bid)
    .name('bid');
}

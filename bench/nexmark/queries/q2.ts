import type { DataStream } from 'flink-ts';
import type { NexmarkEvent } from '../model.js';
import { bids } from './bids.js';

export interface Q2Result {
  readonly auction: number;
  readonly price: number;
}

/** Nexmark q2, selection: `SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0`. */
export function q2(events: DataStream<NexmarkEvent>): DataStream<Q2Result> {
  return bids(events)
    .filter((b) => b.auction % 123 === 0)
    .name('q2-select')
    .map((b) => ({ auction: b.auction, price: b.price }))
    .name('q2-project');
}

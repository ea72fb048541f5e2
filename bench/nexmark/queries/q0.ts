import type { DataStream } from 'flink-ts';
import type { Bid, NexmarkEvent } from '../model.js';
import { bids } from './bids.js';

/** Nexmark q0, pass-through: every bid unchanged. Measures the source and the framework's per-record overhead. */
export function q0(events: DataStream<NexmarkEvent>): DataStream<Bid> {
  return bids(events);
}

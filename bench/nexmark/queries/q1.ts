import type { DataStream } from 'flink-ts';
import type { NexmarkEvent } from '../model.js';
import { bids } from './bids.js';

/** q1's row: the bid with its price in euros. */
export interface Q1Result {
  readonly auction: number;
  readonly bidder: number;
  readonly price: number;
  readonly dateTime: number;
  readonly extra: string;
}

/** The exchange rate of Nexmark q1 (dollars to euros). */
export const DOL_TO_EUR = 0.908;

/** Nexmark q1, currency conversion: `SELECT auction, bidder, 0.908 * price, dateTime, extra FROM bid`. */
export function q1(events: DataStream<NexmarkEvent>): DataStream<Q1Result> {
  return bids(events)
    .map((b) => ({ auction: b.auction, bidder: b.bidder, price: DOL_TO_EUR * b.price, dateTime: b.dateTime, extra: b.extra }))
    .name('q1-convert');
}

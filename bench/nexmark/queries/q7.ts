import type { AggregateFunction, DataStream } from 'flink-ts';
import type { NexmarkEvent } from '../model.js';
import { Time, TimeWindow, TumblingEventTimeWindows } from 'flink-ts';
import { bids } from './bids.js';

export const Q7_WINDOW_SIZE = Time.seconds(10);

/**
 * One side of q7's join, tagged as Flink tags the two sides of a window join: the max price of
 * one auction in the window (`max`), or a bid (`bid`).
 */
interface JoinSide {
  /** The start of the window the element belongs to: the join key. */
  readonly window: number;
  readonly max: number;
  readonly bid: Q7Result | null;
}

/** q7's row: the bid's columns the query selects. */
export interface Q7Result {
  readonly auction: number;
  readonly price: number;
  readonly bidder: number;
  readonly dateTime: number;
  readonly extra: string;
}

/** The columns of the max side. */
interface AuctionPrice {
  readonly auction: number;
  readonly price: number;
}

/**
 * Nexmark q7, highest bid: the max price of every tumbling 10 s window, joined back with the bids
 * of that window that have that price (`B.price = B1.maxprice`).
 *
 * The max is computed in parallel, per auction and window; the join is a window join on the
 * window, built as Flink builds `join().where().equalTo().window()`: both sides tagged, united,
 * keyed by window and windowed. The join's state keeps the max-side values as one maximum and, of
 * the bids, only those at the highest price seen so far: a cheaper bid can never equal the max.
 */
export function q7(events: DataStream<NexmarkEvent>): DataStream<Q7Result> {
  const bidStream = bids(events);
  // Each side sends only the columns it needs over the network, as Flink's plan for the SQL does.
  const maxPerAuction = bidStream
    .map((b): AuctionPrice => ({ auction: b.auction, price: b.price }))
    .name('q7-project-max')
    .keyBy((b) => b.auction)
    .window(TumblingEventTimeWindows.of(Q7_WINDOW_SIZE))
    .aggregate<{ max: number }, number, JoinSide>(new MaxPrice(), (_auction: number, ctx, maxes: Iterable<number>, out) => {
      for (const max of maxes) out.collect({ window: ctx.window().start, max, bid: null });
    })
    .name('q7-max');
  const taggedBids = bidStream
    .map(
      (b): JoinSide => ({
        window: TimeWindow.getWindowStartWithOffset(b.dateTime, 0, Q7_WINDOW_SIZE),
        max: -1,
        bid: { auction: b.auction, price: b.price, bidder: b.bidder, dateTime: b.dateTime, extra: b.extra },
      }),
    )
    .name('q7-tag-bid');
  return maxPerAuction
    .union(taggedBids)
    .keyBy((side: JoinSide) => side.window)
    .window(TumblingEventTimeWindows.of(Q7_WINDOW_SIZE))
    .aggregate<JoinState, Q7Result[], Q7Result>(new JoinOnMaxPrice(), (_key: number, _ctx, matches: Iterable<Q7Result[]>, out) => {
      for (const list of matches) for (const bid of list) out.collect(bid);
    })
    .name('q7-join');
}

class MaxPrice implements AggregateFunction<AuctionPrice, { max: number }, number> {
  createAccumulator(): { max: number } {
    return { max: -1 };
  }
  add(bid: AuctionPrice, acc: { max: number }): { max: number } {
    if (bid.price > acc.max) acc.max = bid.price;
    return acc;
  }
  getResult(acc: { max: number }): number {
    return acc.max;
  }
  merge(a: { max: number }, b: { max: number }): { max: number } {
    return { max: Math.max(a.max, b.max) };
  }
}

interface JoinState {
  /** The max over the max side so far: at firing, the window's max price. */
  max: number;
  /** The price of `bids`: the highest bid price seen so far. */
  bidPrice: number;
  bids: Q7Result[];
}

class JoinOnMaxPrice implements AggregateFunction<JoinSide, JoinState, Q7Result[]> {
  createAccumulator(): JoinState {
    return { max: -1, bidPrice: -1, bids: [] };
  }
  add(side: JoinSide, acc: JoinState): JoinState {
    const bid = side.bid;
    if (bid === null) {
      if (side.max > acc.max) acc.max = side.max;
    } else if (bid.price > acc.bidPrice) {
      acc.bidPrice = bid.price;
      acc.bids = [bid];
    } else if (bid.price === acc.bidPrice) {
      acc.bids.push(bid);
    }
    return acc;
  }
  getResult(acc: JoinState): Q7Result[] {
    return acc.bidPrice === acc.max ? acc.bids : [];
  }
  merge(a: JoinState, b: JoinState): JoinState {
    const merged = this.createAccumulator();
    for (const s of [a, b]) {
      this.add({ window: 0, max: s.max, bid: null }, merged);
      for (const bid of s.bids) this.add({ window: 0, max: -1, bid }, merged);
    }
    return merged;
  }
}

import type { AggregateFunction, DataStream } from 'flink-ts';
import type { NexmarkEvent } from '../model.js';
import { SlidingEventTimeWindows, Time, TumblingEventTimeWindows } from 'flink-ts';
import { bids } from './bids.js';

/** A hot item: an auction with the most bids of a sliding window (ties all reported). */
export interface Q5Result {
  readonly auction: number;
  readonly num: number;
  /** The window's end, epoch ms (Nexmark's `endtime`). */
  readonly windowEnd: number;
}

export const Q5_WINDOW_SIZE = Time.seconds(10);
export const Q5_WINDOW_SLIDE = Time.seconds(2);

/**
 * Nexmark q5, hot items: bids counted per auction in sliding windows of 10 s every 2 s, then per
 * window the auctions whose count is the window's maximum (`num >= maxn`).
 *
 * Two keyed stages: counts per (auction, window) in parallel, then one group per window end. The
 * counts carry the window's max timestamp (end - 1), so a tumbling window of the slide puts every
 * count of one sliding window, and only those, into one window of the second stage.
 */
export function q5(events: DataStream<NexmarkEvent>): DataStream<Q5Result> {
  return bids(events)
    // Only the auction id crosses the network, as in Flink's plan for the SQL query (its
    // optimizer projects the bid to the columns the window needs before the exchange).
    .map((b) => b.auction)
    .name('q5-project')
    .keyBy((auction) => auction)
    .window(SlidingEventTimeWindows.of(Q5_WINDOW_SIZE, Q5_WINDOW_SLIDE))
    .aggregate<{ n: number }, number, Q5Result>(new CountBids(), (auction: number, ctx, counts: Iterable<number>, out) => {
      for (const num of counts) out.collect({ auction, num, windowEnd: ctx.window().end });
    })
    .name('q5-count')
    .keyBy((c) => c.windowEnd)
    .window(TumblingEventTimeWindows.of(Q5_WINDOW_SLIDE))
    .aggregate<Q5Result[], Q5Result[], Q5Result>(new MaxCounts(), (_end: number, _ctx, hottest: Iterable<Q5Result[]>, out) => {
      for (const list of hottest) for (const item of list) out.collect(item);
    })
    .name('q5-hottest');
}

class CountBids implements AggregateFunction<number, { n: number }, number> {
  createAccumulator(): { n: number } {
    return { n: 0 };
  }
  add(_auction: number, acc: { n: number }): { n: number } {
    acc.n++;
    return acc;
  }
  getResult(acc: { n: number }): number {
    return acc.n;
  }
  merge(a: { n: number }, b: { n: number }): { n: number } {
    return { n: a.n + b.n };
  }
}

/** Keeps the counts equal to the highest seen; a higher one replaces them. */
class MaxCounts implements AggregateFunction<Q5Result, Q5Result[], Q5Result[]> {
  createAccumulator(): Q5Result[] {
    return [];
  }
  add(value: Q5Result, acc: Q5Result[]): Q5Result[] {
    const max = acc[0]?.num ?? -1;
    if (value.num > max) return [value];
    if (value.num === max) acc.push(value);
    return acc;
  }
  getResult(acc: Q5Result[]): Q5Result[] {
    return acc;
  }
  merge(a: Q5Result[], b: Q5Result[]): Q5Result[] {
    return b.reduce((acc, v) => this.add(v, acc), [...a]);
  }
}

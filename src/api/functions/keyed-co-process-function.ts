import type { Collector } from '../common/records.js';
import type { KeyedProcessContext, OnTimerContext } from './process-function.js';
import { AbstractRichFunction } from './rich-function.js';

/**
 * Processes two keyed streams connected by `connect(...).keyBy(k1, k2)` (Flink's
 * KeyedCoProcessFunction): records of both inputs with the same key share keyed state and timers,
 * which makes joins with a timeout possible (an order waiting for its payment). Timers are
 * checkpointed with the keyed state and move with their key when the job is rescaled.
 */
export abstract class KeyedCoProcessFunction<K, IN1, IN2, OUT> extends AbstractRichFunction {
  /**
   * Type-only: a private member makes the class nominal, so a CoProcessFunction (same methods)
   * does not pass for a KeyedCoProcessFunction in `process` overloads.
   */
  private declare readonly keyedCoProcessFunction: K;

  abstract processElement1(value: IN1, ctx: KeyedProcessContext<K>, out: Collector<OUT>): void;
  abstract processElement2(value: IN2, ctx: KeyedProcessContext<K>, out: Collector<OUT>): void;

  /**
   * Called when a timer registered through `ctx.timerService()` fires, with its key as the current
   * key. Records emitted here carry the timer's time for event-time timers and none for
   * processing-time timers.
   */
  onTimer(_timestamp: number, _ctx: OnTimerContext<K>, _out: Collector<OUT>): void {
    // Override to react to timers; a function that registers none needs nothing here.
  }
}

import type { OutputTag } from '../common/output-tag.js';
import type { Collector } from '../common/records.js';
import { AbstractRichFunction } from './rich-function.js';

/**
 * Time services of a process function. Timers need a keyed stream: they are scoped to the current
 * key, deduplicated per (key, time), and checkpointed with the keyed state.
 */
export interface TimerService {
  currentProcessingTime(): number;
  currentWatermark(): number;
  registerProcessingTimeTimer(time: number): void;
  registerEventTimeTimer(time: number): void;
  deleteProcessingTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
}

export interface ProcessContext {
  /** The current record's timestamp, or undefined when it has none. */
  timestamp(): number | undefined;
  timerService(): TimerService;
  /** Emits to a side output. */
  output<X>(tag: OutputTag<X>, value: X): void;
}

export interface KeyedProcessContext<K> extends ProcessContext {
  getCurrentKey(): K;
}

/** Which clock a firing timer belongs to (Flink's TimeDomain). */
export type TimeDomain = 'EVENT_TIME' | 'PROCESSING_TIME';

/**
 * What `onTimer` gets (Flink's OnTimerContext): `timestamp()` is the timer's time, and the current
 * key is the key the timer was registered for.
 */
export interface OnTimerContext<K> extends KeyedProcessContext<K> {
  timestamp(): number;
  timeDomain(): TimeDomain;
}

export abstract class ProcessFunction<I, O> extends AbstractRichFunction {
  abstract processElement(value: I, ctx: ProcessContext, out: Collector<O>): void;
}

export abstract class KeyedProcessFunction<K, I, O> extends AbstractRichFunction {
  abstract processElement(value: I, ctx: KeyedProcessContext<K>, out: Collector<O>): void;

  /**
   * Called when a timer registered through `ctx.timerService()` fires. Records emitted here carry
   * the timer's time for event-time timers and no timestamp for processing-time timers.
   */
  onTimer(_timestamp: number, _ctx: OnTimerContext<K>, _out: Collector<O>): void {
    // Override to react to timers; a function that registers none needs nothing here.
  }
}

export abstract class CoProcessFunction<IN1, IN2, O> extends AbstractRichFunction {
  abstract processElement1(value: IN1, ctx: ProcessContext, out: Collector<O>): void;
  abstract processElement2(value: IN2, ctx: ProcessContext, out: Collector<O>): void;

  /**
   * Called when a timer fires. Timers need a key to be scoped to, so they work only when both
   * inputs are keyed (`connect(...).keyBy(k1, k2)`); prefer a KeyedCoProcessFunction there.
   */
  onTimer(_timestamp: number, _ctx: OnTimerContext<unknown>, _out: Collector<O>): void {
    // Override to react to timers; a function that registers none needs nothing here.
  }
}

/** A process function given as a lambda or as an object with `processElement`. */
export type ProcessFunctionLike<I, O, C extends ProcessContext = ProcessContext> =
  | ((value: I, ctx: C, out: Collector<O>) => void)
  | {
      processElement(value: I, ctx: C, out: Collector<O>): void;
      onTimer?(timestamp: number, ctx: OnTimerContext<never>, out: Collector<O>): void;
    };

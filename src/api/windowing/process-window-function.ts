import type { OutputTag } from '../common/output-tag.js';
import type { Collector } from '../common/records.js';
import type { KeyedStateStore } from '../state/state-stores.js';
import type { Window } from './window.js';
import { AbstractRichFunction } from '../functions/rich-function.js';

/** What a window function sees besides the elements (Flink's ProcessWindowFunction.Context). */
export interface ProcessWindowContext<W extends Window> {
  window(): W;
  currentProcessingTime(): number;
  currentWatermark(): number;
  /**
   * Keyed state of the current key and window (Flink's per-window state). Clear it in the
   * function's `clear(context)`; whatever is left is dropped when the window is cleaned up.
   * Not available with merging (session) assigners, whose windows change under the state.
   */
  windowState(): KeyedStateStore;
  /** Keyed state of the current key, shared by all its windows. */
  globalState(): KeyedStateStore;
  output<X>(tag: OutputTag<X>, value: X): void;
}

/** Gets all elements (or the pre-aggregated result) of a window with its key and context. */
export abstract class ProcessWindowFunction<IN, OUT, KEY, W extends Window> extends AbstractRichFunction {
  abstract process(key: KEY, context: ProcessWindowContext<W>, elements: Iterable<IN>, out: Collector<OUT>): void;

  /**
   * Called when the window is cleaned up (watermark past its end plus the allowed lateness, or
   * its end in processing time), with the context bound to that window: the place to clear
   * `context.windowState()`.
   */
  clear(_context: ProcessWindowContext<W>): void {
    // Nothing kept per window by default.
  }
}

/** A ProcessWindowFunction or a plain function of the same shape. */
export type ProcessWindowFunctionLike<IN, OUT, KEY, W extends Window> =
  | ProcessWindowFunction<IN, OUT, KEY, W>
  | ((key: KEY, context: ProcessWindowContext<W>, elements: Iterable<IN>, out: Collector<OUT>) => void);

/** The non-keyed variant for `windowAll` (Flink's ProcessAllWindowFunction). */
export abstract class ProcessAllWindowFunction<IN, OUT, W extends Window> extends AbstractRichFunction {
  abstract process(context: ProcessWindowContext<W>, elements: Iterable<IN>, out: Collector<OUT>): void;

  /** As `ProcessWindowFunction.clear`: the window is cleaned up. */
  clear(_context: ProcessWindowContext<W>): void {
    // Nothing kept per window by default.
  }
}

export type ProcessAllWindowFunctionLike<IN, OUT, W extends Window> =
  | ProcessAllWindowFunction<IN, OUT, W>
  | ((context: ProcessWindowContext<W>, elements: Iterable<IN>, out: Collector<OUT>) => void);

/** Calls the window function's `clear` at cleanup, when it is a (Process…)WindowFunction class; plain functions keep nothing. */
export function clearWindowFunction<W extends Window>(fn: unknown, context: ProcessWindowContext<W>): void {
  if (fn instanceof ProcessWindowFunction || fn instanceof ProcessAllWindowFunction) (fn as { clear(c: ProcessWindowContext<W>): void }).clear(context);
}

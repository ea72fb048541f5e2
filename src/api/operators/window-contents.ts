import type { Collector } from '../common/records.js';
import type { ReduceFunction } from '../functions/function-types.js';
import type { AggregateFunction } from '../state/state.js';
import type { Evictor, EvictorContext, TimestampedValue } from '../windowing/evictor.js';
import type { ProcessWindowContext, ProcessWindowFunctionLike } from '../windowing/process-window-function.js';
import type { Window } from '../windowing/window.js';

/**
 * How a WindowOperator keeps one window's contents and turns them into output (Flink's
 * InternalWindowFunction plus the window state kind). Incremental functions keep one accumulator
 * per window; a process function alone, or any evictor, needs every element.
 */
export interface WindowContents<IN, ACC, OUT, K, W extends Window> {
  add(contents: ACC | undefined, value: IN, timestamp: number): ACC;
  merge(a: ACC, b: ACC): ACC;
  /** Emits the window; returns the contents to keep (an evictor may have removed elements). */
  emit(key: K, window: W, contents: ACC, ctx: ProcessWindowContext<W> & EvictorContext, out: Collector<OUT>): ACC;
}

/** Calls a process function, or forwards the (single) result when there is none. */
export function callProcess<R, OUT, K, W extends Window>(
  fn: ProcessWindowFunctionLike<R, OUT, K, W> | undefined,
  key: K,
  ctx: ProcessWindowContext<W>,
  results: Iterable<R>,
  out: Collector<OUT>,
): void {
  if (fn === undefined) {
    for (const r of results) out.collect(r as unknown as OUT);
  } else if (typeof fn === 'function') {
    fn(key, ctx, results, out);
  } else {
    fn.process(key, ctx, results, out);
  }
}

export function reducingContents<IN, OUT, K, W extends Window>(
  reducer: ReduceFunction<IN>,
  fn?: ProcessWindowFunctionLike<IN, OUT, K, W>,
): WindowContents<IN, IN, OUT, K, W> {
  const reduce = toReduce(reducer);
  return {
    add: (contents, value) => (contents === undefined ? value : reduce(contents, value)),
    merge: (a, b) => reduce(a, b),
    emit: (key, _window, contents, ctx, out) => {
      callProcess(fn, key, ctx, [contents], out);
      return contents;
    },
  };
}

export function aggregatingContents<IN, ACC, R, OUT, K, W extends Window>(
  aggregate: AggregateFunction<IN, ACC, R>,
  fn?: ProcessWindowFunctionLike<R, OUT, K, W>,
): WindowContents<IN, ACC, OUT, K, W> {
  return {
    add: (contents, value) => aggregate.add(value, contents ?? aggregate.createAccumulator()),
    merge: (a, b) => aggregate.merge(a, b),
    emit: (key, _window, contents, ctx, out) => {
      callProcess(fn, key, ctx, [aggregate.getResult(contents)], out);
      return contents;
    },
  };
}

/**
 * Keeps every element with its timestamp; at firing an evictor may thin them out before and after
 * `fold` turns them into the function's input (the elements themselves, or one reduced/aggregated value).
 */
export function listContents<IN, R, OUT, K, W extends Window>(
  fold: (values: IN[]) => Iterable<R>,
  fn: ProcessWindowFunctionLike<R, OUT, K, W> | undefined,
  evictor: Evictor<IN, W> | undefined,
): WindowContents<IN, TimestampedValue<IN>[], OUT, K, W> {
  return {
    // Appends in place: copying the list per element made a window of n elements cost O(n²). Snapshots
    // copy state while no element is processed, so nothing else holds on to the list.
    add: (contents, value, timestamp) => {
      const list = contents ?? [];
      list.push({ value, timestamp });
      return list;
    },
    merge: (a, b) => [...a, ...b],
    emit: (key, window, contents, ctx, out) => {
      let elements = evictor === undefined ? contents : evictor.evictBefore(contents, contents.length, window, ctx);
      callProcess(fn, key, ctx, fold(elements.map((e) => e.value)), out);
      if (evictor !== undefined) elements = evictor.evictAfter(elements, elements.length, window, ctx);
      return elements;
    },
  };
}

export function reduceAll<T>(reducer: ReduceFunction<T>): (values: T[]) => T[] {
  const reduce = toReduce(reducer);
  return (values) => (values.length === 0 ? [] : [values.reduce((a, b) => reduce(a, b))]);
}

export function aggregateAll<IN, ACC, R>(aggregate: AggregateFunction<IN, ACC, R>): (values: IN[]) => R[] {
  return (values) => [aggregate.getResult(values.reduce((acc, v) => aggregate.add(v, acc), aggregate.createAccumulator()))];
}

function toReduce<T>(reducer: ReduceFunction<T>): (a: T, b: T) => T {
  return typeof reducer === 'function' ? reducer : (a, b) => reducer.reduce(a, b);
}

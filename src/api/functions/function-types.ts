import type { Collector } from '../common/records.js';

/**
 * User functions come as plain lambdas or as objects with the method Flink names (classes such as
 * `RichMapFunction` included). The operators normalise both shapes once, at setup.
 */
export type MapFunction<T, R> = ((value: T) => R) | { map(value: T): R };
/** A flatMap emits through the collector; returning an iterable emits its elements too. */
export type FlatMapFunction<T, R> =
  | ((value: T, out: Collector<R>) => Iterable<R> | void)
  | { flatMap(value: T, out: Collector<R>): Iterable<R> | void };
export type FilterFunction<T> = ((value: T) => boolean) | { filter(value: T): boolean };
export type ReduceFunction<T> = ((a: T, b: T) => T) | { reduce(a: T, b: T): T };
export type KeySelector<T, K> = ((value: T) => K) | { getKey(value: T): K };
export type CoMapFunction<IN1, IN2, R> = { map1(value: IN1): R; map2(value: IN2): R };
export type CoFlatMapFunction<IN1, IN2, R> = {
  flatMap1(value: IN1, out: Collector<R>): Iterable<R> | void;
  flatMap2(value: IN2, out: Collector<R>): Iterable<R> | void;
};
/** Context handed to a sink function's `invoke`. */
export interface SinkContext {
  currentProcessingTime(): number;
  /** The record's timestamp, or undefined when it has none. */
  timestamp(): number | undefined;
}
export type SinkFunction<T> =
  | ((value: T, context: SinkContext) => void)
  | { invoke(value: T, context: SinkContext): void };
/** Chooses a channel for a key (`partitionCustom`). */
export type Partitioner<K> = ((key: K, numPartitions: number) => number) | { partition(key: K, numPartitions: number): number };

export function toKeySelector<T, K>(selector: KeySelector<T, K>): (value: T) => K {
  if (typeof selector === 'function') return selector;
  return (value) => selector.getKey(value);
}

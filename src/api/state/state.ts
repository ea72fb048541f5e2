/**
 * The state primitives user functions read and write (Flink's `org.apache.flink.api.common.state`).
 * Keyed state is scoped to the key of the record being processed (or of the timer firing); operator
 * state belongs to the parallel operator instance. Values are kept as objects in the hashmap
 * backend, so a value read and mutated in place is mutated in the state too, as in Flink's heap
 * backend; `update` it anyway, so the job keeps working on a backend that copies.
 */
export interface State {
  /** Removes the value for the current key (keyed state) or all values (operator state). */
  clear(): void;
}

export interface ValueState<T> extends State {
  /** The value for the current key, or `null` when there is none (Flink returns null, not undefined). */
  value(): T | null;
  update(value: T | null): void;
}

export interface AppendingState<IN, OUT> extends State {
  /** For list-like states an empty iterable when nothing is stored; `null` for reducing/aggregating state. */
  get(): OUT;
  add(value: IN): void;
}

export interface ListState<T> extends AppendingState<T, Iterable<T>> {
  addAll(values: Iterable<T>): void;
  /** Replaces the whole list. */
  update(values: Iterable<T>): void;
}

export type ReducingState<T> = AppendingState<T, T | null>;

export type AggregatingState<IN, OUT> = AppendingState<IN, OUT | null>;

export interface ReadOnlyBroadcastState<K, V> {
  get(key: K): V | undefined;
  contains(key: K): boolean;
  immutableEntries(): Iterable<[K, V]>;
}

export interface BroadcastState<K, V> extends ReadOnlyBroadcastState<K, V> {
  put(key: K, value: V): void;
  putAll(entries: Iterable<[K, V]>): void;
  remove(key: K): void;
  entries(): Iterable<[K, V]>;
  clear(): void;
}

export interface MapState<K, V> extends State {
  get(key: K): V | undefined;
  put(key: K, value: V): void;
  putAll(entries: Iterable<[K, V]> | ReadonlyMap<K, V>): void;
  remove(key: K): void;
  contains(key: K): boolean;
  entries(): Iterable<[K, V]>;
  keys(): Iterable<K>;
  values(): Iterable<V>;
  isEmpty(): boolean;
}

/** Folds values into an accumulator (Flink's AggregateFunction). */
export interface AggregateFunction<IN, ACC, OUT> {
  createAccumulator(): ACC;
  add(value: IN, accumulator: ACC): ACC;
  getResult(accumulator: ACC): OUT;
  merge(a: ACC, b: ACC): ACC;
}

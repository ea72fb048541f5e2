import type { ReduceFunction } from '../functions/function-types.js';
import type { AggregatingState, ListState, MapState, ReducingState, ValueState } from '../state/state.js';
import type {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
} from '../state/state-descriptor.js';
import type { KeyedStateStore } from '../state/state-stores.js';

/**
 * Where a per-window value lives in the key's backing map: `[window, state name]`, plus the user
 * key for MapState entries. Tuples compare by value in keyed MapState, so the key survives a
 * checkpoint as plain data.
 */
export type PerWindowKey = [string, string] | [string, string, unknown];

/**
 * Keyed state scoped to one window of the current key (Flink's PerWindowStateStore, the
 * `windowState()` of a ProcessWindowFunction's context). Keyed state here has no namespaces, so
 * every per-window state of an operator shares one keyed MapState, addressed by the window's state
 * key and the descriptor's name. That also lets the operator drop all of a window's state at once
 * when the window is cleaned up.
 */
export class PerWindowStateStore implements KeyedStateStore {
  constructor(
    private readonly backing: MapState<PerWindowKey, unknown>,
    /** The state key of the window being processed (changes between calls). */
    private readonly currentWindow: () => string,
  ) {}

  getState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T> {
    const at = (): PerWindowKey => [this.currentWindow(), descriptor.name];
    return {
      value: () => (this.backing.get(at()) as T | undefined) ?? descriptor.defaultValue,
      update: (value) => {
        if (value === null) this.backing.remove(at());
        else this.backing.put(at(), value);
      },
      clear: () => {
        this.backing.remove(at());
      },
    };
  }

  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T> {
    const at = (): PerWindowKey => [this.currentWindow(), descriptor.name];
    const read = (): T[] => (this.backing.get(at()) as T[] | undefined) ?? [];
    const write = (values: T[]): void => {
      if (values.length === 0) this.backing.remove(at());
      else this.backing.put(at(), values);
    };
    return {
      get: () => [...read()],
      add: (value) => {
        write([...read(), value]);
      },
      addAll: (values) => {
        write([...read(), ...values]);
      },
      update: (values) => {
        write([...values]);
      },
      clear: () => {
        this.backing.remove(at());
      },
    };
  }

  getMapState<K, V>(descriptor: MapStateDescriptor<K, V>): MapState<K, V> {
    const name = descriptor.name;
    const at = (userKey: K): PerWindowKey => [this.currentWindow(), name, userKey];
    const own = (): [K, V][] => {
      const window = this.currentWindow();
      const found: [K, V][] = [];
      for (const [k, v] of this.backing.entries()) {
        if (k.length === 3 && k[0] === window && k[1] === name) found.push([k[2] as K, v as V]);
      }
      return found;
    };
    return {
      get: (userKey) => this.backing.get(at(userKey)) as V | undefined,
      put: (userKey, value) => {
        this.backing.put(at(userKey), value);
      },
      putAll: (entries) => {
        for (const [k, v] of entries) this.backing.put(at(k), v);
      },
      remove: (userKey) => {
        this.backing.remove(at(userKey));
      },
      contains: (userKey) => this.backing.contains(at(userKey)),
      entries: () => own(),
      keys: () => own().map(([k]) => k),
      values: () => own().map(([, v]) => v),
      isEmpty: () => own().length === 0,
      clear: () => {
        for (const [k] of own()) this.backing.remove(at(k));
      },
    };
  }

  getReducingState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T> {
    const reduce = toReduce(descriptor.reduceFunction);
    const at = (): PerWindowKey => [this.currentWindow(), descriptor.name];
    return {
      get: () => (this.backing.get(at()) as T | undefined) ?? null,
      add: (value) => {
        const current = this.backing.get(at()) as T | undefined;
        this.backing.put(at(), current === undefined ? value : reduce(current, value));
      },
      clear: () => {
        this.backing.remove(at());
      },
    };
  }

  getAggregatingState<IN, ACC, OUT>(descriptor: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, OUT> {
    const fn = descriptor.aggregateFunction;
    const at = (): PerWindowKey => [this.currentWindow(), descriptor.name];
    return {
      get: () => {
        const acc = this.backing.get(at()) as ACC | undefined;
        return acc === undefined ? null : fn.getResult(acc);
      },
      add: (value) => {
        const acc = this.backing.get(at()) as ACC | undefined;
        this.backing.put(at(), fn.add(value, acc ?? fn.createAccumulator()));
      },
      clear: () => {
        this.backing.remove(at());
      },
    };
  }

  /** Drops everything any per-window state holds for `window` of the current key. */
  clearWindow(window: string): void {
    if (this.backing.isEmpty()) return;
    for (const k of [...this.backing.keys()]) if (k[0] === window) this.backing.remove(k);
  }
}

function toReduce<T>(reducer: ReduceFunction<T>): (a: T, b: T) => T {
  return typeof reducer === 'function' ? reducer : (a, b) => reducer.reduce(a, b);
}

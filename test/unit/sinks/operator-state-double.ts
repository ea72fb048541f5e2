import { pack, unpack } from 'msgpackr';

import type { BroadcastState, ListState } from '../../../src/api/state/state.js';
import type { ListStateDescriptor, MapStateDescriptor } from '../../../src/api/state/state-descriptor.js';
import type { OperatorStateStore } from '../../../src/api/state/state-stores.js';
import type { StreamOperatorStateContext } from '../../../src/api/state/operator-state-context.js';

/** A snapshot of the double: list states by name, as data. */
export type OperatorStateSnapshot = ReadonlyMap<string, readonly unknown[]>;

/**
 * A minimal operator state store for sink tests (the real backend is written elsewhere): list
 * states hold arrays, and a snapshot is a deep copy made by a msgpack round trip, so state that
 * would not survive a real checkpoint fails here too. Union lists behave like plain lists, as
 * they do at unchanged parallelism; broadcast state is not needed by sinks.
 */
export class OperatorStateStoreDouble implements OperatorStateStore {
  private readonly lists = new Map<string, unknown[]>();

  constructor(restored?: OperatorStateSnapshot) {
    for (const [name, values] of restored ?? []) this.lists.set(name, unpack(pack(values)) as unknown[]);
  }

  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T> {
    let values = this.lists.get(descriptor.name);
    if (values === undefined) {
      values = [];
      this.lists.set(descriptor.name, values);
    }
    return new ArrayListState(values as T[]);
  }

  getUnionListState<T>(descriptor: ListStateDescriptor<T>): ListState<T> {
    return this.getListState(descriptor);
  }

  getBroadcastState<K, V>(_descriptor: MapStateDescriptor<K, V>): BroadcastState<K, V> {
    throw new Error('OperatorStateStoreDouble has no broadcast state');
  }

  snapshot(): OperatorStateSnapshot {
    const copy = new Map<string, unknown[]>();
    for (const [name, values] of this.lists) copy.set(name, unpack(pack(values)) as unknown[]);
    return copy;
  }

  /** The context `initializeState` gets: restored when the store was built from a snapshot. */
  static context(restored?: OperatorStateSnapshot): { store: OperatorStateStoreDouble; context: StreamOperatorStateContext } {
    const store = new OperatorStateStoreDouble(restored);
    return {
      store,
      context: { isRestored: () => restored !== undefined, operatorStateBackend: store, keyedStateBackend: undefined },
    };
  }
}

class ArrayListState<T> implements ListState<T> {
  constructor(private readonly values: T[]) {}

  get(): Iterable<T> {
    return [...this.values];
  }
  add(value: T): void {
    this.values.push(value);
  }
  addAll(values: Iterable<T>): void {
    this.values.push(...values);
  }
  update(values: Iterable<T>): void {
    // Copied first: `values` may be the caller's own array, which must not alias the state.
    const next = [...values];
    this.values.length = 0;
    this.values.push(...next);
  }
  clear(): void {
    this.values.length = 0;
  }
}

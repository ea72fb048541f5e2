import type { MapStateDescriptor } from '../state/state-descriptor.js';
import type { BroadcastState, ReadOnlyBroadcastState } from '../state/state.js';
import type { OperatorStateStore } from '../state/state-stores.js';

/**
 * The broadcast states a broadcast operator declared with `broadcast(...descriptors)`, each as
 * its writable state (for the broadcast side) and a read-only view (for the other side and
 * timers). They live in the operator state backend, so they are checkpointed and, on restore
 * with another parallelism, copied to every subtask.
 */
export class BroadcastStates {
  private readonly writable = new Map<string, BroadcastState<unknown, unknown>>();
  private readonly readOnly = new Map<string, ReadOnlyBroadcastStateView<unknown, unknown>>();

  constructor(private readonly descriptors: readonly MapStateDescriptor<unknown, unknown>[]) {}

  /** Registers every declared state in the operator's state store (restored contents included). */
  initialize(store: OperatorStateStore): void {
    for (const descriptor of this.descriptors) {
      const state = store.getBroadcastState(descriptor);
      this.writable.set(descriptor.name, state);
      this.readOnly.set(descriptor.name, new ReadOnlyBroadcastStateView(descriptor.name, state));
    }
  }

  get<K, V>(descriptor: MapStateDescriptor<K, V>): BroadcastState<K, V> {
    return this.lookUp(this.writable, descriptor) as BroadcastState<K, V>;
  }

  getReadOnly<K, V>(descriptor: MapStateDescriptor<K, V>): ReadOnlyBroadcastState<K, V> {
    return this.lookUp(this.readOnly, descriptor) as ReadOnlyBroadcastState<K, V>;
  }

  private lookUp<S>(states: ReadonlyMap<string, S>, descriptor: MapStateDescriptor<unknown, unknown>): S {
    const name = (descriptor as { name?: unknown } | undefined)?.name;
    const state = typeof name === 'string' ? states.get(name) : undefined;
    if (state !== undefined) return state;
    if (states.size === 0 && this.descriptors.length > 0) {
      throw new Error('The broadcast state is not available yet: the runtime hands it to the operator in initializeState().');
    }
    const declared = this.descriptors.map((d) => `'${d.name}'`).join(', ');
    throw new Error(
      `The broadcast state ${typeof name === 'string' ? `'${name}'` : `of a descriptor without a name (${typeof descriptor})`} does not exist: ` +
        `only the states whose MapStateDescriptor was passed to broadcast(...) can be used (declared: ${declared}). ` +
        'Check the descriptor name for typos, or add the descriptor to the broadcast(...) call.',
    );
  }
}

/**
 * What the non-broadcast side sees of a broadcast state (Flink's ReadOnlyBroadcastState). The
 * writing methods exist only to fail with a clear message when untyped code calls them.
 */
class ReadOnlyBroadcastStateView<K, V> implements ReadOnlyBroadcastState<K, V> {
  constructor(
    private readonly name: string,
    private readonly state: BroadcastState<K, V>,
  ) {}

  get(key: K): V | undefined {
    return this.state.get(key);
  }
  contains(key: K): boolean {
    return this.state.contains(key);
  }
  immutableEntries(): Iterable<[K, V]> {
    return this.state.immutableEntries();
  }
  put(_key: K, _value: V): never {
    throw this.readOnlyError('put');
  }
  putAll(_entries: Iterable<[K, V]>): never {
    throw this.readOnlyError('putAll');
  }
  remove(_key: K): never {
    throw this.readOnlyError('remove');
  }
  clear(): never {
    throw this.readOnlyError('clear');
  }

  private readOnlyError(method: string): Error {
    return new Error(
      `Broadcast state '${this.name}' is read-only here (${method}() was called): only processBroadcastElement() may ` +
        'change it, because only the broadcast side reaches every parallel instance alike and their copies must stay identical.',
    );
  }
}

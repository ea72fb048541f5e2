import type {
  InternalTimerService,
  InternalValueTable,
  KeyedStateBackend,
  Triggerable,
} from '../../api/state/operator-state-context.js';
import type { AggregatingState, ListState, MapState, ReducingState, State, ValueState } from '../../api/state/state.js';
import type {
  AggregatingStateDescriptor,
  KeyedStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  StateDescriptor,
  StateKind,
  ValueStateDescriptor,
} from '../../api/state/state-descriptor.js';
import type { KeyGroupRange } from '../../core/key-group-range.js';
import type { HeapKeyedState } from './heap-state.js';
import type { KeyContext } from './key-context.js';
import type { KeyGroupSection, KeyedSnapshotDocument } from './keyed-state-snapshot.js';
import type { ProcessingTimeService } from './processing-time-service.js';
import type { TimeDomainKind, TimerSnapshotEntry } from './internal-timer-service.js';
import { assignToKeyGroup } from '../../core/key-group-range-assignment.js';
import { toMapKey } from '../../core/map-key.js';
import { HeapAggregatingState } from './heap-aggregating-state.js';
import { HeapInternalValueTable } from './heap-internal-value-table.js';
import { HeapListState } from './heap-list-state.js';
import { HeapMapState } from './heap-map-state.js';
import { HeapReducingState } from './heap-reducing-state.js';
import { HeapValueState } from './heap-value-state.js';
import { HeapInternalTimerService } from './internal-timer-service.js';
import { KEYED_SNAPSHOT_VERSION, readKeyedSnapshot } from './keyed-state-snapshot.js';
import { packState, unpackState } from './snapshot-codec.js';
import { TtlPolicy } from './ttl-policy.js';

export interface HeapKeyedStateBackendOptions {
  /** The key groups this subtask owns; a restore keeps only these. */
  readonly keyGroupRange: KeyGroupRange;
  readonly maxParallelism: number;
  readonly processingTime: ProcessingTimeService;
}

/** Restored entries of a state nobody has registered yet: kept as they came, and snapshotted as they are. */
interface PendingState {
  readonly kind: StateKind;
  readonly entries: Map<unknown, [unknown, unknown]>;
}

/**
 * Keyed state of one operator instance kept as JS objects (Flink's HeapKeyedStateBackend behind
 * the `hashmap` state backend). Per record the cost is the current key's map key, computed once in
 * `setCurrentKey`, and one map lookup per state access: key groups are computed only at snapshot
 * time, where the snapshot is sectioned by key group so that a rescaled restore can pick its range.
 */
export class HeapKeyedStateBackend implements KeyedStateBackend, KeyContext {
  currentKey: unknown = undefined;
  currentMapKey: unknown = undefined;

  readonly keyGroupRange: KeyGroupRange;
  private readonly maxParallelism: number;
  private readonly clock: ProcessingTimeService;
  private readonly states = new Map<string, HeapKeyedState>();
  private readonly pendingStates = new Map<string, PendingState>();
  private readonly valueTables = new Map<string, HeapInternalValueTable<unknown>>();
  private readonly pendingValues = new Map<string, Map<unknown, [unknown, unknown]>>();
  private readonly timerServices = new Map<string, HeapInternalTimerService>();

  constructor(options: HeapKeyedStateBackendOptions) {
    this.keyGroupRange = options.keyGroupRange;
    this.maxParallelism = options.maxParallelism;
    this.clock = options.processingTime;
  }

  setCurrentKey(key: unknown): void {
    this.currentKey = key;
    this.currentMapKey = toMapKey(key);
  }

  setCurrentKeyAndMapKey(key: unknown, mapKey: unknown): void {
    this.currentKey = key;
    this.currentMapKey = mapKey;
  }

  getCurrentKey(): unknown {
    return this.currentKey;
  }

  getState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T> {
    return this.register(descriptor, (ttl) => new HeapValueState<T>(descriptor.name, this, ttl, descriptor.defaultValue));
  }

  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T> {
    return this.register(descriptor, (ttl) => new HeapListState<T>(descriptor.name, this, ttl));
  }

  getMapState<K, V>(descriptor: MapStateDescriptor<K, V>): MapState<K, V> {
    return this.register(descriptor, (ttl) => new HeapMapState<K, V>(descriptor.name, this, ttl));
  }

  getReducingState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T> {
    return this.register(descriptor, (ttl) => new HeapReducingState<T>(descriptor.name, this, ttl, descriptor.reduceFunction));
  }

  getAggregatingState<IN, ACC, OUT>(descriptor: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, OUT> {
    return this.register(
      descriptor,
      (ttl) => new HeapAggregatingState<IN, ACC, OUT>(descriptor.name, this, ttl, descriptor.aggregateFunction),
    );
  }

  getInternalValueTable<T>(name: string): InternalValueTable<T> {
    let table = this.valueTables.get(name);
    if (table === undefined) {
      table = new HeapInternalValueTable<unknown>(name, this);
      const pending = this.pendingValues.get(name);
      if (pending !== undefined) {
        for (const [key, value] of pending.values()) table.restoreEntry(key, value);
        this.pendingValues.delete(name);
      }
      this.valueTables.set(name, table);
    }
    return table as InternalValueTable<T>;
  }

  getInternalTimerService(name: string, triggerable: Triggerable): InternalTimerService {
    const service = this.timerService(name);
    service.bind(triggerable);
    return service;
  }

  applyToAllKeys(descriptor: KeyedStateDescriptor, fn: (key: unknown, state: State) => void): void {
    const state = this.stateOf(descriptor);
    const keys = (this.states.get(descriptor.name) as HeapKeyedState).stateKeys();
    const previousKey = this.currentKey;
    const previousMapKey = this.currentMapKey;
    try {
      for (const [key, mapKey] of keys) {
        this.setCurrentKeyAndMapKey(key, mapKey);
        fn(key, state);
      }
    } finally {
      this.setCurrentKeyAndMapKey(previousKey, previousMapKey);
    }
  }

  /**
   * Merges in the key groups of this backend's range from one old subtask's snapshot. After a
   * rescale it is called once per old subtask whose range overlaps; their key groups are disjoint.
   */
  restore(snapshot: Uint8Array): void {
    const doc = readKeyedSnapshot(snapshot);
    for (const [name, kind] of Object.entries(doc.kinds)) {
      const registered = this.states.get(name);
      if (registered !== undefined && registered.kind !== kind) throw kindConflict(name, kind, registered.kind);
    }
    const touchedServices = new Set<HeapInternalTimerService>();
    for (const [keyGroup, bytes] of doc.groups) {
      if (!this.keyGroupRange.contains(keyGroup)) continue;
      const section = unpackState(bytes) as KeyGroupSection;
      for (const [name, entries] of Object.entries(section.s ?? {})) {
        this.restoreStateEntries(name, doc.kinds[name] as StateKind, entries);
      }
      for (const [name, entries] of Object.entries(section.i ?? {})) this.restoreValueEntries(name, entries);
      for (const [name, [eventTimers, processingTimers]] of Object.entries(section.t ?? {})) {
        const service = this.timerService(name);
        for (const [key, namespace, time] of eventTimers) service.restoreTimer('event', key, namespace, time);
        for (const [key, namespace, time] of processingTimers) service.restoreTimer('processing', key, namespace, time);
        touchedServices.add(service);
      }
    }
    for (const service of touchedServices) service.rescheduleProcessingTime();
  }

  /**
   * A full, self-contained copy of all state, internal tables and timers, sectioned by key group.
   * Synchronous: nothing changes the state while it runs, and the bytes share nothing with it.
   * Entries expired under their TTL are left out.
   */
  snapshot(): Uint8Array {
    const now = this.clock.now();
    const sections = new Map<number, KeyGroupSection>();
    const keyGroups = new Map<unknown, number>();
    // One hash per distinct key, however many states and timers the key has.
    const sectionOf = (key: unknown): KeyGroupSection => {
      const mapKey = toMapKey(key);
      let keyGroup = keyGroups.get(mapKey);
      if (keyGroup === undefined) {
        keyGroup = assignToKeyGroup(key, this.maxParallelism);
        keyGroups.set(mapKey, keyGroup);
      }
      let section = sections.get(keyGroup);
      if (section === undefined) {
        section = {};
        sections.set(keyGroup, section);
      }
      return section;
    };
    const kinds: Record<string, StateKind> = {};

    for (const state of this.states.values()) {
      kinds[state.name] = state.kind;
      for (const [key, payload] of state.snapshotEntries(now)) addTo((sectionOf(key).s ??= {}), state.name, [key, payload]);
    }
    for (const [name, pending] of this.pendingStates) {
      kinds[name] = pending.kind;
      for (const entry of pending.entries.values()) addTo((sectionOf(entry[0]).s ??= {}), name, entry);
    }
    for (const table of this.valueTables.values()) {
      for (const [key, holder] of table.entries()) addTo((sectionOf(key).i ??= {}), table.name, [key, holder.value]);
    }
    for (const [name, pending] of this.pendingValues) {
      for (const entry of pending.values()) addTo((sectionOf(entry[0]).i ??= {}), name, entry);
    }
    for (const service of this.timerServices.values()) {
      for (const domain of ['event', 'processing'] as const satisfies readonly TimeDomainKind[]) {
        const slot = domain === 'event' ? 0 : 1;
        for (const timer of service.timers(domain)) {
          const timers = ((sectionOf(timer.key).t ??= {})[service.name] ??= [[], []]);
          timers[slot].push([timer.key, timer.namespace, timer.timestamp] satisfies TimerSnapshotEntry);
        }
      }
    }

    const groups: [number, Uint8Array][] = [...sections.keys()]
      .sort((a, b) => a - b)
      .map((keyGroup) => [keyGroup, packState(sections.get(keyGroup))]);
    const doc: KeyedSnapshotDocument = { v: KEYED_SNAPSHOT_VERSION, kinds, groups };
    return packState(doc);
  }

  /** Cancels scheduled processing-time callbacks; the backend is not used afterwards. */
  dispose(): void {
    for (const service of this.timerServices.values()) service.dispose();
  }

  /** The state a descriptor names, registered (and given its restored entries) on first use. */
  private stateOf(descriptor: KeyedStateDescriptor): State {
    switch (descriptor.kind) {
      case 'value':
        return this.getState(descriptor);
      case 'list':
        return this.getListState(descriptor);
      case 'map':
        return this.getMapState(descriptor);
      case 'reducing':
        return this.getReducingState(descriptor);
      case 'aggregating':
        return this.getAggregatingState(descriptor);
    }
  }

  private register<S>(descriptor: StateDescriptor, create: (ttl: TtlPolicy | undefined) => S & HeapKeyedState): S {
    const name = descriptor.name;
    const existing = this.states.get(name);
    if (existing !== undefined) {
      if (existing.kind !== descriptor.kind) throw kindConflict(name, descriptor.kind, existing.kind);
      return existing as unknown as S;
    }
    const pending = this.pendingStates.get(name);
    if (pending !== undefined && pending.kind !== descriptor.kind) {
      throw new Error(
        `State '${name}' was restored as ${pending.kind} state and cannot be registered as ${descriptor.kind} state: ` +
          'a state name must keep its kind across versions of a job.',
      );
    }
    const state = create(TtlPolicy.of(descriptor.getTtlConfig(), this.clock));
    if (pending !== undefined) {
      for (const [key, payload] of pending.entries.values()) state.restoreEntry(key, payload);
      this.pendingStates.delete(name);
    }
    this.states.set(name, state);
    return state;
  }

  private restoreStateEntries(name: string, kind: StateKind, entries: [unknown, unknown][]): void {
    const state = this.states.get(name);
    if (state !== undefined) {
      for (const [key, payload] of entries) state.restoreEntry(key, payload);
      return;
    }
    let pending = this.pendingStates.get(name);
    if (pending === undefined) {
      pending = { kind, entries: new Map() };
      this.pendingStates.set(name, pending);
    }
    for (const entry of entries) pending.entries.set(toMapKey(entry[0]), entry);
  }

  private restoreValueEntries(name: string, entries: [unknown, unknown][]): void {
    const table = this.valueTables.get(name);
    if (table !== undefined) {
      for (const [key, value] of entries) table.restoreEntry(key, value);
      return;
    }
    let pending = this.pendingValues.get(name);
    if (pending === undefined) {
      pending = new Map();
      this.pendingValues.set(name, pending);
    }
    for (const entry of entries) pending.set(toMapKey(entry[0]), entry);
  }

  private timerService(name: string): HeapInternalTimerService {
    let service = this.timerServices.get(name);
    if (service === undefined) {
      service = new HeapInternalTimerService(name, this, this.clock);
      this.timerServices.set(name, service);
    }
    return service;
  }
}

function addTo<E>(record: Record<string, E[]>, name: string, entry: E): void {
  (record[name] ??= []).push(entry);
}

function kindConflict(name: string, requested: StateKind, existing: StateKind): Error {
  return new Error(
    `State '${name}' is already registered as ${existing} state and cannot be used as ${requested} state: ` +
      'each state name may have only one kind.',
  );
}

import type { StateKind } from '../../api/state/state-descriptor.js';
import type { KeyContext } from './key-context.js';
import type { TtlPolicy } from './ttl-policy.js';
import { toMapKey } from '../../core/map-key.js';

/**
 * What the heap backend needs of each of its keyed states: its entries for a snapshot (expired ones
 * left out) and a way to take entries back from one. A payload is the state-kind specific part of
 * an entry, plain data msgpack can carry.
 */
export interface HeapKeyedState {
  readonly name: string;
  readonly kind: StateKind;
  /** Live entries at `now`: original key and payload. */
  snapshotEntries(now: number): Iterable<[key: unknown, payload: unknown]>;
  restoreEntry(key: unknown, payload: unknown): void;
  /** The keys that have an entry now, as `[key, mapKey]`, copied so the caller may change the state meanwhile. */
  stateKeys(): [key: unknown, mapKey: unknown][];
}

/** One key's entry in a state table; the original key is kept for key-group assignment at snapshot time. */
export interface KeyedEntry {
  readonly key: unknown;
}

/**
 * The table and current-key plumbing common to the heap states: entries by `toMapKey(key)`, read
 * with the map key the backend computed once when the key was set.
 */
export abstract class AbstractHeapState<E extends KeyedEntry> implements HeapKeyedState {
  abstract readonly kind: StateKind;
  protected readonly table = new Map<unknown, E>();

  constructor(
    readonly name: string,
    protected readonly keyContext: KeyContext,
    protected readonly ttl: TtlPolicy | undefined,
  ) {}

  clear(): void {
    this.table.delete(this.keyContext.currentMapKey);
  }

  abstract snapshotEntries(now: number): Iterable<[unknown, unknown]>;
  abstract restoreEntry(key: unknown, payload: unknown): void;

  stateKeys(): [unknown, unknown][] {
    return Array.from(this.table, ([mapKey, entry]): [unknown, unknown] => [entry.key, mapKey]);
  }

  /** The timestamp of a restored value: its own, or now when it was written without TTL. */
  protected restoredTimestamp(ts: unknown): number {
    return typeof ts === 'number' ? ts : this.ttl !== undefined ? this.ttl.now() : 0;
  }
}

/** An entry holding one value and its last-update time (value, reducing and aggregating state). */
export interface SingleValueEntry<V> extends KeyedEntry {
  value: V;
  /** Last update, processing time; 0 without TTL. */
  ts: number;
}

/**
 * States whose entry is one value: the TTL rules of reads (Flink's getWithTtlCheckAndUpdate) and
 * the snapshot payload `[value, lastUpdate | null]` live here once.
 */
export abstract class AbstractSingleValueState<V> extends AbstractHeapState<SingleValueEntry<V>> {
  /**
   * The current key's entry for a read: an expired one is dropped (and returned only with the
   * ReturnExpiredIfNotCleanedUp visibility), a live one refreshed with OnReadAndWrite.
   */
  protected readEntry(): SingleValueEntry<V> | undefined {
    const mapKey = this.keyContext.currentMapKey;
    const entry = this.table.get(mapKey);
    const ttl = this.ttl;
    if (entry === undefined || ttl === undefined) return entry;
    const now = ttl.now();
    if (ttl.isExpired(entry.ts, now)) {
      this.table.delete(mapKey);
      return ttl.returnExpired ? entry : undefined;
    }
    if (ttl.updateOnRead) entry.ts = now;
    return entry;
  }

  /** The current key's entry for an update that folds into it: expired counts as absent. */
  protected liveEntryForWrite(): SingleValueEntry<V> | undefined {
    const entry = this.table.get(this.keyContext.currentMapKey);
    const ttl = this.ttl;
    if (entry === undefined || ttl === undefined) return entry;
    return ttl.isExpired(entry.ts, ttl.now()) ? undefined : entry;
  }

  /** Sets the current key's value, creating or refreshing its entry. */
  protected write(value: V): void {
    const mapKey = this.keyContext.currentMapKey;
    const ts = this.ttl !== undefined ? this.ttl.now() : 0;
    const entry = this.table.get(mapKey);
    if (entry !== undefined) {
      entry.value = value;
      entry.ts = ts;
    } else {
      this.table.set(mapKey, { key: this.keyContext.currentKey, value, ts });
    }
  }

  *snapshotEntries(now: number): Iterable<[unknown, unknown]> {
    const ttl = this.ttl;
    for (const entry of this.table.values()) {
      if (ttl === undefined) yield [entry.key, [entry.value, null]];
      else if (!ttl.isExpired(entry.ts, now)) yield [entry.key, [entry.value, entry.ts]];
    }
  }

  restoreEntry(key: unknown, payload: unknown): void {
    const [value, ts] = payload as [V, number | null];
    this.table.set(toMapKey(key), { key, value, ts: this.restoredTimestamp(ts) });
  }
}

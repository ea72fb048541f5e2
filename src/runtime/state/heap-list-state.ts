import type { ListState } from '../../api/state/state.js';
import type { KeyedEntry } from './heap-state.js';
import { toMapKey } from '../../core/map-key.js';
import { AbstractHeapState } from './heap-state.js';

interface ListEntry<T> extends KeyedEntry {
  values: T[];
  /** Last update per element (TTL is per element, as in Flink); absent without TTL. */
  ts: number[] | undefined;
}

const EMPTY: readonly never[] = Object.freeze([]);

/**
 * ListState on the heap. `get` returns a copy, so adding to the state while iterating what it
 * returned neither loops forever nor skips. An empty list is no entry at all: `get` then returns an
 * empty iterable (never null) and snapshots carry nothing for the key.
 */
export class HeapListState<T> extends AbstractHeapState<ListEntry<T>> implements ListState<T> {
  readonly kind = 'list' as const;

  get(): Iterable<T> {
    const mapKey = this.keyContext.currentMapKey;
    const entry = this.table.get(mapKey);
    if (entry === undefined) return EMPTY;
    const ttl = this.ttl;
    if (ttl === undefined || entry.ts === undefined) return entry.values.slice();
    const now = ttl.now();
    const live: T[] = [];
    const liveTs: number[] = [];
    const returned: T[] = [];
    for (let i = 0; i < entry.values.length; i++) {
      const value = entry.values[i] as T;
      const ts = entry.ts[i] as number;
      if (ttl.isExpired(ts, now)) {
        if (ttl.returnExpired) returned.push(value);
        continue;
      }
      live.push(value);
      liveTs.push(ttl.updateOnRead ? now : ts);
      returned.push(value);
    }
    if (live.length === 0) this.table.delete(mapKey);
    else {
      entry.values = live;
      entry.ts = liveTs;
    }
    return returned;
  }

  add(value: T): void {
    checkElement(value, this.name);
    const entry = this.entryForAppend();
    entry.values.push(value);
    if (entry.ts !== undefined && this.ttl !== undefined) entry.ts.push(this.ttl.now());
  }

  addAll(values: Iterable<T>): void {
    const list = Array.from(values);
    if (list.length === 0) return;
    for (const value of list) checkElement(value, this.name);
    const entry = this.entryForAppend();
    for (const value of list) entry.values.push(value);
    if (entry.ts !== undefined && this.ttl !== undefined) {
      const now = this.ttl.now();
      for (let i = 0; i < list.length; i++) entry.ts.push(now);
    }
  }

  update(values: Iterable<T>): void {
    const list = Array.from(values);
    for (const value of list) checkElement(value, this.name);
    if (list.length === 0) {
      this.clear();
      return;
    }
    const ts = this.ttl !== undefined ? new Array<number>(list.length).fill(this.ttl.now()) : undefined;
    this.table.set(this.keyContext.currentMapKey, { key: this.keyContext.currentKey, values: list, ts });
  }

  *snapshotEntries(now: number): Iterable<[unknown, unknown]> {
    const ttl = this.ttl;
    for (const entry of this.table.values()) {
      if (ttl === undefined || entry.ts === undefined) {
        yield [entry.key, [entry.values, null]];
        continue;
      }
      const values: T[] = [];
      const ts: number[] = [];
      for (let i = 0; i < entry.values.length; i++) {
        const t = entry.ts[i] as number;
        if (ttl.isExpired(t, now)) continue;
        values.push(entry.values[i] as T);
        ts.push(t);
      }
      if (values.length > 0) yield [entry.key, [values, ts]];
    }
  }

  restoreEntry(key: unknown, payload: unknown): void {
    const [values, ts] = payload as [T[], number[] | null];
    let restoredTs: number[] | undefined;
    if (this.ttl !== undefined) restoredTs = ts ?? new Array<number>(values.length).fill(this.ttl.now());
    this.table.set(toMapKey(key), { key, values, ts: restoredTs });
  }

  private entryForAppend(): ListEntry<T> {
    const mapKey = this.keyContext.currentMapKey;
    let entry = this.table.get(mapKey);
    if (entry === undefined) {
      entry = { key: this.keyContext.currentKey, values: [], ts: this.ttl !== undefined ? [] : undefined };
      this.table.set(mapKey, entry);
    }
    return entry;
  }
}

/** Flink rejects null list elements; so does this backend, naming the state. */
function checkElement(value: unknown, stateName: string): void {
  if (value === null || value === undefined) {
    throw new TypeError(`You cannot add null to a ListState (state '${stateName}').`);
  }
}

import type { MapState } from '../../api/state/state.js';
import type { KeyedEntry } from './heap-state.js';
import { toMapKey } from '../../core/map-key.js';
import { AbstractHeapState } from './heap-state.js';

/** One user entry of a MapState: its original user key, value and last update (TTL is per entry). */
interface MapElement<UK, UV> {
  readonly userKey: UK;
  value: UV;
  ts: number;
}

interface MapEntry<UK, UV> extends KeyedEntry {
  /** By `toMapKey(userKey)`: composite user keys compare by value, as Java's equals would. */
  readonly map: Map<unknown, MapElement<UK, UV>>;
}

/**
 * MapState on the heap: one JS Map per key. Iteration methods return snapshots (arrays), so the
 * state may be changed while iterating them. A key whose map becomes empty has no entry at all.
 */
export class HeapMapState<UK, UV> extends AbstractHeapState<MapEntry<UK, UV>> implements MapState<UK, UV> {
  readonly kind = 'map' as const;

  get(userKey: UK): UV | undefined {
    return this.readElement(userKey)?.value;
  }

  put(userKey: UK, value: UV): void {
    const map = this.mapForWrite();
    const mk = toMapKey(userKey);
    const ts = this.ttl !== undefined ? this.ttl.now() : 0;
    const element = map.get(mk);
    if (element !== undefined) {
      element.value = value;
      element.ts = ts;
    } else {
      map.set(mk, { userKey, value, ts });
    }
  }

  putAll(entries: Iterable<[UK, UV]> | ReadonlyMap<UK, UV>): void {
    for (const [k, v] of entries) this.put(k, v);
  }

  remove(userKey: UK): void {
    const mapKey = this.keyContext.currentMapKey;
    const entry = this.table.get(mapKey);
    if (entry === undefined) return;
    entry.map.delete(toMapKey(userKey));
    if (entry.map.size === 0) this.table.delete(mapKey);
  }

  contains(userKey: UK): boolean {
    const element = this.readElement(userKey);
    // An expired entry returned under ReturnExpiredIfNotCleanedUp still "contains", as Flink's does.
    return element !== undefined;
  }

  entries(): Iterable<[UK, UV]> {
    return this.readAll().map((e) => [e.userKey, e.value]);
  }

  keys(): Iterable<UK> {
    return this.readAll().map((e) => e.userKey);
  }

  values(): Iterable<UV> {
    return this.readAll().map((e) => e.value);
  }

  isEmpty(): boolean {
    return this.readAll().length === 0;
  }

  *snapshotEntries(now: number): Iterable<[unknown, unknown]> {
    const ttl = this.ttl;
    for (const entry of this.table.values()) {
      const elements: [UK, UV, number | null][] = [];
      for (const e of entry.map.values()) {
        if (ttl === undefined) elements.push([e.userKey, e.value, null]);
        else if (!ttl.isExpired(e.ts, now)) elements.push([e.userKey, e.value, e.ts]);
      }
      if (elements.length > 0) yield [entry.key, elements];
    }
  }

  restoreEntry(key: unknown, payload: unknown): void {
    const map = new Map<unknown, MapElement<UK, UV>>();
    for (const [userKey, value, ts] of payload as [UK, UV, number | null][]) {
      map.set(toMapKey(userKey), { userKey, value, ts: this.restoredTimestamp(ts) });
    }
    if (map.size > 0) this.table.set(toMapKey(key), { key, map });
  }

  private mapForWrite(): Map<unknown, MapElement<UK, UV>> {
    const mapKey = this.keyContext.currentMapKey;
    let entry = this.table.get(mapKey);
    if (entry === undefined) {
      entry = { key: this.keyContext.currentKey, map: new Map() };
      this.table.set(mapKey, entry);
    }
    return entry.map;
  }

  /** One user entry with the TTL rules of reads: see AbstractSingleValueState.readEntry. */
  private readElement(userKey: UK): MapElement<UK, UV> | undefined {
    const mapKey = this.keyContext.currentMapKey;
    const entry = this.table.get(mapKey);
    if (entry === undefined) return undefined;
    const mk = toMapKey(userKey);
    const element = entry.map.get(mk);
    const ttl = this.ttl;
    if (element === undefined || ttl === undefined) return element;
    const now = ttl.now();
    if (ttl.isExpired(element.ts, now)) {
      entry.map.delete(mk);
      if (entry.map.size === 0) this.table.delete(mapKey);
      return ttl.returnExpired ? element : undefined;
    }
    if (ttl.updateOnRead) element.ts = now;
    return element;
  }

  /** All user entries of the current key, expired ones dropped (and returned only if visible). */
  private readAll(): MapElement<UK, UV>[] {
    const mapKey = this.keyContext.currentMapKey;
    const entry = this.table.get(mapKey);
    if (entry === undefined) return [];
    const ttl = this.ttl;
    if (ttl === undefined) return Array.from(entry.map.values());
    const now = ttl.now();
    const result: MapElement<UK, UV>[] = [];
    for (const [mk, element] of entry.map) {
      if (ttl.isExpired(element.ts, now)) {
        entry.map.delete(mk);
        if (ttl.returnExpired) result.push(element);
        continue;
      }
      if (ttl.updateOnRead) element.ts = now;
      result.push(element);
    }
    if (entry.map.size === 0) this.table.delete(mapKey);
    return result;
  }
}

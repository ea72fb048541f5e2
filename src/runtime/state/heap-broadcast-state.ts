import type { BroadcastState } from '../../api/state/state.js';
import { toMapKey } from '../../core/map-key.js';

/**
 * Broadcast state (Flink's HeapBroadcastState): a map every subtask holds a full copy of, written
 * only from the broadcast side so the copies stay identical. Keys compare by value (`toMapKey`).
 */
export class HeapBroadcastState<K, V> implements BroadcastState<K, V> {
  readonly mode = 'BROADCAST' as const;
  private readonly map = new Map<unknown, [K, V]>();

  constructor(readonly name: string) {}

  get(key: K): V | undefined {
    return this.map.get(toMapKey(key))?.[1];
  }

  contains(key: K): boolean {
    return this.map.has(toMapKey(key));
  }

  immutableEntries(): Iterable<[K, V]> {
    return Array.from(this.map.values(), ([k, v]): [K, V] => [k, v]);
  }

  put(key: K, value: V): void {
    this.map.set(toMapKey(key), [key, value]);
  }

  putAll(entries: Iterable<[K, V]>): void {
    for (const [k, v] of entries) this.put(k, v);
  }

  remove(key: K): void {
    this.map.delete(toMapKey(key));
  }

  entries(): Iterable<[K, V]> {
    return this.immutableEntries();
  }

  clear(): void {
    this.map.clear();
  }

  snapshotElements(): [K, V][] {
    return Array.from(this.map.values());
  }

  restoreElements(elements: readonly unknown[]): void {
    for (const [k, v] of elements as [K, V][]) this.put(k, v);
  }
}

import type { HeapTimer } from './timer-heap.js';

/**
 * The timers of one time domain by (key, namespace, time), to deduplicate registrations and find
 * a timer to delete. Nested maps rather than one map by a concatenated id: a window operator
 * registers timers for every element (the trigger's, the cleanup's), and building and hashing a
 * fresh id string each time cost more than the rest of the element's path. Here each level is
 * looked up by a value that is already a primitive (and usually already hashed): the key's map
 * key, the namespace's encoding (cached by windows), the time.
 */
export class TimerIndex {
  private readonly byKey = new Map<unknown, Map<string, Map<number, HeapTimer>>>();

  get(keyMapKey: unknown, namespaceKey: string, time: number): HeapTimer | undefined {
    return this.byKey.get(keyMapKey)?.get(namespaceKey)?.get(time);
  }

  set(timer: HeapTimer): void {
    let byNamespace = this.byKey.get(timer.keyMapKey);
    if (byNamespace === undefined) {
      byNamespace = new Map();
      this.byKey.set(timer.keyMapKey, byNamespace);
    }
    let byTime = byNamespace.get(timer.namespaceKey);
    if (byTime === undefined) {
      byTime = new Map();
      byNamespace.set(timer.namespaceKey, byTime);
    }
    byTime.set(timer.timestamp, timer);
  }

  delete(timer: HeapTimer): void {
    const byNamespace = this.byKey.get(timer.keyMapKey);
    const byTime = byNamespace?.get(timer.namespaceKey);
    if (byNamespace === undefined || byTime === undefined) return;
    byTime.delete(timer.timestamp);
    // Empty levels go, so the index does not grow with every key and window ever seen.
    if (byTime.size > 0) return;
    byNamespace.delete(timer.namespaceKey);
    if (byNamespace.size === 0) this.byKey.delete(timer.keyMapKey);
  }
}

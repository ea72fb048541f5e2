import type { InternalTimer } from '../../api/state/operator-state-context.js';

/** A registered timer as the heap holds it: it knows its slot so a delete costs O(log n). */
export interface HeapTimer extends InternalTimer {
  /** The namespace as the timer index keys it (see `TimerIndex`). */
  readonly namespaceKey: string;
  /** `toMapKey(key)`, so firing can set the current key without recomputing it. */
  readonly keyMapKey: unknown;
  /** Registration order, so timers of the same time fire in the order they were registered. */
  readonly seq: number;
  /** The timer's slot in its heap; -1 once removed. */
  index: number;
}

/**
 * A binary min-heap of timers by (timestamp, registration order), the priority queue of Flink's
 * heap timer service. Timers are removed by slot, not searched for.
 */
export class TimerHeap {
  private readonly heap: HeapTimer[] = [];

  get size(): number {
    return this.heap.length;
  }

  peek(): HeapTimer | undefined {
    return this.heap[0];
  }

  push(timer: HeapTimer): void {
    timer.index = this.heap.length;
    this.heap.push(timer);
    this.siftUp(timer.index);
  }

  pop(): HeapTimer | undefined {
    const top = this.heap[0];
    if (top !== undefined) this.removeAt(0);
    return top;
  }

  remove(timer: HeapTimer): void {
    if (timer.index >= 0 && this.heap[timer.index] === timer) this.removeAt(timer.index);
  }

  /** All timers, in no particular order (for snapshots). */
  values(): readonly HeapTimer[] {
    return this.heap;
  }

  private removeAt(index: number): void {
    const removed = this.heap[index] as HeapTimer;
    const last = this.heap.pop() as HeapTimer;
    removed.index = -1;
    if (last === removed) return;
    this.heap[index] = last;
    last.index = index;
    this.siftDown(index);
    this.siftUp(last.index);
  }

  private siftUp(start: number): void {
    const heap = this.heap;
    let i = start;
    const timer = heap[i] as HeapTimer;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = heap[parentIndex] as HeapTimer;
      if (!before(timer, parent)) break;
      heap[i] = parent;
      parent.index = i;
      i = parentIndex;
    }
    heap[i] = timer;
    timer.index = i;
  }

  private siftDown(start: number): void {
    const heap = this.heap;
    const n = heap.length;
    let i = start;
    const timer = heap[i] as HeapTimer;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && before(heap[right] as HeapTimer, heap[left] as HeapTimer)) child = right;
      const c = heap[child] as HeapTimer;
      if (!before(c, timer)) break;
      heap[i] = c;
      c.index = i;
      i = child;
    }
    heap[i] = timer;
    timer.index = i;
  }
}

function before(a: HeapTimer, b: HeapTimer): boolean {
  return a.timestamp < b.timestamp || (a.timestamp === b.timestamp && a.seq < b.seq);
}

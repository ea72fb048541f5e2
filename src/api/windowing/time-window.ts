import type { Window } from './window.js';

/**
 * Interned windows by size, then start: see `TimeWindow.of`. Bounded per size: when one map is
 * full it starts over (old windows stay valid, they are just not shared any more).
 */
const INTERNED = new Map<number, Map<number, TimeWindow>>();
const INTERNED_PER_SIZE = 1024;

/** The half-open interval `[start, end)` of event or processing time (Flink's TimeWindow). */
export class TimeWindow implements Window {
  /**
   * Derived keys, computed once per instance. Private fields: not enumerable, so snapshots,
   * `toMapKey` and equality see only `start` and `end`.
   */
  #stateKey: string | undefined;
  #namespaceKey: string | undefined;

  constructor(
    readonly start: number,
    readonly end: number,
  ) {}

  /**
   * The window `[start, end)`, shared with earlier calls for the same interval. Assigners use it:
   * every element of a window then gets the same instance, whose derived keys (`stateKey`, the
   * timer namespace) are computed once instead of once per element and window.
   */
  static of(start: number, end: number): TimeWindow {
    const size = end - start;
    let bySize = INTERNED.get(size);
    if (bySize === undefined) {
      bySize = new Map();
      INTERNED.set(size, bySize);
    }
    let window = bySize.get(start);
    if (window === undefined) {
      if (bySize.size >= INTERNED_PER_SIZE) bySize.clear();
      window = new TimeWindow(start, end);
      bySize.set(start, window);
    }
    return window;
  }

  getStart(): number {
    return this.start;
  }
  getEnd(): number {
    return this.end;
  }
  /** `end - 1`: the end is exclusive. */
  maxTimestamp(): number {
    return this.end - 1;
  }
  stateKey(): string {
    return (this.#stateKey ??= `${this.start}:${this.end}`);
  }
  /**
   * `compute(this)`, cached on the instance: the timer service's encoding of this window as a
   * namespace. It must only depend on `start` and `end`, as the encoding of a restored (plain) one does.
   */
  namespaceKey(compute: (window: TimeWindow) => string): string {
    return (this.#namespaceKey ??= compute(this));
  }
  /** Touching windows intersect too: a session continues when the gap is exactly met. */
  intersects(other: TimeWindow): boolean {
    return this.start <= other.end && this.end >= other.start;
  }
  cover(other: TimeWindow): TimeWindow {
    return new TimeWindow(Math.min(this.start, other.start), Math.max(this.end, other.end));
  }
  equals(other: unknown): boolean {
    return other instanceof TimeWindow && other.start === this.start && other.end === this.end;
  }
  toString(): string {
    return `TimeWindow{start=${this.start}, end=${this.end}}`;
  }

  /**
   * The start of the window of `size` (shifted by `offset`) containing `timestamp`. The remainder
   * is corrected for negative timestamps, where `%` keeps the dividend's sign.
   */
  static getWindowStartWithOffset(timestamp: number, offset: number, windowSize: number): number {
    const remainder = (timestamp - offset) % windowSize;
    return remainder < 0 ? timestamp - (remainder + windowSize) : timestamp - remainder;
  }

  /**
   * Merges every run of intersecting windows (sorted by start) into the window covering the run;
   * `merge(covered, result)` is told about each run of more than one window.
   */
  static mergeWindows(windows: Iterable<TimeWindow>, merge: (merged: TimeWindow[], result: TimeWindow) => void): void {
    const sorted = [...windows].sort((a, b) => a.start - b.start);
    let run: TimeWindow[] = [];
    let cover: TimeWindow | undefined;
    const flush = (): void => {
      if (cover !== undefined && run.length > 1) merge(run, cover);
    };
    for (const w of sorted) {
      if (cover !== undefined && cover.intersects(w)) {
        run.push(w);
        cover = cover.cover(w);
      } else {
        flush();
        run = [w];
        cover = w;
      }
    }
    flush();
  }
}

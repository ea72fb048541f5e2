import type { Window } from './window.js';

/** The half-open interval `[start, end)` of event or processing time (Flink's TimeWindow). */
export class TimeWindow implements Window {
  constructor(
    readonly start: number,
    readonly end: number,
  ) {}

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
    return `${this.start}:${this.end}`;
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

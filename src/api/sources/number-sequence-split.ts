/**
 * A range of numbers still to be read, `from` to `to` inclusive (Flink's NumberSequenceSplit).
 * Sequence and generator sources checkpoint their unread input as a list of these; plain data, so
 * it goes through msgpack as is.
 */
export interface NumberSequenceSplit {
  readonly from: number;
  readonly to: number;
}

/** Offset and length of subtask `index`'s share of `total` items split over `parallelism`. */
export function contiguousSlice(total: number, index: number, parallelism: number): [number, number] {
  const base = Math.floor(total / parallelism);
  const remainder = total - base * parallelism;
  const first = index * base + Math.min(index, remainder);
  return [first, base + (index < remainder ? 1 : 0)];
}

/**
 * Checks splits restored from a checkpoint: they come from storage, so a wrong shape (another
 * source's state under the same operator id) is reported here rather than read as garbage.
 */
export function restoreNumberSequenceSplits(splits: readonly unknown[], sourceName: string): NumberSequenceSplit[] {
  return splits.map((split) => {
    const { from, to } = (split ?? {}) as Partial<Record<keyof NumberSequenceSplit, unknown>>;
    if (typeof from !== 'number' || typeof to !== 'number' || !Number.isSafeInteger(from) || !Number.isSafeInteger(to)) {
      throw new TypeError(`${sourceName} cannot restore split ${JSON.stringify(split)}: expected integers { from, to }`);
    }
    if (from > to) {
      throw new TypeError(`${sourceName} cannot restore split ${JSON.stringify(split)}: from > to`);
    }
    return { from, to };
  });
}

/**
 * The unread part of a reader's ranges, read in order. Ranges are kept as `[next, end)` so the
 * exclusive end may be 2^53 without losing precision; the checkpointed form is inclusive.
 */
export class NumberSequenceCursor {
  private readonly ranges: { next: number; readonly end: number }[];

  constructor(splits: readonly NumberSequenceSplit[]) {
    this.ranges = splits.filter((s) => s.from <= s.to).map((s) => ({ next: s.from, end: s.to + 1 }));
  }

  /** The next up to `max` numbers, as `[start, stop)`, marked as read; undefined when none are left. */
  take(max: number): [number, number] | undefined {
    let range = this.ranges[0];
    while (range !== undefined && range.next >= range.end) {
      this.ranges.shift();
      range = this.ranges[0];
    }
    if (range === undefined) return undefined;
    const start = range.next;
    const stop = Math.min(range.end, start + max);
    range.next = stop;
    return [start, stop];
  }

  hasRemaining(): boolean {
    return this.ranges.some((r) => r.next < r.end);
  }

  /** What has not been read, as splits in read order (none when everything is read). */
  snapshot(): NumberSequenceSplit[] {
    return this.ranges.filter((r) => r.next < r.end).map((r) => ({ from: r.next, to: r.end - 1 }));
  }
}

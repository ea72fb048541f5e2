import { FlinkTsError } from './errors.js';

/**
 * A contiguous, inclusive range of key groups `[startKeyGroup, endKeyGroup]` — the unit of keyed state
 * a subtask owns, and the unit that moves between subtasks on rescale. An empty range is represented
 * as `endKeyGroup === startKeyGroup - 1` (e.g. the result of intersecting disjoint ranges).
 */
export class KeyGroupRange implements Iterable<number> {
  /** The canonical empty range. */
  static readonly EMPTY: KeyGroupRange = new KeyGroupRange(0, -1);

  readonly startKeyGroup: number;
  readonly endKeyGroup: number;

  constructor(startKeyGroup: number, endKeyGroup: number) {
    if (!Number.isInteger(startKeyGroup) || !Number.isInteger(endKeyGroup) || startKeyGroup < 0) {
      throw new FlinkTsError(
        'ERR_INVALID_ARGUMENT',
        `Key group range bounds must be non-negative integers, got [${String(startKeyGroup)}, ${String(endKeyGroup)}]`,
      );
    }
    if (endKeyGroup < startKeyGroup - 1) {
      throw new FlinkTsError(
        'ERR_INVALID_ARGUMENT',
        `Key group range end ${endKeyGroup} is before start ${startKeyGroup} (use end = start - 1 for an empty range)`,
      );
    }
    this.startKeyGroup = startKeyGroup;
    this.endKeyGroup = endKeyGroup;
  }

  /** How many key groups the range holds (0 when empty). */
  get numberOfKeyGroups(): number {
    return this.endKeyGroup - this.startKeyGroup + 1;
  }

  get isEmpty(): boolean {
    return this.endKeyGroup < this.startKeyGroup;
  }

  contains(keyGroup: number): boolean {
    return keyGroup >= this.startKeyGroup && keyGroup <= this.endKeyGroup;
  }

  /**
   * The key groups present in both ranges. On rescale a new subtask restores, from each old subtask's
   * snapshot, exactly the intersection of the old range with its new one.
   */
  intersection(other: KeyGroupRange): KeyGroupRange {
    const start = Math.max(this.startKeyGroup, other.startKeyGroup);
    const end = Math.min(this.endKeyGroup, other.endKeyGroup);
    return start <= end ? new KeyGroupRange(start, end) : KeyGroupRange.EMPTY;
  }

  /** Empty ranges are all equal, whatever their start. */
  equals(other: KeyGroupRange): boolean {
    if (this.isEmpty || other.isEmpty) return this.isEmpty && other.isEmpty;
    return this.startKeyGroup === other.startKeyGroup && this.endKeyGroup === other.endKeyGroup;
  }

  *[Symbol.iterator](): Iterator<number> {
    for (let kg = this.startKeyGroup; kg <= this.endKeyGroup; kg++) yield kg;
  }

  toString(): string {
    return `KeyGroupRange{startKeyGroup=${this.startKeyGroup}, endKeyGroup=${this.endKeyGroup}}`;
  }
}

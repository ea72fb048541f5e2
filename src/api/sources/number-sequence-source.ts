import type {
  Boundedness,
  InputStatus,
  ReaderOutput,
  Source,
  SourceReader,
  SourceReaderContext,
} from './source.js';
import type { NumberSequenceSplit } from './number-sequence-split.js';
import { NumberSequenceCursor, contiguousSlice, restoreNumberSequenceSplits } from './number-sequence-split.js';

const BATCH = 256;

/**
 * Emits every integer of `[from, to]` once (`fromSequence`). Subtask i of p reads one contiguous
 * slice; slice sizes differ by at most one, the earlier subtasks taking the larger ones.
 * Checkpoints hold the unread ranges (`{ from, to }`), so a restored job, at any parallelism,
 * emits exactly the numbers not emitted before the checkpoint.
 */
export class NumberSequenceSource implements Source<number> {
  readonly boundedness: Boundedness = 'BOUNDED';
  readonly defaultName = 'Sequence Source';

  constructor(
    readonly from: number,
    readonly to: number,
  ) {
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) {
      throw new TypeError(`NumberSequenceSource needs safe integers, got from=${from} to=${to}`);
    }
    if (from > to) {
      throw new TypeError(`NumberSequenceSource needs from <= to, got from=${from} to=${to}`);
    }
    if (to - from + 1 > Number.MAX_SAFE_INTEGER) {
      throw new TypeError(`NumberSequenceSource range [${from}, ${to}] holds more than 2^53 - 1 numbers`);
    }
  }

  createReader(context: SourceReaderContext): SourceReader<number> {
    if (context.restoredSplits !== undefined) {
      return new SequenceReader(restoreNumberSequenceSplits(context.restoredSplits, 'NumberSequenceSource'));
    }
    // Counted as an offset from `from`, so ranges near the safe-integer limits do not overflow.
    const [first, count] = contiguousSlice(this.to - this.from + 1, context.subtaskIndex, context.parallelism);
    const splits = count === 0 ? [] : [{ from: this.from + first, to: this.from + first + count - 1 }];
    return new SequenceReader(splits);
  }
}

class SequenceReader implements SourceReader<number> {
  private readonly cursor: NumberSequenceCursor;

  constructor(splits: readonly NumberSequenceSplit[]) {
    this.cursor = new NumberSequenceCursor(splits);
  }

  start(): void {}

  pollNext(output: ReaderOutput<number>): InputStatus {
    const range = this.cursor.take(BATCH);
    if (range === undefined) return 'END_OF_INPUT';
    for (let n = range[0]; n < range[1]; n++) output.collect(n);
    return 'MORE_AVAILABLE';
  }

  isAvailable(): Promise<void> {
    return Promise.resolve();
  }

  close(): void {}

  snapshotState(_checkpointId: number): NumberSequenceSplit[] {
    return this.cursor.snapshot();
  }
}

import type {
  Boundedness,
  InputStatus,
  ReaderOutput,
  Source,
  SourceReader,
  SourceReaderContext,
} from './source.js';

const BATCH = 256;

/**
 * Emits every integer of `[from, to]` once (`fromSequence`). Subtask i of p reads one contiguous
 * slice; slice sizes differ by at most one, the earlier subtasks taking the larger ones.
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
    // Counted as an offset from `from`, so ranges near the safe-integer limits do not overflow.
    const [first, count] = contiguousSlice(this.to - this.from + 1, context.subtaskIndex, context.parallelism);
    return new SequenceReader(this.from + first, this.from + first + count);
  }
}

/** Offset and length of subtask `index`'s share of `total` items split over `parallelism`. */
function contiguousSlice(total: number, index: number, parallelism: number): [number, number] {
  const base = Math.floor(total / parallelism);
  const remainder = total - base * parallelism;
  const first = index * base + Math.min(index, remainder);
  return [first, base + (index < remainder ? 1 : 0)];
}

class SequenceReader implements SourceReader<number> {
  constructor(
    private next: number,
    private readonly end: number,
  ) {}

  start(): void {}

  pollNext(output: ReaderOutput<number>): InputStatus {
    if (this.next >= this.end) return 'END_OF_INPUT';
    const stop = Math.min(this.end, this.next + BATCH);
    for (let n = this.next; n < stop; n++) output.collect(n);
    this.next = stop;
    return 'MORE_AVAILABLE';
  }

  isAvailable(): Promise<void> {
    return Promise.resolve();
  }

  close(): void {}
}

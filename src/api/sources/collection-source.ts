import type {
  Boundedness,
  InputStatus,
  ReaderOutput,
  Source,
  SourceReader,
  SourceReaderContext,
} from './source.js';

/** Records emitted per `pollNext`: small, so the task can check backpressure between calls. */
const BATCH = 256;

/**
 * A checkpointed read position of a collection: the index of the next element to emit; everything
 * from there to the end is still to come. There is at most one, held by the single reader.
 */
export interface CollectionSplit {
  readonly index: number;
}

/**
 * Emits a fixed list of elements in order (`fromData` / `fromCollection`). It cannot run in
 * parallel: order is part of its contract. The elements are part of the job, so a checkpoint only
 * stores how far the reader got.
 */
export class CollectionSource<T> implements Source<T> {
  readonly boundedness: Boundedness = 'BOUNDED';
  readonly maxParallelism = 1;
  readonly defaultName: string;
  private readonly elements: readonly T[];

  constructor(elements: readonly T[], name = 'Collection Source') {
    // A copy: the caller may keep mutating its array after building the pipeline.
    this.elements = elements.slice();
    this.defaultName = name;
  }

  createReader(context: SourceReaderContext): SourceReader<T> {
    if (context.restoredSplits !== undefined) return this.restoreReader(context.restoredSplits);
    // Should the source ever run with parallelism > 1, only the first subtask emits, so every
    // element still appears exactly once.
    return new CollectionReader(context.subtaskIndex === 0 ? this.elements : [], 0);
  }

  private restoreReader(splits: readonly unknown[]): CollectionReader<T> {
    // Two splits would mean two readers emitted the same elements: state that cannot be ours.
    if (splits.length > 1) {
      throw new Error(`CollectionSource cannot restore ${splits.length} splits: it only ever checkpoints one`);
    }
    if (splits.length === 0) return new CollectionReader(this.elements, this.elements.length);
    const index = (splits[0] as Partial<Record<keyof CollectionSplit, unknown>> | null)?.index;
    if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0 || index > this.elements.length) {
      const expected = `expected { index } within 0..${this.elements.length}`;
      throw new TypeError(`CollectionSource cannot restore split ${JSON.stringify(splits[0])}: ${expected}`);
    }
    return new CollectionReader(this.elements, index);
  }
}

class CollectionReader<T> implements SourceReader<T> {
  constructor(
    private readonly elements: readonly T[],
    private next: number,
  ) {}

  start(): void {}

  pollNext(output: ReaderOutput<T>): InputStatus {
    const elements = this.elements;
    const end = Math.min(elements.length, this.next + BATCH);
    if (this.next >= end) return 'END_OF_INPUT';
    for (let i = this.next; i < end; i++) output.collect(elements[i] as T);
    this.next = end;
    return 'MORE_AVAILABLE';
  }

  isAvailable(): Promise<void> {
    return Promise.resolve();
  }

  close(): void {}

  snapshotState(_checkpointId: number): CollectionSplit[] {
    // Nothing left means no split, so a restored reader ends at once.
    return this.next < this.elements.length ? [{ index: this.next }] : [];
  }
}

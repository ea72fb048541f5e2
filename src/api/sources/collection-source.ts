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
 * Emits a fixed list of elements in order (`fromData` / `fromCollection`). It cannot run in
 * parallel: order is part of its contract.
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
    // Should the source ever run with parallelism > 1, only the first subtask emits, so every
    // element still appears exactly once.
    return new CollectionReader(context.subtaskIndex === 0 ? this.elements : []);
  }
}

class CollectionReader<T> implements SourceReader<T> {
  private next = 0;

  constructor(private readonly elements: readonly T[]) {}

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
}

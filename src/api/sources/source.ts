import type { OperatorServices } from '../operators/stream-operator.js';

/**
 * A simplified FLIP-27 source: the runtime creates one reader per subtask and polls it. Splits
 * are assigned statically by subtask index (each reader derives its share from its index and the
 * parallelism) instead of through a JobMaster-side enumerator.
 */
export type Boundedness = 'BOUNDED' | 'CONTINUOUS_UNBOUNDED';

export type InputStatus = 'MORE_AVAILABLE' | 'NOTHING_AVAILABLE' | 'END_OF_INPUT';

export interface ReaderOutput<T> {
  /** Emits a record, optionally with an event timestamp. */
  collect(value: T, timestamp?: number): void;
}

export interface SourceReaderContext {
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly attemptNumber: number;
  readonly services: OperatorServices;
  /**
   * Set when the subtask resumes from a checkpoint or savepoint: the splits (read positions) it
   * must read, exactly these and nothing else; may be empty. Undefined on a fresh start, when the
   * reader takes its share of the input by subtask index.
   */
  readonly restoredSplits?: readonly unknown[];
}

export interface SourceReader<T> {
  start(): void | Promise<void>;
  /**
   * Emits some records (a few at most: the task checks backpressure between calls) and tells
   * whether more are ready now, none are ready yet (then `isAvailable` resolves when some are),
   * or the input is exhausted.
   */
  pollNext(output: ReaderOutput<T>): InputStatus;
  isAvailable(): Promise<void>;
  close(): void | Promise<void>;
  /**
   * The input this reader has not emitted yet, as splits of plain (msgpack-serialisable) data,
   * at the point between two `pollNext` calls where the checkpoint is taken. A restored reader
   * gets them back as `restoredSplits`, possibly spread over other subtasks after a rescale, so a
   * split must stand on its own. Readers without it (sockets) cannot replay: they start afresh.
   */
  snapshotState?(checkpointId: number): unknown[];
  notifyCheckpointComplete?(checkpointId: number): void;
}

export interface Source<T> {
  readonly boundedness: Boundedness;
  /** Shown as `Source: <name>` unless the user names the source. */
  readonly defaultName: string;
  /** 1 for sources that cannot run in parallel (collections, sockets). */
  readonly maxParallelism?: number;
  createReader(context: SourceReaderContext): SourceReader<T>;
}

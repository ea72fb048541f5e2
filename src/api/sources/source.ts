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
}

export interface Source<T> {
  readonly boundedness: Boundedness;
  /** Shown as `Source: <name>` unless the user names the source. */
  readonly defaultName: string;
  /** 1 for sources that cannot run in parallel (collections, sockets). */
  readonly maxParallelism?: number;
  createReader(context: SourceReaderContext): SourceReader<T>;
}

import type { OperatorServices } from '../operators/stream-operator.js';
import type { RuntimeContext } from '../common/runtime-context.js';

/**
 * A simplified Sink V2: one writer per subtask. `flush(true)` at end of input must leave all
 * output complete; it is visible at once when checkpointing is disabled. A sink that publishes
 * its output only when a checkpoint completes also implements `SupportsCommitter` and gives
 * `CommittingSinkWriter`s (see committing-sink.ts).
 */
export interface SinkWriterContext {
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly attemptNumber: number;
  readonly operatorId: string;
  readonly runtimeContext: RuntimeContext;
  readonly services: OperatorServices;
  /**
   * True when the job takes checkpoints (STREAMING mode only): the writer then hands what it
   * completed to the committer through `prepareCommit` instead of publishing it itself, and a
   * final checkpoint follows `flush(true)`. Absent means false.
   */
  readonly checkpointingEnabled?: boolean;
}

export interface SinkWriter<T> {
  write(value: T, timestamp: number): void;
  /** `false` at a checkpoint (write out buffers), `true` once at end of input. */
  flush(endOfInput: boolean): void | Promise<void>;
  /** Also called on cancel and failure: must not publish anything that was not committed. */
  close(): void | Promise<void>;
}

export interface Sink<T> {
  /** Shown as `Sink: <name>` unless the user names the sink. */
  readonly defaultName: string;
  createWriter(context: SinkWriterContext): SinkWriter<T>;
}

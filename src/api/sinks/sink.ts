import type { OperatorServices } from '../operators/stream-operator.js';
import type { RuntimeContext } from '../common/runtime-context.js';

/**
 * A simplified Sink V2: one writer per subtask. `flush(true)` at end of input must leave all
 * output complete and visible; exactly-once commits join with checkpointing.
 */
export interface SinkWriterContext {
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly attemptNumber: number;
  readonly operatorId: string;
  readonly runtimeContext: RuntimeContext;
  readonly services: OperatorServices;
}

export interface SinkWriter<T> {
  write(value: T, timestamp: number): void;
  flush(endOfInput: boolean): void | Promise<void>;
  close(): void | Promise<void>;
}

export interface Sink<T> {
  /** Shown as `Sink: <name>` unless the user names the sink. */
  readonly defaultName: string;
  createWriter(context: SinkWriterContext): SinkWriter<T>;
}

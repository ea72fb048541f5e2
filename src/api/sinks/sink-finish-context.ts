/**
 * What a sink function's optional `finish(context)` (Flink's `SinkFunction.finish()`, called once
 * at end of input, before `close`) learns about what comes next. Flink's `finish` takes no
 * argument because there a final checkpoint always follows when checkpointing is on; flink-ts
 * also keeps exactly-once sinks useful without checkpointing, so the function must know whether
 * to leave its last output to that checkpoint or publish it itself.
 */
export interface SinkFinishContext {
  /**
   * True: a final checkpoint (snapshotState, then notifyCheckpointComplete) follows, and what is
   * left for it is committed then. False: only `close` follows, so output must be published now.
   */
  readonly finalCheckpointFollows: boolean;
}

/** A sink function object with a `finish` hook. */
export interface FinishableSinkFunction {
  finish(context: SinkFinishContext): void | Promise<void>;
}

export function isFinishableSinkFunction(fn: unknown): fn is FinishableSinkFunction {
  return typeof fn === 'object' && fn !== null && typeof (fn as Partial<FinishableSinkFunction>).finish === 'function';
}

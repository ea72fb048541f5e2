import type { Sink, SinkWriter } from '../sinks/sink.js';
import type { Committer } from '../sinks/committing-sink.js';
import type { SinkContext, SinkFunction } from '../functions/function-types.js';
import type { TwoPhaseCommitSinkFunction } from '../functions/two-phase-commit-sink-function.js';
import type { OneInputStreamOperator, OperatorSetup } from './stream-operator.js';
import type { StreamOperatorStateContext } from '../state/operator-state-context.js';
import type { ListState } from '../state/state.js';
import { NO_TIMESTAMP } from '../common/records.js';
import { AbstractStreamOperator } from './abstract-stream-operator.js';
import { isCommittingSinkWriter, supportsCommitter } from '../sinks/committing-sink.js';
import { isTwoPhaseCommitSinkFunction } from '../functions/two-phase-commit-sink-function.js';
import { isFinishableSinkFunction } from '../sinks/sink-finish-context.js';
import { ListStateDescriptor } from '../state/state-descriptor.js';

/**
 * Whether checkpoints (and so a final checkpoint after `finish`) happen. BATCH mode has none even
 * when an interval is configured: there, output is published at end of input.
 */
function checkpointingEnabled(setup: OperatorSetup): boolean {
  return setup.checkpointingEnabled === true && setup.runtimeMode === 'STREAMING';
}

/** A committable in the sink operator's state, with the checkpoint that produced it. */
interface PendingCommittable {
  readonly checkpointId: number;
  readonly committable: unknown;
}

/**
 * Runs a Sink's writer: `sinkTo(...)` and the built-in print and collect sinks. Flink runs the
 * committer as an operator of its own behind the writer; here both live in one operator, since a
 * committable never has to move to another subtask before it is committed.
 *
 * At each checkpoint the writer is flushed and, for a committing sink, its committables are kept
 * in operator state under the checkpoint's id. When a checkpoint completes, the committables of
 * it and of every earlier checkpoint are committed (earlier notifications may have been skipped).
 * A restored operator commits every committable in the restored state: that checkpoint completed.
 */
export class SinkWriterOperator<T> extends AbstractStreamOperator<never> implements OneInputStreamOperator<T> {
  private writer: SinkWriter<T> | undefined;
  private committer: Committer<unknown> | undefined;
  private committableState: ListState<PendingCommittable> | undefined;
  /** Committables not yet committed, in checkpoint order. */
  private pending: PendingCommittable[] = [];

  constructor(private readonly sink: Sink<T>) {
    super(sink);
  }

  override async initializeState(context: StreamOperatorStateContext): Promise<void> {
    await super.initializeState(context);
    if (!supportsCommitter(this.sink)) return;
    // Even-split list state: on a rescale any subtask may commit any committable.
    this.committableState = context.operatorStateBackend.getListState(new ListStateDescriptor<PendingCommittable>('sink-committables'));
    if (context.isRestored()) {
      const restored = Array.from(this.committableState.get()).sort((a, b) => a.checkpointId - b.checkpointId);
      if (restored.length > 0) await this.getCommitter().commit(restored.map((p) => p.committable));
    }
    this.committableState.update(this.pending);
  }

  override async open(): Promise<void> {
    await super.open();
    const task = this.runtimeContext.getTaskInfo();
    this.writer = this.sink.createWriter({
      subtaskIndex: task.indexOfThisSubtask,
      parallelism: task.numberOfParallelSubtasks,
      attemptNumber: task.attemptNumber,
      operatorId: this.setupInfo.operatorId,
      runtimeContext: this.runtimeContext,
      services: this.setupInfo.services,
      checkpointingEnabled: checkpointingEnabled(this.setupInfo),
    });
  }

  processElement(value: T, timestamp: number): void {
    (this.writer as SinkWriter<T>).write(value, timestamp);
  }

  override async snapshotState(checkpointId: number, timestamp: number): Promise<void> {
    await super.snapshotState(checkpointId, timestamp);
    const writer = this.writer;
    if (writer === undefined) return;
    // Buffered output is written out at every checkpoint: at least once for non-committing sinks.
    await writer.flush(false);
    if (isCommittingSinkWriter(writer)) {
      for (const committable of await writer.prepareCommit()) this.pending.push({ checkpointId, committable });
    }
    this.committableState?.update(this.pending);
  }

  override async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    await super.notifyCheckpointComplete(checkpointId);
    let due = 0;
    while (due < this.pending.length && (this.pending[due] as PendingCommittable).checkpointId <= checkpointId) due++;
    if (due === 0) return;
    await this.getCommitter().commit(this.pending.slice(0, due).map((p) => p.committable));
    this.pending = this.pending.slice(due);
    this.committableState?.update(this.pending);
  }

  override async finish(): Promise<void> {
    const writer = this.writer;
    if (writer === undefined) return;
    await writer.flush(true);
    if (checkpointingEnabled(this.setupInfo) || !isCommittingSinkWriter(writer)) return;
    // No final checkpoint follows: publish what is left now, so the output is complete at the end.
    const committables = [...this.pending.map((p) => p.committable), ...(await writer.prepareCommit())];
    if (committables.length > 0) await this.getCommitter().commit(committables);
    this.pending = [];
    this.committableState?.update(this.pending);
  }

  override processWatermark(watermark: number): void {
    this.currentWatermark = watermark;
  }

  override async close(): Promise<void> {
    try {
      await this.writer?.close();
    } finally {
      try {
        await this.committer?.close();
      } finally {
        await super.close();
      }
    }
  }

  private getCommitter(): Committer<unknown> {
    if (this.committer === undefined) {
      if (!supportsCommitter(this.sink)) throw new Error(`Sink '${this.sink.defaultName}' has committables but no committer`);
      this.committer = this.sink.createCommitter();
    }
    return this.committer;
  }
}

/**
 * Runs a legacy SinkFunction (`addSink`): a lambda, a RichSinkFunction or a
 * TwoPhaseCommitSinkFunction. Checkpoint hooks reach the function through AbstractStreamOperator
 * when it is a CheckpointedFunction / CheckpointListener; `finish` reaches it when it has one.
 */
export class SinkFunctionOperator<T> extends AbstractStreamOperator<never> implements OneInputStreamOperator<T> {
  private readonly fn: (value: T, context: SinkContext) => void;
  private currentTimestamp = NO_TIMESTAMP;
  private readonly context: SinkContext;

  constructor(private readonly sink: SinkFunction<T> | TwoPhaseCommitSinkFunction<T, unknown, unknown>) {
    super(sink);
    if (typeof sink === 'function') this.fn = sink;
    else if (isTwoPhaseCommitSinkFunction(sink)) this.fn = (v, ctx) => sink.invokeInTransaction(v, ctx);
    else this.fn = (v, ctx) => sink.invoke(v, ctx);
    this.context = {
      currentProcessingTime: () => this.setupInfo.services.processingTime(),
      timestamp: () => (this.currentTimestamp === NO_TIMESTAMP ? undefined : this.currentTimestamp),
    };
  }

  processElement(value: T, timestamp: number): void {
    this.currentTimestamp = timestamp;
    this.fn(value, this.context);
  }

  override async finish(): Promise<void> {
    if (isFinishableSinkFunction(this.sink)) {
      await this.sink.finish({ finalCheckpointFollows: checkpointingEnabled(this.setupInfo) });
    }
  }

  override processWatermark(watermark: number): void {
    this.currentWatermark = watermark;
  }
}

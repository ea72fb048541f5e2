import type { ExecutionAttemptId } from '../../core/ids.js';
import type { Logger } from '../../core/logger.js';
import type { SerializedThrowable } from '../../core/errors.js';
import type { ExecutionState } from '../executiongraph/execution-state.js';
import type { CheckpointBarrier, CheckpointOptions, CheckpointType } from './checkpoint-options.js';
import type { CheckpointMetadata, OperatorStateEntry, OperatorSubtaskState } from './checkpoint-metadata.js';
import type { CheckpointSettings } from './checkpoint-settings.js';
import type { CheckpointStatsSnapshot } from './checkpoint-stats.js';
import type { CompletedCheckpoint } from './completed-checkpoint.js';
import { METADATA_VERSION } from './checkpoint-metadata.js';
import { isSavepoint } from './checkpoint-options.js';
import { PendingCheckpoint } from './pending-checkpoint.js';
import { CheckpointStatsTracker } from './checkpoint-stats-tracker.js';
import { CompletedCheckpointStore } from './completed-checkpoint-store.js';
import { checkpointDirectory, discardCheckpointDirectory, localPath, newSavepointDirectory, writeMetadata } from './checkpoint-storage.js';
import { FlinkTsError } from '../../core/errors.js';

/** A subtask attempt as the coordinator sees it. */
export interface CheckpointTask {
  readonly attemptId: ExecutionAttemptId;
  readonly vertexId: string;
  readonly subtaskIndex: number;
  readonly state: ExecutionState;
  /** Its vertex reads no input: checkpoints are triggered here. */
  readonly isSource: boolean;
  readonly name: string;
}

/** A job vertex's operators, for the metadata. */
export interface CheckpointVertex {
  readonly id: string;
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly operators: readonly { readonly operatorId: string; readonly name: string }[];
}

/** What the coordinator needs of its JobMaster. */
export interface CheckpointCoordinatorContext {
  readonly jobId: string;
  readonly logger: Logger;
  readonly vertices: readonly CheckpointVertex[];
  /** The job is RUNNING (not restarting, failing or ending). */
  isRunning(): boolean;
  tasks(): readonly CheckpointTask[];
  triggerTask(attemptId: ExecutionAttemptId, barrier: CheckpointBarrier): Promise<void>;
  notifyTask(attemptId: ExecutionAttemptId, checkpointId: number, completed: boolean): void;
  /** Too many checkpoints failed in a row (`tolerable-failed-checkpoints`). */
  failJob(error: Error): void;
}

/**
 * Coordinates a job's checkpoints (Flink's CheckpointCoordinator): triggers them periodically
 * (interval, min pause, max concurrent) and on request (savepoints, `flink-ts checkpoint`) at the
 * source tasks, collects the tasks' acknowledgements, writes `_metadata`, keeps the newest
 * completed ones, tells tasks when a checkpoint completed or was aborted, and fails the job when
 * more checkpoints fail in a row than are tolerated. Ids start at 1 and only grow, across
 * restarts and after a restore.
 */
export class CheckpointCoordinator {
  private nextCheckpointId = 1;
  private readonly pending = new Map<number, PendingCheckpoint>();
  private readonly stats = new CheckpointStatsTracker();
  readonly store: CompletedCheckpointStore;
  private periodicTimer: NodeJS.Timeout | undefined;
  private lastCompletionTime = 0;
  private consecutiveFailures = 0;
  private shutDown = false;
  /** Periodic triggers are off (the job is being cancelled); a freed slot must not start them again. */
  private schedulerStopped = false;
  /** The savepoint or checkpoint the job was started from, until a newer checkpoint completes. */
  private restoredFrom: CompletedCheckpoint | undefined;

  constructor(
    readonly settings: CheckpointSettings,
    private readonly context: CheckpointCoordinatorContext,
  ) {
    this.store = new CompletedCheckpointStore(settings.numRetained, (c) => this.markDiscarded(c.metadata.checkpointId));
  }

  /** The job starts from this snapshot: ids continue after it, and restarts use it until a checkpoint completes. */
  setInitialRestore(checkpoint: CompletedCheckpoint): void {
    this.restoredFrom = checkpoint;
    this.nextCheckpointId = Math.max(this.nextCheckpointId, checkpoint.metadata.checkpointId + 1);
  }

  /** The snapshot a (re)started task restores from: the latest completed checkpoint, else the initial one. */
  latestForRestore(): CompletedCheckpoint | undefined {
    return this.store.latest() ?? this.restoredFrom;
  }

  reportRestored(checkpoint: CompletedCheckpoint): void {
    this.stats.reportRestored({
      id: checkpoint.metadata.checkpointId,
      restoreTimestamp: Date.now(),
      isSavepoint: checkpoint.isSavepoint,
      externalPath: checkpoint.directory,
    });
  }

  statsSnapshot(): CheckpointStatsSnapshot {
    return this.stats.snapshot();
  }

  startScheduler(): void {
    if (this.settings.interval === undefined || this.shutDown || this.periodicTimer !== undefined) return;
    this.schedulerStopped = false;
    this.schedule(this.settings.interval);
  }

  stopScheduler(): void {
    this.schedulerStopped = true;
    clearTimeout(this.periodicTimer);
    this.periodicTimer = undefined;
  }

  /** Every running source ended its input and waits for a final checkpoint: take one now, not at the next period. */
  triggerFinalCheckpointSoon(): void {
    if (this.pending.size > 0 || this.shutDown || this.schedulerStopped) return;
    const wait = Math.max(0, this.lastCompletionTime + this.settings.minPause - Date.now());
    clearTimeout(this.periodicTimer);
    this.schedule(wait);
  }

  /**
   * Triggers a checkpoint or savepoint and resolves once it completed. Rejects at once when the
   * job cannot take one now (not all tasks running, no savepoint directory), or later when it
   * is declined, expires or is aborted.
   */
  trigger(type: CheckpointType, targetDirectory?: string): Promise<CompletedCheckpoint> {
    try {
      return this.startCheckpoint(type, targetDirectory).result;
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  receiveAcknowledge(attemptId: ExecutionAttemptId, checkpointId: number, states: Readonly<Record<string, OperatorSubtaskState>>): void {
    const pending = this.pending.get(checkpointId);
    if (pending === undefined || !pending.acknowledge(attemptId, states)) return;
    const now = Date.now();
    pending.stats.numAcknowledgedSubtasks++;
    pending.stats.latestAckTimestamp = now;
    for (const state of Object.values(states)) pending.stats.stateSize += (state.keyed?.handle.size ?? 0) + (state.operator?.handle.size ?? 0);
    if (pending.isFullyAcknowledged()) void this.complete(pending);
  }

  receiveDecline(attemptId: ExecutionAttemptId, checkpointId: number, reason: SerializedThrowable): void {
    const pending = this.pending.get(checkpointId);
    if (pending === undefined || !pending.isAwaiting(attemptId)) return;
    const task = this.context.tasks().find((t) => t.attemptId === attemptId);
    this.abort(pending, `Checkpoint ${checkpointId} was declined by task ${task?.name ?? attemptId}: ${reason.message}`, true);
  }

  /** A task failed or the job restarts: pending checkpoints cannot complete (not counted as checkpoint failures). */
  abortPending(reason: string): void {
    for (const pending of [...this.pending.values()]) this.abort(pending, reason, false);
  }

  /**
   * The job reached a terminal state: pending checkpoints are aborted, and retained checkpoints
   * are discarded unless the retention policy keeps them for this outcome.
   */
  shutdown(jobStatus: 'FINISHED' | 'FAILED' | 'CANCELED'): void {
    this.shutDown = true;
    this.stopScheduler();
    this.abortPending(`Checkpoint coordinator is shut down: the job is ${jobStatus}.`);
    const retention = this.settings.externalizedRetention;
    const keep =
      (jobStatus === 'FAILED' && retention !== 'NO_EXTERNALIZED_CHECKPOINTS') ||
      (jobStatus === 'CANCELED' && retention === 'RETAIN_ON_CANCELLATION');
    this.store.shutdown(keep);
  }

  // ---- internals ----

  private schedule(delay: number): void {
    this.periodicTimer = setTimeout(() => {
      this.periodicTimer = undefined;
      this.onPeriodicTrigger();
    }, delay);
  }

  private onPeriodicTrigger(): void {
    if (this.shutDown) return;
    const interval = this.settings.interval ?? 0;
    const now = Date.now();
    const pauseLeft = this.lastCompletionTime + this.settings.minPause - now;
    const busy = this.countPendingCheckpoints() >= (this.settings.minPause > 0 ? 1 : this.settings.maxConcurrent);
    if (busy) {
      // The next trigger comes when one completes (see complete/abort).
      return;
    }
    if (pauseLeft > 0) {
      this.schedule(pauseLeft);
      return;
    }
    try {
      this.startCheckpoint('CHECKPOINT', undefined);
    } catch (error) {
      this.context.logger.info(`Failed to trigger checkpoint for job ${this.context.jobId}: ${(error as Error).message}`);
    }
    if (this.settings.interval !== undefined) this.schedule(interval);
  }

  private countPendingCheckpoints(): number {
    let n = 0;
    for (const p of this.pending.values()) if (p.options.type === 'CHECKPOINT') n++;
    return n;
  }

  private startCheckpoint(type: CheckpointType, targetDirectory: string | undefined): PendingCheckpoint {
    const jobId = this.context.jobId;
    if (this.shutDown || !this.context.isRunning()) {
      throw new FlinkTsError('ERR_CHECKPOINT', `Job ${jobId} is not running, so it cannot take a ${isSavepoint(type) ? 'savepoint' : 'checkpoint'}.`);
    }
    const tasks = this.context.tasks();
    const notReady = tasks.find((t) => t.state !== 'RUNNING' && t.state !== 'FINISHED');
    if (notReady !== undefined) {
      throw new FlinkTsError('ERR_CHECKPOINT', `Not all required tasks are currently running: ${notReady.name} is ${notReady.state}.`);
    }
    const toTrigger = tasks.filter((t) => t.isSource && t.state === 'RUNNING');
    if (toTrigger.length === 0) throw new FlinkTsError('ERR_CHECKPOINT', `Job ${jobId} has no running source task to start a checkpoint at.`);
    let location: string | undefined;
    if (isSavepoint(type)) {
      const dir = targetDirectory ?? this.settings.savepointDir;
      if (dir === undefined) {
        throw new FlinkTsError(
          'ERR_CHECKPOINT',
          "No savepoint directory configured. You can either specify a directory for the savepoint (e.g. 'flink-ts savepoint <jobId> <dir>') or configure a cluster-wide default via key 'execution.checkpointing.savepoint-dir'.",
        );
      }
      location = newSavepointDirectory(localPath(dir, 'The savepoint directory'), jobId);
    }
    const checkpointId = this.nextCheckpointId++;
    if (!isSavepoint(type) && this.settings.checkpointDir !== undefined) location = checkpointDirectory(this.settings.checkpointDir, jobId, checkpointId);
    const options: CheckpointOptions = { type, targetLocation: location, inlineThreshold: this.settings.inlineThreshold };
    const timestamp = Date.now();
    const running = tasks.filter((t) => t.state === 'RUNNING');
    const stats = this.stats.reportPending(checkpointId, type, timestamp, running.length, location);
    const pending = new PendingCheckpoint(
      checkpointId,
      timestamp,
      options,
      running.map((t) => t.attemptId),
      stats,
    );
    // Finished subtasks take no part; their operators are recorded as finished, so a restore does not run them again.
    for (const t of tasks) {
      if (t.state !== 'FINISHED') continue;
      const vertex = this.context.vertices.find((v) => v.id === t.vertexId);
      for (const op of vertex?.operators ?? []) pending.addOperatorState(op.operatorId, { subtask: t.subtaskIndex, finished: true });
    }
    this.pending.set(checkpointId, pending);
    pending.timer = setTimeout(() => this.abort(pending, `Checkpoint ${checkpointId} expired before completing.`, true), this.settings.timeout);
    const barrier: CheckpointBarrier = { checkpointId, timestamp, options };
    this.context.logger.info(`Triggering ${describe(type)} ${checkpointId} (type=${type}) @ ${timestamp} for job ${jobId}.`);
    for (const t of toTrigger) {
      this.context.triggerTask(t.attemptId, barrier).catch((error: unknown) => {
        this.abort(pending, `Checkpoint ${checkpointId} could not be triggered at ${t.name}: ${(error as Error).message}`, true);
      });
    }
    return pending;
  }

  private async complete(pending: PendingCheckpoint): Promise<void> {
    const { checkpointId, options } = pending;
    this.pending.delete(checkpointId);
    clearTimeout(pending.timer);
    const finalizationStart = Date.now();
    const metadata: CheckpointMetadata = {
      version: METADATA_VERSION,
      jobId: this.context.jobId,
      checkpointId,
      timestamp: pending.timestamp,
      type: isSavepoint(options.type) ? 'SAVEPOINT' : 'CHECKPOINT',
      operators: this.operatorEntries(pending),
    };
    let metadataBytes = 0;
    try {
      if (options.targetLocation !== undefined) metadataBytes = await writeMetadata(options.targetLocation, metadata);
    } catch (error) {
      this.pending.set(checkpointId, pending);
      this.abort(pending, `Could not write the metadata of checkpoint ${checkpointId}: ${(error as Error).message}`, true);
      return;
    }
    const completed: CompletedCheckpoint = { metadata, directory: options.targetLocation, isSavepoint: isSavepoint(options.type) };
    const now = Date.now();
    if (this.shutDown) {
      // The job ended while the metadata was written: nobody will restore from it.
      const reason = `Checkpoint ${checkpointId} completed after the job ended.`;
      this.stats.reportFailed(pending.stats, now, reason);
      if (options.targetLocation !== undefined) void discardCheckpointDirectory(options.targetLocation).catch(() => undefined);
      pending.reject(new FlinkTsError('ERR_CHECKPOINT', reason));
      return;
    }
    if (!completed.isSavepoint) this.store.add(completed);
    this.stats.reportCompleted(pending.stats, now);
    this.consecutiveFailures = 0;
    this.lastCompletionTime = now;
    this.context.logger.info(
      `Completed ${describe(options.type)} ${checkpointId} for job ${this.context.jobId} (${pending.stats.stateSize + metadataBytes} bytes, checkpointDuration=${now - pending.timestamp} ms, finalizationTime=${now - finalizationStart} ms).`,
    );
    for (const attemptId of pending.acknowledged) this.context.notifyTask(attemptId, checkpointId, true);
    pending.resolve(completed);
    this.afterPendingEnded();
  }

  private abort(pending: PendingCheckpoint, reason: string, countAsFailure: boolean): void {
    if (this.pending.get(pending.checkpointId) !== pending) return;
    this.pending.delete(pending.checkpointId);
    clearTimeout(pending.timer);
    const { checkpointId, options } = pending;
    this.stats.reportFailed(pending.stats, Date.now(), reason);
    this.context.logger.warn(`Failed to complete ${describe(options.type)} ${checkpointId} for job ${this.context.jobId}: ${reason}`);
    for (const t of this.context.tasks()) if (t.state === 'RUNNING') this.context.notifyTask(t.attemptId, checkpointId, false);
    if (options.targetLocation !== undefined) void discardCheckpointDirectory(options.targetLocation).catch(() => undefined);
    pending.reject(new FlinkTsError('ERR_CHECKPOINT', reason));
    if (countAsFailure && options.type === 'CHECKPOINT' && !this.shutDown) {
      this.consecutiveFailures++;
      if (this.consecutiveFailures > this.settings.tolerableFailedCheckpoints) {
        this.consecutiveFailures = 0;
        this.context.failJob(new FlinkTsError('ERR_CHECKPOINT', `Exceeded checkpoint tolerable failure threshold. The latest checkpoint failed due to: ${reason}`));
      }
    }
    this.afterPendingEnded();
  }

  /** A slot for a checkpoint freed up: the periodic trigger skipped while busy runs again. */
  private afterPendingEnded(): void {
    if (this.settings.interval === undefined || this.shutDown || this.schedulerStopped || this.periodicTimer !== undefined) return;
    this.schedule(Math.max(this.settings.minPause, 0));
  }

  private operatorEntries(pending: PendingCheckpoint): OperatorStateEntry[] {
    const entries: OperatorStateEntry[] = [];
    for (const vertex of this.context.vertices) {
      for (const op of vertex.operators) {
        const subtasks = (pending.operatorStates.get(op.operatorId) ?? []).slice().sort((a, b) => a.subtask - b.subtask);
        entries.push({
          operatorId: op.operatorId,
          name: op.name,
          parallelism: vertex.parallelism,
          maxParallelism: vertex.maxParallelism,
          subtasks,
        });
      }
    }
    return entries;
  }

  private markDiscarded(checkpointId: number): void {
    for (const entry of this.stats.snapshot().history) if (entry.id === checkpointId) entry.discarded = true;
  }
}

function describe(type: CheckpointType): string {
  return isSavepoint(type) ? 'savepoint' : 'checkpoint';
}

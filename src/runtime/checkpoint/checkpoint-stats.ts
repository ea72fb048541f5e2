import type { CheckpointType } from './checkpoint-options.js';

/**
 * What the JobMaster remembers about checkpoints for `/jobs/:jobid/checkpoints` (Flink's
 * CheckpointStatsTracker): counts, the latest of each outcome and a bounded history, newest
 * first. Plain domain data; the REST handlers turn it into Flink's JSON.
 */
export type CheckpointStatus = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

export interface CheckpointStatsEntry {
  readonly id: number;
  status: CheckpointStatus;
  readonly type: CheckpointType;
  readonly triggerTimestamp: number;
  /** When the last acknowledgement arrived; -1 before the first. */
  latestAckTimestamp: number;
  /** Bytes of state written (keyed and operator state of every subtask). */
  stateSize: number;
  /** Trigger to completion or failure, ms; -1 while in progress. */
  endToEndDuration: number;
  readonly numSubtasks: number;
  numAcknowledgedSubtasks: number;
  /** The checkpoint's or savepoint's directory; undefined for the jobmanager storage. */
  externalPath: string | undefined;
  /** Set when the checkpoint was discarded after it completed (subsumed or job ended). */
  discarded: boolean;
  failureTimestamp: number | undefined;
  failureMessage: string | undefined;
}

export interface RestoredCheckpointStats {
  readonly id: number;
  readonly restoreTimestamp: number;
  readonly isSavepoint: boolean;
  readonly externalPath: string | undefined;
}

export interface CheckpointStatsSnapshot {
  readonly counts: {
    readonly restored: number;
    readonly total: number;
    readonly inProgress: number;
    readonly completed: number;
    readonly failed: number;
  };
  readonly latestCompleted: CheckpointStatsEntry | undefined;
  readonly latestSavepoint: CheckpointStatsEntry | undefined;
  readonly latestFailed: CheckpointStatsEntry | undefined;
  readonly latestRestored: RestoredCheckpointStats | undefined;
  /** Newest first, at most `web.checkpoints.history` entries. */
  readonly history: readonly CheckpointStatsEntry[];
}

/** The job's checkpointing configuration (`/jobs/:jobid/checkpoints/config`). */
export interface CheckpointConfigInfo {
  readonly mode: 'EXACTLY_ONCE' | 'AT_LEAST_ONCE';
  /** ms; undefined when periodic checkpoints are off. */
  readonly interval: number | undefined;
  readonly timeout: number;
  readonly minPause: number;
  readonly maxConcurrent: number;
  readonly tolerableFailedCheckpoints: number;
  readonly externalizedRetention: 'NO_EXTERNALIZED_CHECKPOINTS' | 'DELETE_ON_CANCELLATION' | 'RETAIN_ON_CANCELLATION';
  readonly stateBackend: string;
  readonly checkpointStorage: 'jobmanager' | 'filesystem';
  readonly checkpointDir: string | undefined;
  readonly savepointDir: string | undefined;
  readonly unalignedCheckpoints: boolean;
  readonly checkpointsAfterTasksFinish: boolean;
}

/**
 * Flink's checkpoint JSON (rest/messages/checkpoints/**) from the JobMaster's checkpoint
 * statistics: CheckpointingStatistics with its counts, summary, latest and history, one
 * CheckpointStatistics per checkpoint, and CheckpointConfigInfo.
 */
import type { CheckpointConfigInfo, CheckpointStatsEntry, CheckpointStatsSnapshot, RestoredCheckpointStats } from '../../checkpoint/checkpoint-stats.js';

/**
 * What `interval` reports when periodic checkpoints are off. Flink reports Long.MAX_VALUE, which
 * a JavaScript number cannot hold exactly (it would print as 9223372036854776000, which Java
 * clients then fail to read as a long); the largest exact integer means "never" just as well.
 */
export const NO_PERIODIC_CHECKPOINTS_INTERVAL = Number.MAX_SAFE_INTEGER;

/** Flink's StatsSummaryDto: min/max/avg and percentiles of the completed checkpoints. */
export interface StatsSummaryJson {
  readonly min: number;
  readonly max: number;
  readonly avg: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly p999: number;
}

export function checkpointingStatisticsJson(stats: CheckpointStatsSnapshot): Record<string, unknown> {
  const completed = stats.history.filter((e) => e.status === 'COMPLETED');
  const sizes = completed.map((e) => e.stateSize);
  const zeros = completed.map(() => 0);
  return {
    counts: {
      restored: stats.counts.restored,
      total: stats.counts.total,
      in_progress: stats.counts.inProgress,
      completed: stats.counts.completed,
      failed: stats.counts.failed,
    },
    summary: {
      // Every checkpoint is a full snapshot, so the checkpointed size is the state size.
      checkpointed_size: statsSummary(sizes),
      state_size: statsSummary(sizes),
      end_to_end_duration: statsSummary(completed.map(endToEndDuration)),
      // Unaligned checkpoints' in-flight data is not tracked: Flink's fields, all zero.
      alignment_buffered: { min: 0, max: 0, avg: 0 },
      processed_data: statsSummary(zeros),
      persisted_data: statsSummary(zeros),
    },
    latest: {
      completed: nullable(stats.latestCompleted, checkpointStatisticsJson),
      savepoint: nullable(stats.latestSavepoint, checkpointStatisticsJson),
      failed: nullable(stats.latestFailed, checkpointStatisticsJson),
      restored: nullable(stats.latestRestored, restoredJson),
    },
    history: stats.history.map(checkpointStatisticsJson),
  };
}

/**
 * One checkpoint as Flink's CheckpointStatistics subtypes serialize it: the common fields, plus
 * `external_path`/`discarded` when completed and `failure_timestamp`/`failure_message` when
 * failed. `className` is Flink's type tag (`completed`, `failed`, `in_progress`).
 */
export function checkpointStatisticsJson(entry: CheckpointStatsEntry): Record<string, unknown> {
  const savepoint = entry.type !== 'CHECKPOINT';
  const json: Record<string, unknown> = {
    className: entry.status === 'COMPLETED' ? 'completed' : entry.status === 'FAILED' ? 'failed' : 'in_progress',
    id: entry.id,
    status: entry.status,
    is_savepoint: savepoint,
    // Savepoints are always written in the canonical format; checkpoints have none.
    savepointFormat: savepoint ? 'CANONICAL' : null,
    trigger_timestamp: entry.triggerTimestamp,
    latest_ack_timestamp: entry.latestAckTimestamp,
    checkpointed_size: entry.stateSize,
    state_size: entry.stateSize,
    end_to_end_duration: endToEndDuration(entry),
    alignment_buffered: 0,
    processed_data: 0,
    persisted_data: 0,
    num_subtasks: entry.numSubtasks,
    num_acknowledged_subtasks: entry.numAcknowledgedSubtasks,
    checkpoint_type: restCheckpointType(entry),
    // Per-vertex statistics are not tracked yet.
    tasks: {},
  };
  if (entry.status === 'COMPLETED') {
    json.external_path = entry.externalPath ?? null;
    json.discarded = entry.discarded;
  } else if (entry.status === 'FAILED') {
    json.failure_timestamp = entry.failureTimestamp ?? -1;
    json.failure_message = entry.failureMessage ?? null;
  }
  return json;
}

/** Flink's CheckpointConfigInfo. */
export function checkpointConfigJson(config: CheckpointConfigInfo): Record<string, unknown> {
  return {
    // Flink serializes the processing mode in lower case.
    mode: config.mode.toLowerCase(),
    interval: config.interval ?? NO_PERIODIC_CHECKPOINTS_INTERVAL,
    timeout: config.timeout,
    min_pause: config.minPause,
    max_concurrent: config.maxConcurrent,
    externalization: {
      enabled: config.externalizedRetention !== 'NO_EXTERNALIZED_CHECKPOINTS',
      delete_on_cancellation: config.externalizedRetention === 'DELETE_ON_CANCELLATION',
    },
    state_backend: config.stateBackend,
    // Flink reports the storage's class name.
    checkpoint_storage: config.checkpointStorage === 'filesystem' ? 'FileSystemCheckpointStorage' : 'JobManagerCheckpointStorage',
    unaligned_checkpoints: config.unalignedCheckpoints,
    tolerable_failed_checkpoints: config.tolerableFailedCheckpoints,
    aligned_checkpoint_timeout: 0,
    checkpoints_after_tasks_finish: config.checkpointsAfterTasksFinish,
    state_changelog_enabled: false,
  };
}

/**
 * Flink's StatsSummaryDto of `values`; all zeros when there are none (Flink's empty summary).
 * `avg` is truncated to an integer as Flink's long division does; percentiles are interpolated
 * between ranks as the commons-math Percentile Flink's histogram uses (position p·(n+1)).
 */
export function statsSummary(values: readonly number[]): StatsSummaryJson {
  if (values.length === 0) return { min: 0, max: 0, avg: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  const q = (p: number): number => percentile(sorted, p);
  return {
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
    avg: Math.trunc(sum / sorted.length),
    p50: q(0.5),
    p90: q(0.9),
    p95: q(0.95),
    p99: q(0.99),
    p999: q(0.999),
  };
}

function percentile(sorted: readonly number[], p: number): number {
  const n = sorted.length;
  const pos = p * (n + 1);
  if (pos < 1) return sorted[0] as number;
  if (pos >= n) return sorted[n - 1] as number;
  const lower = sorted[Math.floor(pos) - 1] as number;
  const upper = sorted[Math.floor(pos)] as number;
  return lower + (pos - Math.floor(pos)) * (upper - lower);
}

// Flink's RestAPICheckpointType: stop-with-savepoint's savepoints are synchronous ones.
function restCheckpointType(entry: CheckpointStatsEntry): 'CHECKPOINT' | 'SAVEPOINT' | 'SYNC_SAVEPOINT' {
  switch (entry.type) {
    case 'CHECKPOINT':
      return 'CHECKPOINT';
    case 'SAVEPOINT':
      return 'SAVEPOINT';
    case 'SAVEPOINT_SUSPEND':
    case 'SAVEPOINT_TERMINATE':
      return 'SYNC_SAVEPOINT';
  }
}

// The tracker reports -1 while a checkpoint runs; Flink shows how long it has run so far
// (until its latest acknowledgement).
function endToEndDuration(entry: CheckpointStatsEntry): number {
  if (entry.endToEndDuration >= 0) return entry.endToEndDuration;
  return entry.latestAckTimestamp >= 0 ? Math.max(0, entry.latestAckTimestamp - entry.triggerTimestamp) : 0;
}

function restoredJson(restored: RestoredCheckpointStats): Record<string, unknown> {
  return {
    id: restored.id,
    restore_timestamp: restored.restoreTimestamp,
    is_savepoint: restored.isSavepoint,
    external_path: restored.externalPath ?? null,
  };
}

function nullable<T>(value: T | undefined, render: (value: T) => Record<string, unknown>): Record<string, unknown> | null {
  return value === undefined ? null : render(value);
}

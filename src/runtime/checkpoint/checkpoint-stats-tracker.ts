import type { CheckpointType } from './checkpoint-options.js';
import type { CheckpointStatsEntry, CheckpointStatsSnapshot, RestoredCheckpointStats } from './checkpoint-stats.js';

/** How many checkpoints `/checkpoints` lists (Flink's `web.checkpoints.history` default). */
const HISTORY_SIZE = 10;

/** Counts and remembers checkpoints for the REST API (Flink's CheckpointStatsTracker). */
export class CheckpointStatsTracker {
  private readonly history: CheckpointStatsEntry[] = [];
  private completed = 0;
  private failed = 0;
  private restored = 0;
  private latestCompleted: CheckpointStatsEntry | undefined;
  private latestSavepoint: CheckpointStatsEntry | undefined;
  private latestFailed: CheckpointStatsEntry | undefined;
  private latestRestored: RestoredCheckpointStats | undefined;
  private readonly inProgress = new Set<CheckpointStatsEntry>();

  reportPending(id: number, type: CheckpointType, triggerTimestamp: number, numSubtasks: number, externalPath: string | undefined): CheckpointStatsEntry {
    const entry: CheckpointStatsEntry = {
      id,
      status: 'IN_PROGRESS',
      type,
      triggerTimestamp,
      latestAckTimestamp: -1,
      stateSize: 0,
      endToEndDuration: -1,
      numSubtasks,
      numAcknowledgedSubtasks: 0,
      externalPath,
      discarded: false,
      failureTimestamp: undefined,
      failureMessage: undefined,
    };
    this.inProgress.add(entry);
    this.history.unshift(entry);
    if (this.history.length > HISTORY_SIZE) this.history.pop();
    return entry;
  }

  reportCompleted(entry: CheckpointStatsEntry, now: number): void {
    entry.status = 'COMPLETED';
    entry.endToEndDuration = now - entry.triggerTimestamp;
    this.inProgress.delete(entry);
    this.completed++;
    if (entry.type === 'CHECKPOINT') this.latestCompleted = entry;
    else this.latestSavepoint = entry;
  }

  reportFailed(entry: CheckpointStatsEntry, now: number, message: string): void {
    entry.status = 'FAILED';
    entry.endToEndDuration = now - entry.triggerTimestamp;
    entry.failureTimestamp = now;
    entry.failureMessage = message;
    this.inProgress.delete(entry);
    this.failed++;
    this.latestFailed = entry;
  }

  reportRestored(restored: RestoredCheckpointStats): void {
    this.restored++;
    this.latestRestored = restored;
  }

  snapshot(): CheckpointStatsSnapshot {
    return {
      counts: {
        restored: this.restored,
        total: this.completed + this.failed + this.inProgress.size,
        inProgress: this.inProgress.size,
        completed: this.completed,
        failed: this.failed,
      },
      latestCompleted: this.latestCompleted,
      latestSavepoint: this.latestSavepoint,
      latestFailed: this.latestFailed,
      latestRestored: this.latestRestored,
      history: [...this.history],
    };
  }
}

import type { ExecutionAttemptId } from '../../core/ids.js';
import type { CheckpointOptions } from './checkpoint-options.js';
import type { OperatorSubtaskState } from './checkpoint-metadata.js';
import type { CheckpointStatsEntry } from './checkpoint-stats.js';
import type { CompletedCheckpoint } from './completed-checkpoint.js';

/**
 * A checkpoint that was triggered and waits for the acknowledgements of every running task
 * (Flink's PendingCheckpoint). Finished tasks are not asked: their operators are recorded as
 * finished right away.
 */
export class PendingCheckpoint {
  private readonly notYetAcknowledged: Set<ExecutionAttemptId>;
  readonly acknowledged = new Set<ExecutionAttemptId>();
  /** Per operator id, the states of its subtasks. */
  readonly operatorStates = new Map<string, OperatorSubtaskState[]>();
  timer: NodeJS.Timeout | undefined;
  readonly result: Promise<CompletedCheckpoint>;
  resolve!: (checkpoint: CompletedCheckpoint) => void;
  reject!: (error: Error) => void;

  constructor(
    readonly checkpointId: number,
    readonly timestamp: number,
    readonly options: CheckpointOptions,
    tasksToAcknowledge: Iterable<ExecutionAttemptId>,
    readonly stats: CheckpointStatsEntry,
  ) {
    this.notYetAcknowledged = new Set(tasksToAcknowledge);
    this.result = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // A savepoint nobody waits for (a periodic checkpoint) must not be an unhandled rejection.
    this.result.catch(() => undefined);
  }

  isAwaiting(attemptId: ExecutionAttemptId): boolean {
    return this.notYetAcknowledged.has(attemptId);
  }

  /** Records one task's states; false when the task was not expected (or acked twice). */
  acknowledge(attemptId: ExecutionAttemptId, states: Readonly<Record<string, OperatorSubtaskState>>): boolean {
    if (!this.notYetAcknowledged.delete(attemptId)) return false;
    this.acknowledged.add(attemptId);
    for (const [operatorId, state] of Object.entries(states)) this.addOperatorState(operatorId, state);
    return true;
  }

  addOperatorState(operatorId: string, state: OperatorSubtaskState): void {
    let list = this.operatorStates.get(operatorId);
    if (list === undefined) {
      list = [];
      this.operatorStates.set(operatorId, list);
    }
    list.push(state);
  }

  isFullyAcknowledged(): boolean {
    return this.notYetAcknowledged.size === 0;
  }
}

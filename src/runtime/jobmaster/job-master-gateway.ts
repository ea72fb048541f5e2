import type { ExecutionAttemptId } from '../../core/ids.js';
import type { SlotOffer, TaskManagerLocation } from '../taskexecutor/task-executor-gateway.js';
import type { TaskStateReport } from '../worker/stream-task.js';
import type { OperatorSubtaskState } from '../checkpoint/checkpoint-metadata.js';
import type { SerializedThrowable } from '../../core/errors.js';

/** What TaskExecutors may tell a JobMaster. */
export interface JobMasterGateway {
  offerSlots(taskManager: TaskManagerLocation, offers: readonly SlotOffer[]): Promise<void>;
  /** The TaskManager is gone (heartbeat timeout, lost connection): its tasks fail with the cause. */
  disconnectTaskManager(resourceId: string, cause: string): Promise<void>;
  updateTaskExecutionState(attemptId: ExecutionAttemptId, report: TaskStateReport): Promise<void>;
  /** Operator events for the operator's coordinator (the collect sink's results). */
  deliverCoordinationEvent(attemptId: ExecutionAttemptId, operatorId: string, payload: unknown): Promise<void>;
  /** A task wrote its state for a checkpoint (Flink's acknowledgeCheckpoint), per operator id. */
  acknowledgeCheckpoint(attemptId: ExecutionAttemptId, checkpointId: number, states: Readonly<Record<string, OperatorSubtaskState>>): Promise<void>;
  declineCheckpoint(attemptId: ExecutionAttemptId, checkpointId: number, reason: SerializedThrowable): Promise<void>;
  /** A source's input ended; it waits for a final checkpoint before it finishes. */
  notifyEndOfData(attemptId: ExecutionAttemptId): Promise<void>;
}

import type { ExecutionAttemptId } from '../../core/ids.js';
import type { SlotOffer, TaskManagerLocation } from '../taskexecutor/task-executor-gateway.js';
import type { TaskStateReport } from '../worker/stream-task.js';

/** What TaskExecutors may tell a JobMaster. */
export interface JobMasterGateway {
  offerSlots(taskManager: TaskManagerLocation, offers: readonly SlotOffer[]): Promise<void>;
  /** The TaskManager is gone (heartbeat timeout, lost connection): its tasks fail with the cause. */
  disconnectTaskManager(resourceId: string, cause: string): Promise<void>;
  updateTaskExecutionState(attemptId: ExecutionAttemptId, report: TaskStateReport): Promise<void>;
  /** Operator events for the operator's coordinator (the collect sink's results). */
  deliverCoordinationEvent(attemptId: ExecutionAttemptId, operatorId: string, payload: unknown): Promise<void>;
}

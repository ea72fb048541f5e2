import type { AllocationId, ExecutionAttemptId, JobId } from '../../core/ids.js';
import type { TaskDeploymentDescriptor } from '../deployment/task-deployment-descriptor.js';
import type { TaskMetricsSnapshot } from '../worker/task-metrics.js';
import type { CheckpointBarrier } from '../checkpoint/checkpoint-options.js';

/** Where a TaskManager is: its id, its RPC address, and its data server for record exchange. */
export interface TaskManagerLocation {
  readonly resourceId: string;
  readonly rpcAddress: string;
  readonly dataAddress: string | undefined;
  readonly host: string;
}

export interface SlotOffer {
  readonly slotIndex: number;
  readonly allocationId: AllocationId;
}

/** The state of one slot, as a TaskManager reports it with every ResourceManager heartbeat. */
export interface SlotStatus {
  readonly slotIndex: number;
  readonly allocationId: AllocationId | undefined;
  readonly jobId: JobId | undefined;
}

export interface LogFileInfo {
  readonly name: string;
  readonly size: number;
  readonly mtime: number;
}

/** What the ResourceManager and JobMasters may ask of a TaskExecutor. */
export interface TaskExecutorGateway {
  /** Allocates a slot for a job; the TaskExecutor then offers it to the job's JobMaster. */
  requestSlot(slotIndex: number, jobId: JobId, allocationId: AllocationId, jobMasterAddress: string, jobMasterId: string): Promise<void>;
  /** Deploys a subtask; `jobMasterId` must be the one the slot was allocated for (fencing). */
  submitTask(tdd: TaskDeploymentDescriptor, jobMasterId: string): Promise<void>;
  cancelTask(attemptId: ExecutionAttemptId): Promise<void>;
  /** Starts a checkpoint at a source task (Flink's triggerCheckpoint); the task acks or declines to the JobMaster. */
  triggerCheckpoint(attemptId: ExecutionAttemptId, barrier: CheckpointBarrier): Promise<void>;
  /** Tells a task a checkpoint completed (`completed`) or was aborted; best effort. */
  notifyCheckpoint(attemptId: ExecutionAttemptId, checkpointId: number, completed: boolean): Promise<void>;
  freeSlot(allocationId: AllocationId): Promise<void>;
  /** Answers the ResourceManager's heartbeat with the slot report. */
  heartbeatFromResourceManager(): Promise<readonly SlotStatus[]>;
  /** Answers a JobMaster's heartbeat with the metrics of that job's subtasks here. */
  heartbeatFromJobManager(jobId: JobId): Promise<{ readonly metrics: readonly TaskMetricsSnapshot[] }>;
  requestLogList(): Promise<readonly LogFileInfo[]>;
  requestLogFile(name: string): Promise<string>;
}

import type { AllocationId, ExecutionAttemptId, JobId } from '../../core/ids.js';
import type { TaskDeploymentDescriptor } from '../deployment/task-deployment-descriptor.js';

/** What the ResourceManager and JobMasters may ask of a TaskExecutor. */
export interface TaskExecutorGateway {
  readonly resourceId: string;
  /** Allocates a slot for a job; the TaskExecutor then offers it to the job's JobMaster. */
  requestSlot(slotIndex: number, jobId: JobId, allocationId: AllocationId, jobMasterAddress: string): Promise<void>;
  submitTask(tdd: TaskDeploymentDescriptor): Promise<void>;
  cancelTask(attemptId: ExecutionAttemptId): Promise<void>;
  freeSlot(allocationId: AllocationId): Promise<void>;
}

export interface SlotOffer {
  readonly slotIndex: number;
  readonly allocationId: AllocationId;
}

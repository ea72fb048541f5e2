import type { JobId } from '../core/ids.js';

export interface TaskExecutorRegistration {
  readonly resourceId: string;
  /** The RPC address the ResourceManager reaches the TaskExecutor under. */
  readonly address: string;
  readonly numberOfSlots: number;
}

/** What JobMasters and TaskExecutors may ask of the ResourceManager. */
export interface ResourceManagerGateway {
  registerTaskExecutor(registration: TaskExecutorRegistration): Promise<void>;
  /** Declarative slot requirements of a job (Flink 1.13+): the whole count, replacing the last one; 0 clears. */
  declareRequiredResources(jobId: JobId, jobMasterAddress: string, slots: number): Promise<void>;
  notifySlotAvailable(resourceId: string, slotIndex: number): Promise<void>;
  /** Free slots, for `/overview`. */
  getFreeSlots(): number;
  getTotalSlots(): number;
}

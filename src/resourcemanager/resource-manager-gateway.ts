import type { JobId } from '../core/ids.js';
import type { TaskManagerLocation } from '../runtime/taskexecutor/task-executor-gateway.js';

export interface HardwareDescription {
  readonly cpuCores: number;
  readonly physicalMemory: number;
  readonly freeMemory: number;
}

export interface TaskExecutorRegistration {
  readonly location: TaskManagerLocation;
  readonly numberOfSlots: number;
  readonly hardware: HardwareDescription;
  /** Bytes of memory the TaskManager may use (`taskmanager.memory.process.size`). */
  readonly memoryBytes: number;
}

export interface TaskExecutorRegistrationSuccess {
  /** The ResourceManager's fencing token for this leadership. */
  readonly resourceManagerId: string;
}

/** What the REST API shows of a TaskManager (`/taskmanagers`). */
export interface TaskManagerInfo {
  readonly location: TaskManagerLocation;
  readonly numberOfSlots: number;
  readonly freeSlots: number;
  readonly lastHeartbeat: number;
  readonly hardware: HardwareDescription;
  readonly memoryBytes: number;
  readonly allocatedSlots: readonly { readonly jobId: JobId; readonly slotIndex: number }[];
}

export interface JobMasterReference {
  readonly address: string;
  /** The JobMaster's fencing token (JobMasterId). */
  readonly id: string;
}

/** What JobMasters and TaskExecutors may ask of the ResourceManager. */
export interface ResourceManagerGateway {
  registerTaskExecutor(registration: TaskExecutorRegistration): Promise<TaskExecutorRegistrationSuccess>;
  /** A TaskManager leaves on purpose (shutdown): its slots go away at once. */
  disconnectTaskManager(resourceId: string, cause: string): Promise<void>;
  /** Declarative slot requirements of a job (Flink 1.13+): the whole count, replacing the last one; 0 clears. */
  declareRequiredResources(jobId: JobId, jobMaster: JobMasterReference, slots: number): Promise<void>;
  notifySlotAvailable(resourceId: string, slotIndex: number): Promise<void>;
  /** Slot counts, for `/overview`. */
  requestSlotCounts(): Promise<{ readonly total: number; readonly free: number; readonly taskManagers: number }>;
  requestTaskManagerInfos(): Promise<readonly TaskManagerInfo[]>;
}

import type { JobId } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import type { RpcService } from '../runtime/rpc/rpc-service.js';
import type { TaskExecutorGateway } from '../runtime/taskexecutor/task-executor-gateway.js';
import type { ResourceManagerGateway, TaskExecutorRegistration } from './resource-manager-gateway.js';
import { SlotManager } from './slot-manager.js';

/**
 * The passive ResourceManager of standalone and local clusters: it cannot start TaskManagers,
 * it only hands the slots of those that registered to the jobs that declared a need.
 */
export class StandaloneResourceManager implements ResourceManagerGateway {
  private readonly slotManager = new SlotManager();
  private readonly addresses = new Map<string, string>();

  constructor(
    private readonly rpc: RpcService,
    private readonly logger: Logger,
  ) {}

  registerTaskExecutor(registration: TaskExecutorRegistration): Promise<void> {
    this.logger.info(`Registering TaskManager with ResourceID ${registration.resourceId} (${registration.address}) at ResourceManager`);
    this.addresses.set(registration.resourceId, registration.address);
    this.slotManager.registerTaskExecutor(registration.resourceId, registration.numberOfSlots);
    this.checkResourceRequirements();
    return Promise.resolve();
  }

  declareRequiredResources(jobId: JobId, jobMasterAddress: string, slots: number): Promise<void> {
    this.slotManager.declare(jobId, jobMasterAddress, slots);
    this.checkResourceRequirements();
    return Promise.resolve();
  }

  notifySlotAvailable(resourceId: string, slotIndex: number): Promise<void> {
    this.slotManager.freeSlot(resourceId, slotIndex);
    this.checkResourceRequirements();
    return Promise.resolve();
  }

  getFreeSlots(): number {
    return this.slotManager.freeSlots();
  }

  getTotalSlots(): number {
    return this.slotManager.totalSlots();
  }

  private checkResourceRequirements(): void {
    for (const a of this.slotManager.allocate()) {
      const address = this.addresses.get(a.resourceId) as string;
      const taskExecutor = this.rpc.connect<TaskExecutorGateway>(address);
      taskExecutor.requestSlot(a.slotIndex, a.jobId, a.allocationId, a.jobMasterAddress).catch((e: unknown) => {
        this.logger.warn(`Slot request ${a.allocationId} to ${a.resourceId} failed: ${String(e)}`);
        this.slotManager.freeSlot(a.resourceId, a.slotIndex);
      });
    }
  }
}

import { randomBytes } from 'node:crypto';
import type { JobId } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import type { RpcService } from '../runtime/rpc/rpc-service.js';
import type { HeartbeatSettings } from '../runtime/heartbeat/heartbeat-monitor.js';
import type { JobMasterGateway } from '../runtime/jobmaster/job-master-gateway.js';
import type { TaskExecutorGateway } from '../runtime/taskexecutor/task-executor-gateway.js';
import type {
  JobMasterReference,
  ResourceManagerGateway,
  TaskExecutorRegistration,
  TaskExecutorRegistrationSuccess,
  TaskManagerInfo,
} from './resource-manager-gateway.js';
import type { SlotAllocation } from './slot-manager.js';
import { SlotManager } from './slot-manager.js';
import { HeartbeatMonitor } from '../runtime/heartbeat/heartbeat-monitor.js';

interface RegisteredTaskExecutor {
  readonly registration: TaskExecutorRegistration;
  lastHeartbeat: number;
}

/**
 * The passive ResourceManager of standalone and local clusters: it cannot start TaskManagers, it
 * hands the slots of those that registered to the jobs that declared a need, and it watches the
 * TaskManagers with heartbeats. A lost TaskManager's slots disappear and the JobMasters using them
 * are told, so their tasks fail with the cause instead of hanging.
 */
export class StandaloneResourceManager implements ResourceManagerGateway {
  static readonly ENDPOINT_NAME = 'resourcemanager';
  /** Fencing token of this ResourceManager's leadership. */
  readonly resourceManagerId = randomBytes(16).toString('hex');
  protected readonly slotManager = new SlotManager();
  protected readonly taskExecutors = new Map<string, RegisteredTaskExecutor>();
  private readonly heartbeats: HeartbeatMonitor<readonly unknown[]> | undefined;
  private readonly stopListening: () => void;

  constructor(
    protected readonly rpc: RpcService,
    protected readonly logger: Logger,
    heartbeat?: HeartbeatSettings,
  ) {
    this.heartbeats = heartbeat === undefined ? undefined : new HeartbeatMonitor(heartbeat, (id) => `TaskManager with id ${id}`, logger);
    // A dropped connection is checked at once: a killed TaskManager is found in milliseconds.
    this.stopListening = rpc.onDisconnect((remote) => {
      for (const [id, te] of this.taskExecutors) if (te.registration.location.rpcAddress.startsWith(`${remote}/`)) this.heartbeats?.probe(id);
    });
  }

  registerTaskExecutor(registration: TaskExecutorRegistration): Promise<TaskExecutorRegistrationSuccess> {
    const { resourceId, rpcAddress } = registration.location;
    if (this.taskExecutors.has(resourceId)) {
      // A TaskManager registering again lost its earlier registration (e.g. after a ResourceManager
      // silence); what it held before is gone.
      this.closeTaskManagerConnection(resourceId, `TaskManager ${resourceId} registered again.`);
    }
    this.logger.info(`Registering TaskManager with ResourceID ${resourceId} (${rpcAddress}) at ResourceManager`);
    this.taskExecutors.set(resourceId, { registration, lastHeartbeat: Date.now() });
    this.slotManager.registerTaskExecutor(resourceId, registration.numberOfSlots);
    const gateway = this.rpc.connect<TaskExecutorGateway>(rpcAddress);
    this.heartbeats?.monitor(
      resourceId,
      () => gateway.heartbeatFromResourceManager(),
      () => {
        const te = this.taskExecutors.get(resourceId);
        if (te !== undefined) te.lastHeartbeat = Date.now();
      },
      (cause) => this.closeTaskManagerConnection(resourceId, cause),
    );
    this.onTaskManagerRegistered(resourceId);
    this.checkResourceRequirements();
    return Promise.resolve({ resourceManagerId: this.resourceManagerId });
  }

  disconnectTaskManager(resourceId: string, cause: string): Promise<void> {
    this.closeTaskManagerConnection(resourceId, cause);
    return Promise.resolve();
  }

  declareRequiredResources(jobId: JobId, jobMaster: JobMasterReference, slots: number): Promise<void> {
    this.slotManager.declare(jobId, jobMaster, slots);
    this.checkResourceRequirements();
    return Promise.resolve();
  }

  notifySlotAvailable(resourceId: string, slotIndex: number): Promise<void> {
    this.slotManager.freeSlot(resourceId, slotIndex);
    this.checkResourceRequirements();
    return Promise.resolve();
  }

  requestSlotCounts(): Promise<{ readonly total: number; readonly free: number; readonly taskManagers: number }> {
    return Promise.resolve({
      total: this.slotManager.totalSlots(),
      free: this.slotManager.freeSlots(),
      taskManagers: this.slotManager.taskExecutorCount(),
    });
  }

  requestTaskManagerInfos(): Promise<readonly TaskManagerInfo[]> {
    return Promise.resolve(
      [...this.taskExecutors.values()].map((te) => {
        const id = te.registration.location.resourceId;
        const allocations = this.slotManager.allocationsOf(id);
        return {
          location: te.registration.location,
          numberOfSlots: te.registration.numberOfSlots,
          freeSlots: allocations.filter((a) => a === undefined).length,
          lastHeartbeat: te.lastHeartbeat,
          hardware: te.registration.hardware,
          memoryBytes: te.registration.memoryBytes,
          allocatedSlots: allocations.filter((a): a is SlotAllocation => a !== undefined).map((a) => ({ jobId: a.jobId, slotIndex: a.slotIndex })),
        };
      }),
    );
  }

  close(): void {
    this.stopListening();
    this.heartbeats?.close();
  }

  /** Hook for active ResourceManagers: a TaskManager registered. */
  protected onTaskManagerRegistered(_resourceId: string): void {
    // A standalone ResourceManager starts nothing, so it has nothing to match.
  }

  /** Hook for active ResourceManagers: a TaskManager is gone (lost, released or shut down). */
  protected onTaskManagerClosed(_resourceId: string, _cause: string): void {
    // Nothing to replace in standalone mode.
  }

  /** Hook for active ResourceManagers: requirements were matched; `missing` slots could not be. */
  protected onRequirementsChecked(_missing: number): void {
    // Standalone clusters wait for TaskManagers to be started by someone else.
  }

  protected closeTaskManagerConnection(resourceId: string, cause: string): void {
    const te = this.taskExecutors.get(resourceId);
    if (te === undefined) return;
    this.logger.info(`Closing TaskExecutor connection ${resourceId} because: ${cause}`);
    this.heartbeats?.unmonitor(resourceId);
    this.taskExecutors.delete(resourceId);
    const held = this.slotManager.unregisterTaskExecutor(resourceId);
    const jobMasters = new Map(held.map((a) => [a.jobMaster.address, a.jobMaster]));
    for (const jm of jobMasters.values()) {
      this.rpc
        .connect<JobMasterGateway>(jm.address, { fencingToken: jm.id })
        .disconnectTaskManager(resourceId, cause)
        .catch((e: unknown) => this.logger.warn(`Could not tell JobMaster ${jm.address} about the lost TaskManager: ${String(e)}`));
    }
    this.onTaskManagerClosed(resourceId, cause);
    this.checkResourceRequirements();
  }

  protected checkResourceRequirements(): void {
    for (const a of this.slotManager.allocate()) {
      const te = this.taskExecutors.get(a.resourceId);
      if (te === undefined) continue;
      const taskExecutor = this.rpc.connect<TaskExecutorGateway>(te.registration.location.rpcAddress);
      taskExecutor.requestSlot(a.slotIndex, a.jobId, a.allocationId, a.jobMaster.address, a.jobMaster.id).catch((e: unknown) => {
        this.logger.warn(`Slot request ${a.allocationId} to ${a.resourceId} failed: ${String(e)}`);
        this.slotManager.freeSlot(a.resourceId, a.slotIndex);
      });
    }
    this.onRequirementsChecked(this.slotManager.missingSlots());
  }
}

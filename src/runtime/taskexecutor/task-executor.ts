import type { AllocationId, ExecutionAttemptId, JobId } from '../../core/ids.js';
import type { Logger } from '../../core/logger.js';
import type { RpcService } from '../rpc/rpc-service.js';
import type { TaskDeploymentDescriptor } from '../deployment/task-deployment-descriptor.js';
import type { JobMasterGateway } from '../jobmaster/job-master-gateway.js';
import type { ResourceManagerGateway } from '../../resourcemanager/resource-manager-gateway.js';
import type { RoutedMessage } from '../network/network-messages.js';
import type { TaskExecutorGateway } from './task-executor-gateway.js';
import { SlotWorker } from './slot-worker.js';
import { serializeError } from '../../core/errors.js';
import { FlinkTsError } from '../../core/errors.js';

interface Slot {
  readonly index: number;
  allocationId?: AllocationId;
  jobId?: JobId;
  jobMasterAddress?: string;
  worker?: SlotWorker;
  readonly tasks: Set<ExecutionAttemptId>;
}

export interface TaskExecutorOptions {
  readonly resourceId: string;
  readonly numberOfSlots: number;
  /** Heap limit of each slot's worker thread. */
  readonly slotHeapMb: number;
  readonly rpc: RpcService;
  readonly logger: Logger;
  readonly stdout: (text: string, stderr: boolean) => void;
}

/**
 * The TaskManager's slots (Flink's TaskExecutor). A slot allocated to a job gets a worker thread
 * of its own, started at allocation so that partition requests can reach it before its tasks
 * are deployed; freeing the slot ends the thread and, with it, the job's user code.
 */
export class TaskExecutor implements TaskExecutorGateway {
  readonly resourceId: string;
  private readonly slots: Slot[];
  private readonly attemptSlot = new Map<ExecutionAttemptId, Slot>();

  constructor(private readonly options: TaskExecutorOptions) {
    this.resourceId = options.resourceId;
    this.slots = Array.from({ length: options.numberOfSlots }, (_, index) => ({ index, tasks: new Set() }));
  }

  get address(): string {
    return `taskmanager/${this.resourceId}`;
  }

  async registerAt(resourceManager: ResourceManagerGateway): Promise<void> {
    await resourceManager.registerTaskExecutor({ resourceId: this.resourceId, address: this.address, numberOfSlots: this.slots.length });
  }

  requestSlot(slotIndex: number, jobId: JobId, allocationId: AllocationId, jobMasterAddress: string): Promise<void> {
    const slot = this.slots[slotIndex];
    if (slot === undefined || slot.allocationId !== undefined) {
      return Promise.reject(new Error(`Slot ${slotIndex} of TaskManager ${this.resourceId} is not free.`));
    }
    this.options.logger.info(`Receive slot request ${allocationId} for job ${jobId} from resource manager.`);
    slot.allocationId = allocationId;
    slot.jobId = jobId;
    slot.jobMasterAddress = jobMasterAddress;
    slot.worker = this.startWorker(slot);
    const jobMaster = this.options.rpc.connect<JobMasterGateway>(jobMasterAddress);
    void jobMaster.offerSlots(this.resourceId, [{ slotIndex, allocationId }]);
    return Promise.resolve();
  }

  submitTask(tdd: TaskDeploymentDescriptor): Promise<void> {
    const slot = this.slots[tdd.location.slotIndex];
    if (slot?.worker === undefined || slot.jobId !== tdd.jobId) {
      return Promise.reject(new Error(`No slot ${tdd.location.slotIndex} allocated to job ${tdd.jobId} on TaskManager ${this.resourceId}.`));
    }
    slot.tasks.add(tdd.attemptId);
    this.attemptSlot.set(tdd.attemptId, slot);
    slot.worker.deploy(tdd);
    return Promise.resolve();
  }

  cancelTask(attemptId: ExecutionAttemptId): Promise<void> {
    this.attemptSlot.get(attemptId)?.worker?.cancel(attemptId);
    return Promise.resolve();
  }

  async freeSlot(allocationId: AllocationId): Promise<void> {
    const slot = this.slots.find((s) => s.allocationId === allocationId);
    if (slot === undefined) return;
    const worker = slot.worker;
    for (const attempt of slot.tasks) this.attemptSlot.delete(attempt);
    slot.tasks.clear();
    delete slot.allocationId;
    delete slot.jobId;
    delete slot.jobMasterAddress;
    delete slot.worker;
    await worker?.terminate();
  }

  freeSlotsCount(): number {
    return this.slots.filter((s) => s.allocationId === undefined).length;
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.slots.filter((s) => s.allocationId !== undefined).map((s) => this.freeSlot(s.allocationId as AllocationId)));
  }

  /** Delivers a network message to the worker it is addressed to. */
  route(routed: RoutedMessage): void {
    if (routed.to.taskManagerId !== this.resourceId) {
      this.options.logger.warn(`Dropping network message for unknown TaskManager ${routed.to.taskManagerId}.`);
      return;
    }
    this.slots[routed.to.slotIndex]?.worker?.deliver(routed.message);
  }

  private startWorker(slot: Slot): SlotWorker {
    return new SlotWorker({ taskManagerId: this.resourceId, slotIndex: slot.index }, this.options.slotHeapMb, {
      onTaskState: (attemptId, report) => {
        if (report.state === 'FINISHED' || report.state === 'FAILED' || report.state === 'CANCELED') slot.tasks.delete(attemptId);
        void this.jobMasterOf(slot)?.updateTaskExecutionState(attemptId, report);
      },
      onNetwork: (routed) => this.route(routed),
      onCoordinator: (attemptId, operatorId, payload) => {
        void this.jobMasterOf(slot)?.deliverCoordinationEvent(attemptId, operatorId, payload);
      },
      onStdout: (text, stderr) => this.options.stdout(text, stderr),
      onExit: (reason) => this.failSlot(slot, reason),
    });
  }

  /** The worker died under its tasks: they fail with the reason, as a lost TaskManager's would. */
  private failSlot(slot: Slot, reason: string): void {
    this.options.logger.warn(`Worker of slot ${slot.index} (allocation ${slot.allocationId ?? '-'}) ended: ${reason}`);
    const jobMaster = this.jobMasterOf(slot);
    const error = serializeError(new FlinkTsError('ERR_WORKER_EXIT', `Task failed because ${reason}`));
    for (const attemptId of slot.tasks) void jobMaster?.updateTaskExecutionState(attemptId, { state: 'FAILED', error });
    slot.tasks.clear();
    delete slot.worker;
  }

  private jobMasterOf(slot: Slot): JobMasterGateway | undefined {
    return slot.jobMasterAddress === undefined ? undefined : this.options.rpc.connect<JobMasterGateway>(slot.jobMasterAddress);
  }
}

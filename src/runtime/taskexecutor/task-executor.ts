import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { AllocationId, ExecutionAttemptId, JobId } from '../../core/ids.js';
import type { Logger } from '../../core/logger.js';
import type { RpcService } from '../rpc/rpc-service.js';
import type { TaskDeploymentDescriptor } from '../deployment/task-deployment-descriptor.js';
import type { JobMasterGateway } from '../jobmaster/job-master-gateway.js';
import type { NetworkMessage, RoutedMessage } from '../network/network-messages.js';
import type { TaskMetricsSnapshot } from '../worker/task-metrics.js';
import type { CheckpointBarrier } from '../checkpoint/checkpoint-options.js';
import type { LogFileInfo, SlotStatus, TaskExecutorGateway, TaskManagerLocation } from './task-executor-gateway.js';
import { SlotWorker } from './slot-worker.js';
import { serializeError } from '../../core/errors.js';
import { FlinkTsError } from '../../core/errors.js';

interface Slot {
  readonly index: number;
  allocationId?: AllocationId;
  jobId?: JobId;
  jobMaster?: { readonly address: string; readonly id: string };
  worker?: SlotWorker;
  readonly tasks: Set<ExecutionAttemptId>;
}

/** Sends network messages to other TaskManagers (the TCP data plane); absent in a MiniCluster. */
export interface DataPlane {
  send(routed: RoutedMessage): void;
}

/** Resolves a job artifact to a local file (the TaskManager's BlobCache); absent in a MiniCluster. */
export interface ArtifactResolver {
  resolve(jobId: JobId, artifactHash: string, sourceAddress: string): Promise<string>;
}

export interface TaskExecutorOptions {
  readonly location: TaskManagerLocation;
  readonly numberOfSlots: number;
  /** Heap limit of each slot's worker thread. */
  readonly slotHeapMb: number;
  readonly rpc: RpcService;
  readonly logger: Logger;
  readonly stdout: (text: string, stderr: boolean) => void;
  readonly dataPlane?: DataPlane;
  readonly artifacts?: ArtifactResolver;
  /** Where this process writes its logs, served by `/taskmanagers/:id/logs`. */
  readonly logDir?: string;
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
  private readonly metrics = new Map<ExecutionAttemptId, TaskMetricsSnapshot>();
  private lastResourceManagerHeartbeat = Date.now();

  constructor(private readonly options: TaskExecutorOptions) {
    this.resourceId = options.location.resourceId;
    this.slots = Array.from({ length: options.numberOfSlots }, (_, index) => ({ index, tasks: new Set() }));
  }

  static readonly ENDPOINT_NAME = 'taskmanager';

  get location(): TaskManagerLocation {
    return this.options.location;
  }

  get numberOfSlots(): number {
    return this.slots.length;
  }

  /** When the ResourceManager last asked for a heartbeat (the TaskManager re-registers after a silence). */
  get lastHeartbeatFromResourceManager(): number {
    return this.lastResourceManagerHeartbeat;
  }

  requestSlot(slotIndex: number, jobId: JobId, allocationId: AllocationId, jobMasterAddress: string, jobMasterId: string): Promise<void> {
    const slot = this.slots[slotIndex];
    if (slot === undefined || slot.allocationId !== undefined) {
      return Promise.reject(new Error(`Slot ${slotIndex} of TaskManager ${this.resourceId} is not free.`));
    }
    this.options.logger.info(`Receive slot request ${allocationId} for job ${jobId} from resource manager.`);
    slot.allocationId = allocationId;
    slot.jobId = jobId;
    slot.jobMaster = { address: jobMasterAddress, id: jobMasterId };
    slot.worker = this.startWorker(slot);
    this.jobMasterOf(slot)
      ?.offerSlots(this.options.location, [{ slotIndex, allocationId }])
      .catch((e: unknown) => {
        this.options.logger.warn(`Offering slot ${slotIndex} to the JobMaster of job ${jobId} failed: ${String(e)}`);
        void this.freeSlot(allocationId);
      });
    return Promise.resolve();
  }

  async submitTask(tdd: TaskDeploymentDescriptor, jobMasterId: string): Promise<void> {
    const slot = this.slots[tdd.location.slotIndex];
    // A slot whose worker died (process.exit in user code) gets a new one for a restarted task.
    if (slot !== undefined && slot.worker === undefined && slot.allocationId !== undefined && slot.jobId === tdd.jobId) {
      slot.worker = this.startWorker(slot);
    }
    if (slot?.worker === undefined || slot.jobId !== tdd.jobId) {
      throw new Error(`No slot ${tdd.location.slotIndex} allocated to job ${tdd.jobId} on TaskManager ${this.resourceId}.`);
    }
    if (slot.jobMaster?.id !== jobMasterId) {
      throw new Error(`Task ${tdd.attemptId} was submitted by a JobMaster that does not own slot ${slot.index} (stale JobMaster?).`);
    }
    const artifactPath =
      this.options.artifacts === undefined
        ? tdd.program.artifactPath
        : await this.options.artifacts.resolve(tdd.jobId, tdd.program.artifactHash, slot.jobMaster.address);
    slot.tasks.add(tdd.attemptId);
    this.attemptSlot.set(tdd.attemptId, slot);
    slot.worker.deploy({ ...tdd, program: { ...tdd.program, artifactPath } });
  }

  cancelTask(attemptId: ExecutionAttemptId): Promise<void> {
    this.attemptSlot.get(attemptId)?.worker?.cancel(attemptId);
    return Promise.resolve();
  }

  triggerCheckpoint(attemptId: ExecutionAttemptId, barrier: CheckpointBarrier): Promise<void> {
    const worker = this.attemptSlot.get(attemptId)?.worker;
    if (worker === undefined) return Promise.reject(new Error(`Task ${attemptId} does not run on TaskManager ${this.resourceId}.`));
    worker.triggerCheckpoint(attemptId, barrier);
    return Promise.resolve();
  }

  notifyCheckpoint(attemptId: ExecutionAttemptId, checkpointId: number, completed: boolean): Promise<void> {
    this.attemptSlot.get(attemptId)?.worker?.notifyCheckpoint(attemptId, checkpointId, completed);
    return Promise.resolve();
  }

  async freeSlot(allocationId: AllocationId): Promise<void> {
    const slot = this.slots.find((s) => s.allocationId === allocationId);
    if (slot === undefined) return;
    const worker = slot.worker;
    for (const attempt of slot.tasks) {
      this.attemptSlot.delete(attempt);
      this.metrics.delete(attempt);
    }
    slot.tasks.clear();
    delete slot.allocationId;
    delete slot.jobId;
    delete slot.jobMaster;
    delete slot.worker;
    await worker?.terminate();
  }

  heartbeatFromResourceManager(): Promise<readonly SlotStatus[]> {
    this.lastResourceManagerHeartbeat = Date.now();
    return Promise.resolve(this.slotReport());
  }

  heartbeatFromJobManager(jobId: JobId): Promise<{ readonly metrics: readonly TaskMetricsSnapshot[] }> {
    const metrics: TaskMetricsSnapshot[] = [];
    for (const slot of this.slots) {
      if (slot.jobId !== jobId) continue;
      for (const attempt of slot.tasks) {
        const m = this.metrics.get(attempt);
        if (m !== undefined) metrics.push(m);
      }
    }
    return Promise.resolve({ metrics });
  }

  requestLogList(): Promise<readonly LogFileInfo[]> {
    const dir = this.options.logDir;
    if (dir === undefined) return Promise.resolve([]);
    const files = readdirSync(dir)
      .filter((name) => name.includes('taskexecutor') && name.includes(this.resourceIdTag()))
      .map((name) => {
        const s = statSync(join(dir, name));
        return { name, size: s.size, mtime: s.mtimeMs };
      });
    return Promise.resolve(files);
  }

  async requestLogFile(name: string): Promise<string> {
    const listed = await this.requestLogList();
    if (basename(name) !== name || !listed.some((f) => f.name === name) || this.options.logDir === undefined) {
      throw new Error(`The file ${name} does not exist on the TaskExecutor.`);
    }
    return readFileSync(join(this.options.logDir, name), 'utf8');
  }

  slotReport(): SlotStatus[] {
    return this.slots.map((s) => ({ slotIndex: s.index, allocationId: s.allocationId, jobId: s.jobId }));
  }

  freeSlotsCount(): number {
    return this.slots.filter((s) => s.allocationId === undefined).length;
  }

  /** Frees every slot, canceling what runs there: on shutdown, or when the ResourceManager is lost. */
  async freeAllSlots(): Promise<void> {
    await Promise.all(this.slots.filter((s) => s.allocationId !== undefined).map((s) => this.freeSlot(s.allocationId as AllocationId)));
  }

  async shutdown(): Promise<void> {
    await this.freeAllSlots();
  }

  /** Delivers a network message to the worker it is addressed to, here or on another TaskManager. */
  route(routed: RoutedMessage): void {
    if (routed.to.taskManagerId === this.resourceId) {
      this.slots[routed.to.slotIndex]?.worker?.deliver(routed.message);
      return;
    }
    if (this.options.dataPlane === undefined) {
      this.options.logger.warn(`Dropping network message for unknown TaskManager ${routed.to.taskManagerId}.`);
      return;
    }
    this.options.dataPlane.send(routed);
  }

  /**
   * The data connection to another TaskManager broke: every worker fails the channels it has to
   * that TaskManager, so jobs fail fast instead of waiting for a heartbeat timeout.
   */
  connectionLost(taskManagerId: string, dataAddress: string): void {
    const message: NetworkMessage = { t: 'ConnectionLost', taskManagerId, dataAddress };
    for (const slot of this.slots) slot.worker?.deliver(message);
  }

  private resourceIdTag(): string {
    return this.resourceId;
  }

  private startWorker(slot: Slot): SlotWorker {
    return new SlotWorker(
      { taskManagerId: this.resourceId, slotIndex: slot.index, dataAddress: this.options.location.dataAddress },
      this.options.slotHeapMb,
      {
        onTaskState: (attemptId, report) => {
          if (report.state === 'FINISHED' || report.state === 'FAILED' || report.state === 'CANCELED') slot.tasks.delete(attemptId);
          this.jobMasterOf(slot)
            ?.updateTaskExecutionState(attemptId, report)
            .catch((e: unknown) => this.options.logger.warn(`Could not report the state of task ${attemptId}: ${String(e)}`));
        },
        onNetwork: (routed) => this.route(routed),
        onCoordinator: (attemptId, operatorId, payload) => {
          this.jobMasterOf(slot)
            ?.deliverCoordinationEvent(attemptId, operatorId, payload)
            .catch((e: unknown) => this.options.logger.warn(`Could not deliver an operator event of task ${attemptId}: ${String(e)}`));
        },
        onStdout: (text, stderr) => this.options.stdout(text, stderr),
        onMetrics: (snapshots) => {
          for (const m of snapshots) this.metrics.set(m.attemptId, m);
        },
        onCheckpoint: (attemptId, message) => {
          const jobMaster = this.jobMasterOf(slot);
          if (jobMaster === undefined) return;
          const sent =
            message.kind === 'ack'
              ? jobMaster.acknowledgeCheckpoint(attemptId, message.checkpointId, message.states)
              : message.kind === 'decline'
                ? jobMaster.declineCheckpoint(attemptId, message.checkpointId, message.reason)
                : jobMaster.notifyEndOfData(attemptId);
          sent.catch((e: unknown) => this.options.logger.warn(`Could not report checkpoint progress of task ${attemptId}: ${String(e)}`));
        },
        onExit: (reason) => this.failSlot(slot, reason),
      },
    );
  }

  /** The worker died under its tasks: they fail with the reason, as a lost TaskManager's would. */
  private failSlot(slot: Slot, reason: string): void {
    this.options.logger.warn(`Worker of slot ${slot.index} (allocation ${slot.allocationId ?? '-'}) ended: ${reason}`);
    const jobMaster = this.jobMasterOf(slot);
    const error = serializeError(new FlinkTsError('ERR_WORKER_EXIT', `Task failed because ${reason}`));
    for (const attemptId of slot.tasks) void jobMaster?.updateTaskExecutionState(attemptId, { state: 'FAILED', error }).catch(() => undefined);
    slot.tasks.clear();
    delete slot.worker;
  }

  private jobMasterOf(slot: Slot): JobMasterGateway | undefined {
    const jm = slot.jobMaster;
    return jm === undefined ? undefined : this.options.rpc.connect<JobMasterGateway>(jm.address, { fencingToken: jm.id });
  }
}

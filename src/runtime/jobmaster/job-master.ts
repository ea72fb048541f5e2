import type { AllocationId, ExecutionAttemptId } from '../../core/ids.js';
import type { Logger } from '../../core/logger.js';
import type { AccumulatorSnapshot } from '../../api/common/accumulators.js';
import type { JobStatus } from '../../api/environment/job-client.js';
import type { RpcService } from '../rpc/rpc-service.js';
import type { ResourceManagerGateway } from '../../resourcemanager/resource-manager-gateway.js';
import type { SlotOffer, TaskExecutorGateway, TaskManagerLocation } from '../taskexecutor/task-executor-gateway.js';
import type { TaskMetricsSnapshot } from '../worker/task-metrics.js';
import type { HeartbeatSettings } from '../heartbeat/heartbeat-monitor.js';
import type { NetworkSettings, TaskDeploymentDescriptor } from '../deployment/task-deployment-descriptor.js';
import type { JobGraph } from '../jobgraph/job-graph.js';
import type { TaskStateReport } from '../worker/stream-task.js';
import type { WorkerAddress } from '../network/network-messages.js';
import type { ExecutionState } from '../executiongraph/execution-state.js';
import type { ExecutionVertex } from '../executiongraph/execution-graph.js';
import type { JobMasterGateway } from './job-master-gateway.js';
import type { JobResult } from './job-result.js';
import type { SerializedThrowable } from '../../core/errors.js';
import { ExecutionGraph } from '../executiongraph/execution-graph.js';
import { isTerminalExecutionState } from '../executiongraph/execution-state.js';
import { slotsPerSharingGroup, requiredSlots } from '../jobgraph/job-graph.js';
import { consumedPartitionsOf, consumersOf } from '../../core/pointwise-wiring.js';
import { mergeAccumulators } from '../../api/common/accumulators.js';
import { serializeError, deserializeError, FlinkTsError } from '../../core/errors.js';
import { HeartbeatMonitor } from '../heartbeat/heartbeat-monitor.js';
import { randomBytes } from 'node:crypto';
import type { RestartBackoffTimeStrategy } from './restart/restart-backoff-time-strategy.js';
import type { RestartBackoffTimeStrategyFactory } from './restart/restart-backoff-time-strategy-factory.js';
import type { FailoverStrategy, FailoverStrategyName } from '../executiongraph/failover/failover-strategy.js';
import { NoRestartBackoffTimeStrategy } from './restart/no-restart-backoff-time-strategy.js';
import { createFailoverStrategy } from '../executiongraph/failover/failover-strategy.js';
import type { Configuration } from '../../config/index.js';
import type { CheckpointBarrier } from '../checkpoint/checkpoint-options.js';
import type { OperatorSubtaskState, TaskRestore } from '../checkpoint/checkpoint-metadata.js';
import type { CheckpointConfigInfo, CheckpointStatsSnapshot } from '../checkpoint/checkpoint-stats.js';
import type { CompletedCheckpoint } from '../checkpoint/completed-checkpoint.js';
import type { CheckpointTask } from '../checkpoint/checkpoint-coordinator.js';
import { CheckpointCoordinator } from '../checkpoint/checkpoint-coordinator.js';
import { checkpointSettingsFrom } from '../checkpoint/checkpoint-settings.js';
import type { CheckpointSettings } from '../checkpoint/checkpoint-settings.js';
import { loadSavepointForRestore, taskRestoreOf } from '../checkpoint/savepoint-restore.js';
import { effectiveJobConfiguration } from '../jobgraph/job-configuration.js';
import { restartBackoffTimeStrategyFactoryFrom } from './restart/restart-backoff-time-strategy-factory.js';
import { SAVEPOINT_IGNORE_UNCLAIMED_STATE, SAVEPOINT_PATH } from '../../config/index.js';

export interface JobMasterOptions {
  readonly rpc: RpcService;
  readonly resourceManagerAddress: string;
  readonly logger: Logger;
  readonly network: NetworkSettings;
  readonly slotRequestTimeoutMs: number;
  readonly heartbeat: HeartbeatSettings;
  /** `restart-strategy.*`: a fresh strategy per job. @default no restarts */
  readonly restartStrategy?: RestartBackoffTimeStrategyFactory;
  /** `jobmanager.execution.failover-strategy`. @default 'region' */
  readonly failoverStrategy?: FailoverStrategyName;
  /**
   * The cluster's configuration. With it, the job's own configuration (`JobGraph.jobConfiguration`)
   * applies on top: restart strategy, checkpointing and state recovery come from the result.
   */
  readonly configuration?: Configuration;
}

interface AcquiredSlot {
  readonly taskManager: TaskManagerLocation;
  readonly slotIndex: number;
  readonly allocationId: AllocationId;
}

/** A task failure as the exception history keeps it. */
export interface FailureRecord {
  readonly error: SerializedThrowable;
  readonly timestamp: number;
  readonly taskName: string | undefined;
  readonly taskManagerId: string | undefined;
  readonly location: string | undefined;
  /** Failures of other tasks that came with this one (the cancellation they caused, or the same lost TaskManager). */
  readonly concurrent: FailureRecord[];
}

interface CollectState {
  readonly values: unknown[];
  readonly waiters: { limit: number | undefined; resolve: (values: unknown[]) => void }[];
}

/**
 * Runs one job (Flink's JobMaster with the default scheduler): declares the slots it needs,
 * deploys every subtask once they are offered, tracks execution states, and turns them into the
 * job's state.
 *
 * A task failure (the task's exception, its TaskManager lost) goes to the restart strategy. If it
 * allows a restart, the failover strategy names the subtasks to restart (the failed one's
 * pipelined region, or all); they are canceled, the job is RESTARTING, and after the strategy's
 * delay they get new attempts in their slots (slots of a lost TaskManager are requested again)
 * and the job is RUNNING again. Otherwise the other tasks are canceled and the job ends FAILED
 * with "Recovery is suppressed by <strategy>" caused by the task's failure.
 */
export class JobMaster implements JobMasterGateway {
  readonly graph: ExecutionGraph;
  private readonly slots: AcquiredSlot[] = [];
  private readonly accumulators = new Map<ExecutionAttemptId, AccumulatorSnapshot[]>();
  private readonly collected = new Map<string, CollectState>();
  private readonly required: number;
  private slotTimer: NodeJS.Timeout | undefined;
  private deployed = false;
  /** Slot sharing's logical slots (`group#subtask`) and the physical slot each runs in. */
  private readonly slotOfKey = new Map<string, AcquiredSlot>();
  private readonly restartStrategy: RestartBackoffTimeStrategy;
  private readonly failoverStrategy: FailoverStrategy;
  /** Subtasks canceled for a restart that has not happened yet. */
  private readonly pendingRestart = new Set<ExecutionVertex>();
  private restartTimer: NodeJS.Timeout | undefined;
  /** The restart delay has passed; the restart waits only for cancellations and slots. */
  private restartDue = false;
  /** A restart waits for slots a lost TaskManager took with it. */
  private awaitingSlots = false;
  /** Restarts so far: Flink's `numRestarts` job metric. */
  numRestarts = 0;
  /** Fencing token: TaskManagers address this JobMaster with it, so a stale one's messages are refused. */
  readonly jobMasterId = randomBytes(16).toString('hex');
  private readonly heartbeats: HeartbeatMonitor<{ readonly metrics: readonly TaskMetricsSnapshot[] }>;
  private readonly metrics = new Map<ExecutionAttemptId, TaskMetricsSnapshot>();
  private readonly taskManagers = new Map<string, TaskManagerLocation>();
  /** Newest first; the first entry's error is the job's root cause once it FAILED. */
  readonly failureHistory: FailureRecord[] = [];
  private resolveResult!: (result: JobResult) => void;
  readonly result: Promise<JobResult>;
  /** Present for STREAMING jobs: checkpoints, savepoints and the state tasks restore from. */
  readonly checkpointCoordinator: CheckpointCoordinator | undefined;
  /** Restore plans per checkpoint id and vertex, computed once and shared by the vertex's subtasks. */
  private restorePlans = new Map<string, (TaskRestore | undefined)[]>();
  /** The restart (by `numRestarts`) whose restore from a checkpoint was last reported, so each is counted once. */
  private restoredCheckpointReported: number | undefined;
  /** Source attempts whose input ended and that wait for their final checkpoint. */
  private readonly endedSources = new Set<ExecutionAttemptId>();

  constructor(
    readonly jobGraph: JobGraph,
    private readonly options: JobMasterOptions,
  ) {
    this.graph = new ExecutionGraph(jobGraph);
    // A job's own configuration can be wrong (a bad -D, an unsupported state backend): the job
    // then fails at start with the reason, instead of the submission failing without a job.
    let jobConfig: Configuration | undefined;
    let settings: CheckpointSettings | undefined;
    let restartFactory = options.restartStrategy;
    try {
      jobConfig = options.configuration === undefined ? undefined : effectiveJobConfiguration(options.configuration, jobGraph.jobConfiguration);
      if (jobConfig !== undefined) {
        restartFactory = restartBackoffTimeStrategyFactoryFrom(jobConfig);
        if (jobGraph.jobType === 'STREAMING') settings = checkpointSettingsFrom(jobConfig);
      }
    } catch (error) {
      jobConfig = undefined;
      this.configurationError = serializeError(
        new FlinkTsError('ERR_CONFIG', `The configuration of job ${jobGraph.jobId} is invalid: ${(error as Error).message}`, { cause: error }),
      );
    }
    this.jobConfiguration = jobConfig;
    this.restartStrategy = restartFactory?.() ?? new NoRestartBackoffTimeStrategy();
    this.checkpointCoordinator =
      settings !== undefined
        ? new CheckpointCoordinator(settings, {
            jobId: jobGraph.jobId,
            logger: options.logger.child('CheckpointCoordinator'),
            vertices: jobGraph.vertices.map((v) => ({
              id: v.id,
              parallelism: v.parallelism,
              maxParallelism: v.maxParallelism,
              operators: v.operators.map((o) => ({ operatorId: o.operatorId, name: o.name })),
            })),
            isRunning: () => this.graph.status === 'RUNNING',
            tasks: () => this.checkpointTasks(),
            triggerTask: (attemptId, barrier) => this.triggerTaskCheckpoint(attemptId, barrier),
            notifyTask: (attemptId, checkpointId, completed) => this.notifyTaskCheckpoint(attemptId, checkpointId, completed),
            failJob: (error) => this.failJobForCheckpoints(error),
          })
        : undefined;
    this.failoverStrategy = createFailoverStrategy(options.failoverStrategy ?? 'region', this.graph);
    this.required = requiredSlots(jobGraph);
    this.result = new Promise((resolve) => (this.resolveResult = resolve));
    this.heartbeats = new HeartbeatMonitor(
      options.heartbeat,
      (id) => `TaskManager with id ${id}`,
      options.logger,
    );
  }

  /** The endpoint name this JobMaster is registered under in its RPC service. */
  get endpointName(): string {
    return `jobmaster_${this.jobGraph.jobId}`;
  }

  get address(): string {
    return this.options.rpc.addressOf(this.endpointName);
  }

  private metricsRefresh: { at: number; done: Promise<void> } | undefined;

  /**
   * Asks the job's TaskManagers for current task metrics, at most once per `maxAgeMs`: REST
   * readers see numbers of the last second, not of the last heartbeat (10 s by default).
   */
  refreshMetrics(maxAgeMs = 1000): Promise<void> {
    const now = Date.now();
    if (this.isTerminal() || (this.metricsRefresh !== undefined && now - this.metricsRefresh.at < maxAgeMs)) {
      return this.metricsRefresh?.done ?? Promise.resolve();
    }
    // A hung TaskManager (a frozen process keeps its connection) must not hold up REST answers:
    // its metrics stay as the last heartbeat left them.
    const done = Promise.all(
      // Lost TaskManagers stay known (failed attempts name them) but are not asked any more.
      [...this.taskManagers.values()].filter((tm) => this.heartbeats.isMonitored(tm.resourceId)).map((tm) =>
        Promise.race([
          this.taskExecutor(tm)
            .heartbeatFromJobManager(this.jobGraph.jobId)
            .then((payload) => {
              for (const m of payload.metrics) this.metrics.set(m.attemptId, m);
            })
            .catch(() => undefined),
          new Promise<void>((resolve) => setTimeout(resolve, METRICS_REFRESH_TIMEOUT_MS).unref()),
        ]),
      ),
    ).then(() => undefined);
    this.metricsRefresh = { at: now, done };
    return done;
  }

  /** The latest metrics of each running subtask attempt, from the TaskManagers' heartbeats. */
  taskMetrics(attemptId: ExecutionAttemptId): TaskMetricsSnapshot | undefined {
    return this.metrics.get(attemptId);
  }

  /** Where each TaskManager this job uses is, by resource id. */
  taskManagerLocation(resourceId: string): TaskManagerLocation | undefined {
    return this.taskManagers.get(resourceId);
  }

  get status(): JobStatus {
    return this.graph.status;
  }

  private readonly jobConfiguration: Configuration | undefined;
  private readonly configurationError: SerializedThrowable | undefined;

  async start(): Promise<void> {
    this.transitionJob('CREATED');
    if (this.configurationError !== undefined) {
      this.failBeforeRunning(this.configurationError);
      return;
    }
    const restorePath = this.jobConfiguration?.get(SAVEPOINT_PATH);
    if (restorePath !== undefined) {
      try {
        await this.restoreFromSavepoint(restorePath);
      } catch (error) {
        this.failBeforeRunning(serializeError(error));
        return;
      }
    }
    this.transitionJob('RUNNING');
    this.checkpointCoordinator?.startScheduler();
    for (const ev of this.graph.allExecutionVertices()) this.transitionExecution(ev, 'SCHEDULED');
    this.slotTimer = setTimeout(() => this.failForMissingSlots(), this.options.slotRequestTimeoutMs);
    await this.resourceManager().declareRequiredResources(this.jobGraph.jobId, { address: this.address, id: this.jobMasterId }, this.required);
  }

  // ---- JobMasterGateway ----

  offerSlots(taskManager: TaskManagerLocation, offers: readonly SlotOffer[]): Promise<void> {
    if (this.isTerminal()) {
      for (const o of offers) void this.taskExecutor(taskManager).freeSlot(o.allocationId);
      return Promise.resolve();
    }
    this.taskManagers.set(taskManager.resourceId, taskManager);
    this.monitorTaskManager(taskManager);
    // Slots offered once the job runs are kept as spares for restarts: the ResourceManager
    // offers them because the job declared them, and would offer them again if they were freed.
    for (const o of offers) this.slots.push({ taskManager, slotIndex: o.slotIndex, allocationId: o.allocationId });
    if (!this.deployed) {
      if (this.slots.length >= this.required) this.deploy();
    } else {
      this.tryRestart();
    }
    return Promise.resolve();
  }

  disconnectTaskManager(resourceId: string, cause: string): Promise<void> {
    this.heartbeats.unmonitor(resourceId);
    // Its slots are gone with it: they must not be freed or reused.
    for (let i = this.slots.length - 1; i >= 0; i--) if (this.slots[i]?.taskManager.resourceId === resourceId) this.slots.splice(i, 1);
    for (const [key, slot] of this.slotOfKey) if (slot.taskManager.resourceId === resourceId) this.slotOfKey.delete(key);
    const failed: ExecutionVertex[] = [];
    for (const ev of this.graph.allExecutionVertices()) {
      const e = ev.currentExecution;
      if (e.location?.taskManagerId !== resourceId || isTerminalExecutionState(e.state)) continue;
      const wasCanceling = e.state === 'CANCELING';
      e.failure = serializeError(new FlinkTsError('ERR_TASK_MANAGER_LOST', `${cause} The task ran on TaskManager ${resourceId}.`));
      this.transitionExecution(ev, 'FAILED');
      if (!wasCanceling) failed.push(ev);
    }
    // One lost TaskManager is one failure, however many of its tasks it took along.
    if (failed.length > 0) this.onTasksFailed(failed);
    this.checkJobCompletion();
    this.tryRestart();
    return Promise.resolve();
  }

  private monitorTaskManager(taskManager: TaskManagerLocation): void {
    if (this.heartbeats.isMonitored(taskManager.resourceId)) return;
    const gateway = this.taskExecutor(taskManager);
    this.heartbeats.monitor(
      taskManager.resourceId,
      () => gateway.heartbeatFromJobManager(this.jobGraph.jobId),
      (payload) => {
        for (const m of payload.metrics) this.metrics.set(m.attemptId, m);
      },
      (cause) => void this.disconnectTaskManager(taskManager.resourceId, cause),
    );
  }

  /** A connection to a TaskManager broke: check it now rather than at the next heartbeat. */
  probeTaskManager(resourceId: string): void {
    this.heartbeats.probe(resourceId);
  }

  updateTaskExecutionState(attemptId: ExecutionAttemptId, report: TaskStateReport): Promise<void> {
    const ev = this.graph.byAttempt.get(attemptId);
    if (ev === undefined || ev.currentExecution.attemptId !== attemptId) return Promise.resolve();
    if (isTerminalExecutionState(ev.currentExecution.state)) return Promise.resolve();
    if (ev.currentExecution.state === 'CANCELING' && !isTerminalExecutionState(report.state)) {
      // A report the TaskManager sent before it saw the cancel (a task canceled while DEPLOYING
      // goes on to INITIALIZING and RUNNING). Accepting it would bring the task back to life and
      // leave the job CANCELLING forever; the task's state stays, and it is told to cancel again,
      // in case the first cancel reached the TaskManager before the task existed there.
      this.cancelExecution(ev);
      return Promise.resolve();
    }
    if (report.accumulators !== undefined) this.accumulators.set(attemptId, report.accumulators);
    if (report.metrics !== undefined) this.metrics.set(attemptId, report.metrics);
    if (report.error !== undefined) ev.currentExecution.failure = report.error;
    const wasCanceling = ev.currentExecution.state === 'CANCELING';
    this.transitionExecution(ev, report.state);
    if (report.state === 'FAILED') {
      // A task that fails while it is being canceled (its upstream went first) is a consequence,
      // not a new failure: it is recorded with the failure that caused the cancellation.
      if (wasCanceling) this.recordConcurrentFailure(ev);
      else this.onTasksFailed([ev]);
    }
    this.checkJobCompletion();
    this.tryRestart();
    return Promise.resolve();
  }

  deliverCoordinationEvent(_attemptId: ExecutionAttemptId, operatorId: string, payload: unknown): Promise<void> {
    const values = (payload as { values?: unknown[] }).values ?? [];
    const state = this.collectState(operatorId);
    for (const v of values) state.values.push(v);
    this.serveCollectWaiters(state, false);
    return Promise.resolve();
  }

  acknowledgeCheckpoint(attemptId: ExecutionAttemptId, checkpointId: number, states: Readonly<Record<string, OperatorSubtaskState>>): Promise<void> {
    this.checkpointCoordinator?.receiveAcknowledge(attemptId, checkpointId, states);
    return Promise.resolve();
  }

  declineCheckpoint(attemptId: ExecutionAttemptId, checkpointId: number, reason: SerializedThrowable): Promise<void> {
    this.checkpointCoordinator?.receiveDecline(attemptId, checkpointId, reason);
    return Promise.resolve();
  }

  notifyEndOfData(attemptId: ExecutionAttemptId): Promise<void> {
    if (this.graph.byAttempt.get(attemptId)?.currentExecution.attemptId !== attemptId) return Promise.resolve();
    this.endedSources.add(attemptId);
    // When every running source waits for its final checkpoint, the job is ending: do not wait for the next period.
    const waiting = this.checkpointTasks().filter((t) => t.isSource && t.state === 'RUNNING');
    if (waiting.every((t) => this.endedSources.has(t.attemptId))) this.checkpointCoordinator?.triggerFinalCheckpointSoon();
    return Promise.resolve();
  }

  // ---- client-facing ----

  /** `/jobs/:jobid/checkpoints`: counts, latest and history. */
  checkpointStats(): CheckpointStatsSnapshot {
    const coordinator = this.checkpointCoordinator;
    if (coordinator === undefined) {
      return {
        counts: { restored: 0, total: 0, inProgress: 0, completed: 0, failed: 0 },
        latestCompleted: undefined,
        latestSavepoint: undefined,
        latestFailed: undefined,
        latestRestored: undefined,
        history: [],
      };
    }
    return coordinator.statsSnapshot();
  }

  /**
   * `/jobs/:jobid/checkpoints/config`. Every STREAMING job has one, as in Flink: savepoints and
   * manual checkpoints work without periodic checkpoints (`interval` undefined). BATCH jobs have none.
   */
  checkpointConfig(): CheckpointConfigInfo | undefined {
    const coordinator = this.checkpointCoordinator;
    if (coordinator === undefined) return undefined;
    const { numRetained: _n, inlineThreshold: _i, ...info } = coordinator.settings;
    return info;
  }

  /**
   * Takes a savepoint and resolves with its directory. `SAVEPOINT_SUSPEND` and
   * `SAVEPOINT_TERMINATE` (with `--drain`) stop the job: once the savepoint completed, its tasks
   * end and the job is FINISHED. If the savepoint fails, the job goes on running.
   */
  async triggerSavepoint(targetDirectory: string | undefined, type: 'SAVEPOINT' | 'SAVEPOINT_SUSPEND' | 'SAVEPOINT_TERMINATE'): Promise<string> {
    const completed = await this.requireCoordinator('savepoints').trigger(type, targetDirectory);
    return completed.directory as string;
  }

  /** Triggers a checkpoint now (`flink-ts checkpoint`) and resolves with its id once it completed. */
  async triggerCheckpoint(): Promise<number> {
    const completed = await this.requireCoordinator('checkpoints').trigger('CHECKPOINT');
    return completed.metadata.checkpointId;
  }

  private requireCoordinator(what: string): CheckpointCoordinator {
    if (this.checkpointCoordinator === undefined) {
      throw new FlinkTsError('ERR_CHECKPOINT', `Job ${this.jobGraph.jobId} runs in BATCH mode, which has no ${what}.`);
    }
    return this.checkpointCoordinator;
  }

  cancel(): Promise<void> {
    if (this.isTerminal() || this.graph.status === 'CANCELLING') return Promise.resolve();
    this.abandonRestart();
    this.checkpointCoordinator?.stopScheduler();
    this.checkpointCoordinator?.abortPending('Checkpoint aborted: the job is being cancelled.');
    this.transitionJob('CANCELLING');
    this.cancelAllTasks();
    this.checkJobCompletion();
    return Promise.resolve();
  }

  /** The values a collect sink delivered so far, from `offset` on (REST clients poll with it). */
  collectedSince(operatorId: string, offset: number): unknown[] {
    return this.collectState(operatorId).values.slice(offset);
  }

  /** Accumulators as reported so far: final values of ended tasks (running tasks report at their end). */
  currentAccumulators(): Record<string, number> {
    return mergeAccumulators([...this.accumulators.values()].flat());
  }

  isGloballyTerminal(): boolean {
    return this.isTerminal();
  }

  /** Resolves with the collected values once `limit` arrived, or when the job ends. */
  getCollectedResults(operatorId: string, limit?: number): Promise<unknown[]> {
    const state = this.collectState(operatorId);
    return new Promise((resolve) => {
      state.waiters.push({ limit, resolve });
      this.serveCollectWaiters(state, this.isTerminal());
    });
  }

  // ---- scheduling ----

  private deploy(): void {
    this.deployed = true;
    clearTimeout(this.slotTimer);
    for (const [ev, slot] of this.assignSlots()) this.slotOfKey.set(logicalSlotKey(ev), slot);
    this.deployVertices([...this.graph.allExecutionVertices()]);
  }

  /** Deploys the current attempts of `vertices` to their logical slots, which must all be present. */
  private deployVertices(vertices: readonly ExecutionVertex[]): void {
    for (const ev of vertices) {
      const slot = this.slotOfKey.get(logicalSlotKey(ev)) as AcquiredSlot;
      ev.currentExecution.location = {
        taskManagerId: slot.taskManager.resourceId,
        slotIndex: slot.slotIndex,
        dataAddress: slot.taskManager.dataAddress,
      };
      ev.currentExecution.allocationId = slot.allocationId;
    }
    for (const ev of vertices) {
      this.transitionExecution(ev, 'DEPLOYING');
      const tdd = this.createDeploymentDescriptor(ev);
      this.taskExecutorById(tdd.location.taskManagerId)
        .submitTask(tdd, this.jobMasterId)
        .catch((e: unknown) => void this.updateTaskExecutionState(tdd.attemptId, { state: 'FAILED', error: serializeError(e) }));
    }
  }

  /** Slot sharing: within a group, slot j runs subtask j of every vertex of the group. */
  private assignSlots(): Map<ExecutionVertex, AcquiredSlot> {
    const assignment = new Map<ExecutionVertex, AcquiredSlot>();
    let next = 0;
    for (const [group, count] of slotsPerSharingGroup(this.jobGraph)) {
      const groupSlots = this.slots.slice(next, next + count);
      next += count;
      for (const v of this.graph.vertices) {
        if (v.jobVertex.slotSharingGroup !== group) continue;
        for (const ev of v.subtasks) assignment.set(ev, groupSlots[ev.subtaskIndex] as AcquiredSlot);
      }
    }
    return assignment;
  }

  private createDeploymentDescriptor(ev: ExecutionVertex): TaskDeploymentDescriptor {
    const vertex = ev.jobVertex.jobVertex;
    const execution = ev.currentExecution;
    const producedPartitions = vertex.producedDataSets.map((ds) => {
      const consumer = this.graph.vertex(ds.consumerVertexId)?.jobVertex;
      if (consumer === undefined) throw new Error(`Data set ${ds.id} has no consumer vertex.`);
      return {
        dataSetId: ds.id,
        partitionId: this.partitionId(ds.id, ev),
        numberOfSubpartitions: consumersOf(ev.subtaskIndex, vertex.parallelism, consumer.parallelism, ds.distributionPattern).length,
        consumerMaxParallelism: consumer.maxParallelism,
      };
    });
    const inputGates = vertex.inputs.map((edge) => {
      const producer = this.graph.vertex(edge.sourceVertexId);
      if (producer === undefined) throw new Error(`Input ${edge.dataSetId} has no producer vertex.`);
      const p = producer.jobVertex.parallelism;
      const channels = consumedPartitionsOf(ev.subtaskIndex, p, vertex.parallelism, edge.distributionPattern).map((producerIndex) => {
        const producerVertex = producer.subtasks[producerIndex] as ExecutionVertex;
        const consumers = consumersOf(producerIndex, p, vertex.parallelism, edge.distributionPattern);
        return {
          partitionId: this.partitionId(edge.dataSetId, producerVertex),
          subpartitionIndex: consumers.indexOf(ev.subtaskIndex),
          producer: producerVertex.currentExecution.location as WorkerAddress,
        };
      });
      return { dataSetId: edge.dataSetId, typeNumber: edge.typeNumber, channels };
    });
    return {
      jobId: this.jobGraph.jobId,
      jobName: this.jobGraph.jobName,
      jobType: this.jobGraph.jobType,
      vertex,
      subtaskIndex: ev.subtaskIndex,
      attemptNumber: execution.attemptNumber,
      attemptId: execution.attemptId,
      program: this.jobGraph.program,
      streamNodes: this.jobGraph.streamNodes,
      producedPartitions,
      inputGates,
      location: execution.location as WorkerAddress,
      network: this.options.network,
      ...this.checkpointingOf(ev),
    };
  }

  /** The checkpoint settings and restore of a subtask's next attempt (STREAMING jobs). */
  private checkpointingOf(ev: ExecutionVertex): Pick<TaskDeploymentDescriptor, 'checkpointing' | 'taskRestore'> {
    const coordinator = this.checkpointCoordinator;
    if (coordinator === undefined) return {};
    const settings = coordinator.settings;
    const periodic = settings.interval !== undefined;
    const checkpointing = { mode: settings.mode, periodic, finalCheckpoint: periodic && settings.checkpointsAfterTasksFinish };
    const latest = coordinator.latestForRestore();
    if (latest === undefined) return { checkpointing };
    const restore = this.restorePlan(latest, ev.jobVertex)[ev.subtaskIndex];
    return restore === undefined ? { checkpointing } : { checkpointing, taskRestore: restore };
  }

  private restorePlan(checkpoint: CompletedCheckpoint, vertex: ExecutionVertex['jobVertex']): (TaskRestore | undefined)[] {
    const key = `${checkpoint.metadata.checkpointId}/${checkpoint.directory ?? ''}/${vertex.jobVertex.id}`;
    let plan = this.restorePlans.get(key);
    if (plan === undefined) {
      plan = taskRestoreOf(checkpoint, vertex.jobVertex);
      this.restorePlans.set(key, plan);
    }
    return plan;
  }

  /** `-s <path>`: the job starts from a savepoint or retained checkpoint, checked against the job first. */
  private async restoreFromSavepoint(path: string): Promise<void> {
    const coordinator = this.requireCoordinator('savepoint restores');
    const allowNonRestored = this.jobConfiguration?.get(SAVEPOINT_IGNORE_UNCLAIMED_STATE) ?? false;
    const checkpoint = await loadSavepointForRestore(path, this.jobGraph, allowNonRestored);
    coordinator.setInitialRestore(checkpoint);
    coordinator.reportRestored(checkpoint);
    this.options.logger.info(`Starting job ${this.jobGraph.jobId} from savepoint ${checkpoint.directory ?? path} (checkpoint ${checkpoint.metadata.checkpointId}).`);
  }

  private checkpointTasks(): CheckpointTask[] {
    const tasks: CheckpointTask[] = [];
    for (const ev of this.graph.allExecutionVertices()) {
      const vertex = ev.jobVertex.jobVertex;
      tasks.push({
        attemptId: ev.currentExecution.attemptId,
        vertexId: vertex.id,
        subtaskIndex: ev.subtaskIndex,
        state: ev.currentExecution.state,
        isSource: vertex.inputs.length === 0,
        name: ev.taskNameWithSubtask,
      });
    }
    return tasks;
  }

  private triggerTaskCheckpoint(attemptId: ExecutionAttemptId, barrier: CheckpointBarrier): Promise<void> {
    const ev = this.graph.byAttempt.get(attemptId);
    const tm = ev?.currentExecution.location?.taskManagerId;
    if (tm === undefined) return Promise.reject(new Error(`Task ${attemptId} is not deployed.`));
    return this.taskExecutorById(tm).triggerCheckpoint(attemptId, barrier);
  }

  private notifyTaskCheckpoint(attemptId: ExecutionAttemptId, checkpointId: number, completed: boolean): void {
    const ev = this.graph.byAttempt.get(attemptId);
    const tm = ev?.currentExecution.location?.taskManagerId;
    if (tm === undefined || ev?.currentExecution.attemptId !== attemptId) return;
    this.taskExecutorById(tm)
      .notifyCheckpoint(attemptId, checkpointId, completed)
      .catch(() => undefined);
  }

  /** More checkpoints failed in a row than tolerated: a job failure, which the restart strategy handles. */
  private failJobForCheckpoints(error: Error): void {
    const running = [...this.graph.allExecutionVertices()].filter((ev) => !isTerminalExecutionState(ev.currentExecution.state));
    const first = running[0];
    if (first === undefined) return;
    first.currentExecution.failure = serializeError(error);
    this.transitionExecution(first, 'FAILED');
    this.cancelExecution(first);
    this.onTasksFailed([first]);
    this.checkJobCompletion();
  }

  /** The job cannot start (bad configuration, a savepoint it cannot restore): FAILED with the cause, no task deployed. */
  private failBeforeRunning(cause: SerializedThrowable): void {
    this.graph.failureCause = cause;
    this.failureHistory.unshift({ error: cause, timestamp: Date.now(), taskName: undefined, taskManagerId: undefined, location: undefined, concurrent: [] });
    this.terminate('FAILED');
  }

  private partitionId(dataSetId: string, producer: ExecutionVertex): string {
    return `${dataSetId}#${producer.subtaskIndex}@${producer.currentExecution.attemptId}`;
  }

  // ---- state ----

  private failureRecordOf(ev: ExecutionVertex): FailureRecord {
    const error = ev.currentExecution.failure ?? serializeError(new Error(`Task ${ev.taskNameWithSubtask} failed.`));
    const tm = ev.currentExecution.location?.taskManagerId;
    return {
      error,
      timestamp: Date.now(),
      taskName: ev.taskNameWithSubtask,
      taskManagerId: tm,
      location: tm === undefined ? undefined : (this.taskManagers.get(tm)?.dataAddress ?? this.taskManagers.get(tm)?.host),
      concurrent: [],
    };
  }

  /** A failure caused by the handling of an earlier one: kept with that one in the history. */
  private recordConcurrentFailure(ev: ExecutionVertex): void {
    const record = this.failureRecordOf(ev);
    const latest = this.failureHistory[0];
    if (latest === undefined) this.failureHistory.unshift(record);
    else latest.concurrent.push(record);
  }

  /**
   * New failures of running subtasks (one event: a task's exception, or every task of a lost
   * TaskManager). The restart strategy decides whether the job restarts; the failover strategy,
   * which subtasks.
   */
  private onTasksFailed(failed: readonly ExecutionVertex[]): void {
    const status = this.graph.status;
    if (status !== 'RUNNING' && status !== 'RESTARTING') {
      for (const ev of failed) this.recordConcurrentFailure(ev);
      return;
    }
    const [first, ...others] = failed.map((ev) => this.failureRecordOf(ev));
    if (first === undefined) return;
    this.checkpointCoordinator?.abortPending(`Checkpoint aborted: task ${failed[0]?.taskNameWithSubtask ?? ''} failed.`);
    for (const ev of failed) this.endedSources.delete(ev.currentExecution.attemptId);
    first.concurrent.push(...others);
    this.failureHistory.unshift(first);

    const isNewAttempt = this.restartStrategy.notifyFailure(deserializeError(first.error));
    if (!this.restartStrategy.canRestart()) {
      const suppressed = new Error(`Recovery is suppressed by ${this.restartStrategy.toString()}`, { cause: deserializeError(first.error) });
      Object.defineProperty(suppressed, 'name', { value: 'JobException' });
      this.failJob(serializeError(suppressed));
      return;
    }
    if (isNewAttempt) this.numRestarts++;
    const toRestart = new Set<ExecutionVertex>();
    for (const ev of failed) for (const r of this.failoverStrategy.getTasksNeedingRestart(ev)) toRestart.add(r);
    for (const ev of toRestart) this.pendingRestart.add(ev);
    this.cancelTasks(toRestart);
    if (status === 'RUNNING') this.transitionJob('RESTARTING');
    const delay = this.restartStrategy.getBackoffTime();
    this.options.logger.info(
      `Restarting ${toRestart.size} of the job's tasks in ${delay} ms (restart ${this.numRestarts}, ${this.restartStrategy.toString()}).`,
    );
    clearTimeout(this.restartTimer);
    this.restartDue = false;
    this.restartTimer = setTimeout(() => {
      this.restartDue = true;
      this.tryRestart();
    }, delay);
  }

  /**
   * Restarts the pending subtasks once the delay has passed, every one of them has ended
   * (cancellations acknowledged) and each has a live slot: new attempts, deployed, job RUNNING.
   * Slots lost with a TaskManager are replaced by spare slots or requested again; the job fails
   * if they do not come within `slot.request.timeout`.
   */
  private tryRestart(): void {
    if (!this.restartDue || this.graph.status !== 'RESTARTING' || this.pendingRestart.size === 0) return;
    const vertices = [...this.pendingRestart];
    if (!vertices.every((ev) => isTerminalExecutionState(ev.currentExecution.state))) return;
    if (!this.bindLogicalSlots(vertices)) {
      if (!this.awaitingSlots) {
        this.awaitingSlots = true;
        this.options.logger.info(`Waiting for slots to restart job ${this.jobGraph.jobId}: ${this.slots.length} of ${this.required} available.`);
        this.slotTimer = setTimeout(() => this.failForMissingSlots(), this.options.slotRequestTimeoutMs);
        void this.resourceManager()
          .declareRequiredResources(this.jobGraph.jobId, { address: this.address, id: this.jobMasterId }, this.required)
          .catch(() => undefined);
      }
      return;
    }
    clearTimeout(this.slotTimer);
    this.awaitingSlots = false;
    this.restartDue = false;
    this.pendingRestart.clear();
    for (const ev of vertices) {
      const old = ev.currentExecution.attemptId;
      // A restarted task reports its accumulators afresh; the failed attempt's do not count.
      this.accumulators.delete(old);
      this.metrics.delete(old);
      this.graph.resetForNewExecution(ev);
      this.transitionExecution(ev, 'SCHEDULED');
    }
    const latest = this.checkpointCoordinator?.latestForRestore();
    if (latest !== undefined && this.restoredCheckpointReported !== this.numRestarts) {
      this.restoredCheckpointReported = this.numRestarts;
      this.checkpointCoordinator?.reportRestored(latest);
      this.options.logger.info(`Restoring job ${this.jobGraph.jobId} from checkpoint ${latest.metadata.checkpointId}.`);
    }
    this.transitionJob('RUNNING');
    this.deployVertices(vertices);
  }

  /** Gives every logical slot of `vertices` a live slot, spare ones replacing lost ones; false if too few. */
  private bindLogicalSlots(vertices: readonly ExecutionVertex[]): boolean {
    const used = new Set(this.slotOfKey.values());
    const spares = this.slots.filter((slot) => !used.has(slot));
    for (const key of new Set(vertices.map(logicalSlotKey))) {
      if (this.slotOfKey.has(key)) continue;
      const spare = spares.shift();
      if (spare === undefined) return false;
      this.slotOfKey.set(key, spare);
    }
    return true;
  }

  private failJob(cause: SerializedThrowable): void {
    this.abandonRestart();
    this.checkpointCoordinator?.abortPending('Checkpoint aborted: the job is failing.');
    this.graph.failureCause = cause;
    this.transitionJob('FAILING');
    this.cancelAllTasks();
  }

  private abandonRestart(): void {
    clearTimeout(this.restartTimer);
    this.pendingRestart.clear();
    this.restartDue = false;
    this.awaitingSlots = false;
  }

  private cancelAllTasks(): void {
    this.cancelTasks(this.graph.allExecutionVertices());
  }

  private cancelTasks(vertices: Iterable<ExecutionVertex>): void {
    for (const ev of vertices) {
      const e = ev.currentExecution;
      if (isTerminalExecutionState(e.state)) continue;
      if (e.location === undefined) {
        this.transitionExecution(ev, 'CANCELED');
        continue;
      }
      this.transitionExecution(ev, 'CANCELING');
      this.cancelExecution(ev);
    }
  }

  /** Asks the TaskManager of a deployed execution to cancel it; its report of CANCELED follows. */
  private cancelExecution(ev: ExecutionVertex): void {
    const e = ev.currentExecution;
    if (e.location === undefined) return;
    this.taskExecutorById(e.location.taskManagerId)
      .cancelTask(e.attemptId)
      .catch(() => undefined);
  }

  private checkJobCompletion(): void {
    // A pending restart brings ended tasks back.
    if (this.isTerminal() || this.graph.status === 'RESTARTING') return;
    const states = [...this.graph.allExecutionVertices()].map((ev) => ev.currentExecution.state);
    if (!states.every(isTerminalExecutionState)) return;
    if (this.graph.status === 'FAILING') this.terminate('FAILED');
    else if (this.graph.status === 'CANCELLING') this.terminate('CANCELED');
    else if (states.every((s) => s === 'FINISHED')) this.terminate('FINISHED');
    else this.terminate('FAILED');
  }

  private terminate(status: 'FINISHED' | 'FAILED' | 'CANCELED'): void {
    clearTimeout(this.slotTimer);
    this.checkpointCoordinator?.shutdown(status);
    this.abandonRestart();
    this.heartbeats.close();
    this.transitionJob(status);
    const start = this.graph.statusTimestamps.INITIALIZING ?? Date.now();
    const result: JobResult = {
      jobId: this.jobGraph.jobId,
      jobName: this.jobGraph.jobName,
      status,
      netRuntime: Date.now() - start,
      accumulators: mergeAccumulators([...this.accumulators.values()].flat()),
      ...(status === 'FAILED' && this.graph.failureCause !== undefined ? { failure: this.graph.failureCause } : {}),
    };
    for (const state of this.collected.values()) this.serveCollectWaiters(state, true);
    void this.releaseSlots().finally(() => this.resolveResult(result));
  }

  private async releaseSlots(): Promise<void> {
    await this.resourceManager().declareRequiredResources(this.jobGraph.jobId, { address: this.address, id: this.jobMasterId }, 0);
    const slots = this.slots.splice(0);
    await Promise.all(
      slots.map(async (s) => {
        // A TaskManager that died meanwhile has nothing left to free; the ResourceManager learns it from its own heartbeats.
        await this.taskExecutor(s.taskManager)
          .freeSlot(s.allocationId)
          .catch(() => undefined);
        await this.resourceManager().notifySlotAvailable(s.taskManager.resourceId, s.slotIndex);
      }),
    );
  }

  private failForMissingSlots(): void {
    if ((this.deployed && !this.awaitingSlots) || this.isTerminal()) return;
    const error = new FlinkTsError(
      'ERR_NO_RESOURCE',
      `Could not acquire the minimum required resources: the job needs ${this.required} slots, ${this.slots.length} were offered within slot.request.timeout.`,
    );
    this.failJob(serializeError(error));
    this.checkJobCompletion();
  }

  private transitionJob(to: JobStatus): void {
    const from = this.graph.status;
    this.graph.status = to;
    this.graph.statusTimestamps[to] = Date.now();
    this.options.logger.info(`Job ${this.jobGraph.jobName} (${this.jobGraph.jobId}) switched from state ${from} to ${to}.`);
  }

  private transitionExecution(ev: ExecutionVertex, to: ExecutionState): void {
    const e = ev.currentExecution;
    if (e.state === to) return;
    const from = e.state;
    e.state = to;
    e.stateTimestamps[to] = Date.now();
    const detail = to === 'FAILED' && e.failure !== undefined ? ` ${e.failure.message}` : '';
    this.options.logger.info(`${ev.taskNameWithSubtask} (${e.attemptId}) switched from ${from} to ${to}.${detail}`);
  }

  private isTerminal(): boolean {
    const s = this.graph.status;
    return s === 'FINISHED' || s === 'FAILED' || s === 'CANCELED';
  }

  private collectState(operatorId: string): CollectState {
    let state = this.collected.get(operatorId);
    if (state === undefined) {
      state = { values: [], waiters: [] };
      this.collected.set(operatorId, state);
    }
    return state;
  }

  private serveCollectWaiters(state: CollectState, ended: boolean): void {
    const remaining = state.waiters.filter((w) => {
      if (ended || (w.limit !== undefined && state.values.length >= w.limit)) {
        w.resolve(state.values.slice());
        return false;
      }
      return true;
    });
    state.waiters.length = 0;
    state.waiters.push(...remaining);
  }

  private resourceManager(): ResourceManagerGateway {
    return this.options.rpc.connect<ResourceManagerGateway>(this.options.resourceManagerAddress);
  }

  private taskExecutor(location: TaskManagerLocation): TaskExecutorGateway {
    return this.options.rpc.connect<TaskExecutorGateway>(location.rpcAddress);
  }

  private taskExecutorById(resourceId: string): TaskExecutorGateway {
    const location = this.taskManagers.get(resourceId);
    if (location === undefined) throw new Error(`TaskManager ${resourceId} offered no slot to job ${this.jobGraph.jobId}.`);
    return this.taskExecutor(location);
  }

}

/** How long a REST request waits for a TaskManager's current metrics before using the last known ones. */
const METRICS_REFRESH_TIMEOUT_MS = 1000;

/** Slot sharing's logical slot of a subtask: subtask i of every vertex of a group shares slot i. */
function logicalSlotKey(ev: ExecutionVertex): string {
  return `${ev.jobVertex.jobVertex.slotSharingGroup}#${ev.subtaskIndex}`;
}

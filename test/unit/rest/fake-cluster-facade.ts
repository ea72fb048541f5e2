/**
 * A hand-written RestClusterFacade for tests: an in-memory cluster whose state tests set
 * directly, and which records what it was asked to do (submissions, cancellations, runs).
 */
import type { JobStatus } from '../../../src/api/environment/job-client.js';
import type { JobId } from '../../../src/core/ids.js';
import type { JobGraph } from '../../../src/runtime/jobgraph/job-graph.js';
import type { CheckpointConfigInfo, CheckpointStatsSnapshot } from '../../../src/runtime/checkpoint/checkpoint-stats.js';
import type {
  AccumulatorValue,
  CancelJobOutcome,
  CheckpointLookup,
  ClusterOverview,
  ClusterVersion,
  CollectRequest,
  CollectResult,
  ExecutionResultState,
  IoMetrics,
  JobArtifactUpload,
  JobDetail,
  JobExceptions,
  JobSummary,
  LogContent,
  LogFile,
  RestClusterFacade,
  RunJarOptions,
  SavepointType,
  SubtaskAttempt,
  TaskManagerDetail,
  TaskManagerSummary,
  VertexDetail,
} from '../../../src/runtime/rest/rest-cluster-facade.js';
import { aggregateExecutionState } from '../../../src/runtime/rest/rest-cluster-facade.js';

export const T0 = Date.UTC(2024, 0, 7, 16, 18, 8);

export const NO_IO: IoMetrics = {
  bytesIn: 0,
  bytesOut: 0,
  recordsIn: 0,
  recordsOut: 0,
  complete: false,
  accumulatedBackPressuredTimeMs: 0,
  accumulatedIdleTimeMs: 0,
  accumulatedBusyTimeMs: 0,
};

export interface FakeJob {
  detail: JobDetail;
  exceptions: JobExceptions;
  metrics: Record<string, number | string>;
  accumulators: AccumulatorValue[];
  result: ExecutionResultState;
  vertices: Map<string, VertexDetail>;
  /** Collected values per operator id; `collectEnded` marks the job's end for collect calls. */
  collected: Map<string, unknown[]>;
  collectEnded: boolean;
}

export function hexId(n: number): JobId {
  return n.toString(16).padStart(32, '0') as JobId;
}

/** A job with one vertex of `parallelism` subtasks, in `status`. */
export function fakeJob(
  jobId: JobId,
  options: { name?: string; status?: JobStatus; startTime?: number; endTime?: number; parallelism?: number } = {},
): FakeJob {
  const status = options.status ?? 'RUNNING';
  const startTime = options.startTime ?? T0;
  const endTime = options.endTime ?? -1;
  const parallelism = options.parallelism ?? 2;
  const vertexId = hexId(0xabc);
  const subtaskState = status === 'FINISHED' ? 'FINISHED' : status === 'CANCELED' ? 'CANCELED' : 'RUNNING';
  const subtasks: SubtaskAttempt[] = Array.from({ length: parallelism }, (_, index) => ({
    index,
    attempt: 0,
    status: subtaskState,
    endpoint: 'localhost:40000',
    taskManagerId: 'tm-1',
    startTime: startTime + 10,
    endTime: -1,
    statusTimestamps: { CREATED: startTime, SCHEDULED: startTime + 2, DEPLOYING: startTime + 5, RUNNING: startTime + 10 },
    ioMetrics: { ...NO_IO, recordsIn: 10 * (index + 1), recordsOut: 5 * (index + 1) },
    metrics: { numRecordsIn: 10 * (index + 1), numRecordsOut: 5 * (index + 1) },
  }));
  const taskCounts = { [subtaskState]: parallelism };
  const summary: JobSummary = {
    jobId,
    name: options.name ?? `job ${jobId.slice(-4)}`,
    status,
    startTime,
    endTime,
    lastModification: startTime + 10,
    taskCounts,
  };
  const vertex: VertexDetail = { id: vertexId, name: 'Source: Collection -> Map', parallelism, maxParallelism: 128, subtasks };
  return {
    detail: {
      ...summary,
      jobType: 'STREAMING',
      maxParallelism: 128,
      statusTimestamps: { INITIALIZING: startTime, CREATED: startTime + 1, RUNNING: startTime + 2 },
      isStoppable: false,
      vertices: [
        {
          id: vertexId,
          name: vertex.name,
          parallelism,
          maxParallelism: 128,
          slotSharingGroup: 'default',
          status: aggregateExecutionState(taskCounts, parallelism),
          startTime: startTime + 10,
          endTime: -1,
          taskCounts,
          metrics: { ...NO_IO, recordsIn: 30, recordsOut: 15 },
        },
      ],
      plan: { jid: jobId, name: summary.name, nodes: [{ id: 1, type: 'Source: Collection', pact: 'Data Source', contents: 'Source: Collection', parallelism }] },
    },
    exceptions: { rootCause: undefined, history: [] },
    metrics: { numRestarts: 0, uptime: 1000 },
    accumulators: [],
    result: { state: 'IN_PROGRESS' },
    vertices: new Map([[vertexId, vertex]]),
    collected: new Map(),
    collectEnded: false,
  };
}

export class FakeClusterFacade implements RestClusterFacade {
  readonly version: ClusterVersion = { version: '0.1.0', revision: 'abc1234' };
  readonly jobs = new Map<string, FakeJob>();
  taskManagers: TaskManagerDetail[] = [];
  readonly taskManagerLogs = new Map<string, Map<string, string>>();
  readonly jobManagerLogs = new Map<string, string>();
  configuration: Record<string, string> = {};
  overview: ClusterOverview | undefined;

  readonly submitted: { jobGraph: JobGraph; artifact: JobArtifactUpload }[] = [];
  readonly cancelled: string[] = [];
  readonly runs: { jarPath: string; options: RunJarOptions }[] = [];
  readonly logReads: string[] = [];
  shutdowns = 0;
  /** How many jobs `runJar` pretends the program submitted. */
  runJarJobIds: JobId[] = [hexId(0xfeed)];
  /** Called on every facade call; a test makes it throw to simulate a broken cluster. */
  onCall: (member: string) => void = () => undefined;
  /** Checkpoint statistics and configuration per job; a job without a configuration has checkpointing disabled. */
  readonly checkpointStats = new Map<string, CheckpointStatsSnapshot>();
  readonly checkpointConfigs = new Map<string, CheckpointConfigInfo>();
  readonly savepointRequests: { jobId: string; targetDirectory: string | undefined; type: SavepointType }[] = [];
  readonly checkpointRequests: string[] = [];
  readonly disposed: string[] = [];
  /** How a savepoint ends; by default it completes at once in the target (or default) directory. */
  onSavepoint!: (jobId: string, targetDirectory: string | undefined, type: SavepointType) => Promise<string>;
  onCheckpoint!: (jobId: string) => Promise<number>;
  onDispose!: (path: string) => Promise<void>;

  constructor() {
    this.resetCheckpointing();
  }

  /** Forgets checkpoint data and requests, and restores the default behaviour of savepoints, checkpoints and disposals. */
  resetCheckpointing(): void {
    this.checkpointStats.clear();
    this.checkpointConfigs.clear();
    this.savepointRequests.length = 0;
    this.checkpointRequests.length = 0;
    this.disposed.length = 0;
    this.onSavepoint = (jobId, dir) =>
      Promise.resolve(`${dir ?? this.checkpointConfigs.get(jobId)?.savepointDir ?? '/nowhere'}/savepoint-${jobId.slice(0, 6)}-0123456789ab`);
    this.onCheckpoint = () => Promise.resolve(this.checkpointRequests.length);
    this.onDispose = () => Promise.resolve();
  }
  /** How a submitted job behaves: called after it was recorded. */
  onSubmit: (job: FakeJob) => void = () => undefined;

  add(job: FakeJob): FakeJob {
    this.jobs.set(job.detail.jobId, job);
    return job;
  }

  private job(jobId: string): FakeJob | undefined {
    return this.jobs.get(jobId);
  }

  getClusterOverview(): Promise<ClusterOverview> {
    this.onCall('getClusterOverview');
    if (this.overview !== undefined) return Promise.resolve(this.overview);
    const jobsByStatus: Partial<Record<JobStatus, number>> = {};
    for (const j of this.jobs.values()) jobsByStatus[j.detail.status] = (jobsByStatus[j.detail.status] ?? 0) + 1;
    return Promise.resolve({
      taskManagers: this.taskManagers.length,
      slotsTotal: this.taskManagers.reduce((n, tm) => n + tm.slotsTotal, 0),
      slotsAvailable: this.taskManagers.reduce((n, tm) => n + tm.slotsFree, 0),
      jobsByStatus,
    });
  }

  listJobs(): Promise<readonly JobSummary[]> {
    this.onCall('listJobs');
    return Promise.resolve([...this.jobs.values()].map((j) => j.detail));
  }

  getJobDetails(jobId: JobId): Promise<JobDetail | undefined> {
    this.onCall('getJobDetails');
    return Promise.resolve(this.job(jobId)?.detail);
  }

  getJobStatus(jobId: JobId): Promise<JobStatus | undefined> {
    this.onCall('getJobStatus');
    return Promise.resolve(this.job(jobId)?.detail.status);
  }

  getJobExceptions(jobId: JobId): Promise<JobExceptions | undefined> {
    return Promise.resolve(this.job(jobId)?.exceptions);
  }

  getJobMetrics(jobId: JobId): Promise<Readonly<Record<string, number | string>> | undefined> {
    return Promise.resolve(this.job(jobId)?.metrics);
  }

  getJobAccumulators(jobId: JobId): Promise<readonly AccumulatorValue[] | undefined> {
    return Promise.resolve(this.job(jobId)?.accumulators);
  }

  getExecutionResult(jobId: JobId): Promise<ExecutionResultState | undefined> {
    this.onCall('getExecutionResult');
    return Promise.resolve(this.job(jobId)?.result);
  }

  getVertexDetails(jobId: JobId, vertexId: string): Promise<VertexDetail | undefined> {
    return Promise.resolve(this.job(jobId)?.vertices.get(vertexId));
  }

  cancelJob(jobId: JobId): Promise<CancelJobOutcome> {
    this.onCall('cancelJob');
    const job = this.job(jobId);
    if (job === undefined) return Promise.resolve({ kind: 'not-found' });
    const status = job.detail.status;
    if (status === 'FINISHED' || status === 'FAILED') return Promise.resolve({ kind: 'terminal', status });
    this.cancelled.push(jobId);
    this.finish(job, 'CANCELED');
    return Promise.resolve({ kind: 'accepted' });
  }

  submitJob(jobGraph: JobGraph, artifact: JobArtifactUpload): Promise<JobId> {
    this.onCall('submitJob');
    this.submitted.push({ jobGraph, artifact });
    const job = this.add(fakeJob(jobGraph.jobId, { name: jobGraph.jobName, startTime: Date.now() }));
    this.onSubmit(job);
    return Promise.resolve(jobGraph.jobId);
  }

  shutDownCluster(): Promise<void> {
    this.shutdowns++;
    return Promise.resolve();
  }

  collectResults(jobId: JobId, operatorId: string, request: CollectRequest): Promise<CollectResult | undefined> {
    const job = this.job(jobId);
    if (job === undefined) return Promise.resolve(undefined);
    const values = job.collected.get(operatorId) ?? [];
    return Promise.resolve({ values: values.slice(request.offset), jobEnded: job.collectEnded });
  }

  listTaskManagers(): Promise<readonly TaskManagerSummary[]> {
    return Promise.resolve(this.taskManagers);
  }

  getTaskManagerDetails(taskManagerId: string): Promise<TaskManagerDetail | undefined> {
    return Promise.resolve(this.taskManagers.find((tm) => tm.id === taskManagerId));
  }

  listTaskManagerLogs(taskManagerId: string): Promise<readonly LogFile[] | undefined> {
    if (!this.taskManagers.some((tm) => tm.id === taskManagerId)) return Promise.resolve(undefined);
    return Promise.resolve(logFiles(this.taskManagerLogs.get(taskManagerId) ?? new Map()));
  }

  readTaskManagerLog(taskManagerId: string, fileName: string): Promise<LogContent | undefined> {
    this.logReads.push(`${taskManagerId}/${fileName}`);
    return Promise.resolve(this.taskManagerLogs.get(taskManagerId)?.get(fileName));
  }

  getJobManagerConfiguration(): Promise<Readonly<Record<string, string>>> {
    return Promise.resolve(this.configuration);
  }

  listJobManagerLogs(): Promise<readonly LogFile[]> {
    return Promise.resolve(logFiles(this.jobManagerLogs));
  }

  readJobManagerLog(fileName: string): Promise<LogContent | undefined> {
    this.logReads.push(`jobmanager/${fileName}`);
    return Promise.resolve(this.jobManagerLogs.get(fileName));
  }

  runJar(jarPath: string, options: RunJarOptions): Promise<readonly JobId[]> {
    this.runs.push({ jarPath, options });
    return Promise.resolve(this.runJarJobIds);
  }

  getCheckpointStats(jobId: JobId): Promise<CheckpointLookup<CheckpointStatsSnapshot>> {
    return Promise.resolve(this.checkpointLookup(jobId, this.checkpointStats.get(jobId) ?? emptyCheckpointStats()));
  }

  getCheckpointConfig(jobId: JobId): Promise<CheckpointLookup<CheckpointConfigInfo>> {
    return Promise.resolve(this.checkpointLookup(jobId, this.checkpointConfigs.get(jobId)));
  }

  triggerSavepoint(jobId: JobId, targetDirectory: string | undefined, type: SavepointType): Promise<string> {
    this.savepointRequests.push({ jobId, targetDirectory, type });
    return this.onSavepoint(jobId, targetDirectory, type);
  }

  triggerCheckpoint(jobId: JobId): Promise<number> {
    this.checkpointRequests.push(jobId);
    return this.onCheckpoint(jobId);
  }

  disposeSavepoint(path: string): Promise<void> {
    this.disposed.push(path);
    return this.onDispose(path);
  }

  private checkpointLookup<T>(jobId: string, value: T | undefined): CheckpointLookup<T> {
    if (!this.jobs.has(jobId)) return { kind: 'not-found' };
    if (!this.checkpointConfigs.has(jobId) || value === undefined) return { kind: 'disabled' };
    return { kind: 'found', value };
  }

  /** Ends a job the way the cluster would: terminal state, end time and execution result. */
  finish(job: FakeJob, status: 'FINISHED' | 'FAILED' | 'CANCELED', extra: Partial<Extract<ExecutionResultState, { state: 'COMPLETED' }>> = {}): void {
    const end = job.detail.startTime + 1234;
    const taskState = status === 'FINISHED' ? 'FINISHED' : status === 'FAILED' ? 'FAILED' : 'CANCELED';
    const parallelism = Object.values(job.detail.taskCounts).reduce((a, b) => a + b, 0);
    job.detail = { ...job.detail, status, endTime: end, taskCounts: { [taskState]: parallelism } };
    job.result = { state: 'COMPLETED', status, netRuntime: 1234, accumulators: {}, ...extra };
    job.collectEnded = true;
  }
}

function logFiles(files: ReadonlyMap<string, string>): LogFile[] {
  return [...files.entries()].map(([name, text]) => ({ name, size: Buffer.byteLength(text), mtime: T0 }));
}

export function fakeTaskManager(id: string, options: Partial<TaskManagerDetail> = {}): TaskManagerDetail {
  return {
    id,
    rpcAddress: `localhost:6122/taskmanager_${id}`,
    dataPort: 40000,
    lastHeartbeat: T0,
    slotsTotal: 2,
    slotsFree: 1,
    hardware: { cpuCores: 8, physicalMemory: 16 * 1024 ** 3, freeMemory: 1024 ** 3, managedMemory: 512 * 1024 ** 2 },
    allocatedSlots: [{ jobId: hexId(1), slotIndex: 0 }],
    metrics: { heapUsed: 100, heapMax: 1000 },
    ...options,
  };
}

export function emptyCheckpointStats(): CheckpointStatsSnapshot {
  return {
    counts: { restored: 0, total: 0, inProgress: 0, completed: 0, failed: 0 },
    latestCompleted: undefined,
    latestSavepoint: undefined,
    latestFailed: undefined,
    latestRestored: undefined,
    history: [],
  };
}

/** A checkpoint configuration with Flink's defaults and periodic checkpoints every 10 s. */
export function fakeCheckpointConfig(options: Partial<CheckpointConfigInfo> = {}): CheckpointConfigInfo {
  return {
    mode: 'EXACTLY_ONCE',
    interval: 10_000,
    timeout: 600_000,
    minPause: 0,
    maxConcurrent: 1,
    tolerableFailedCheckpoints: 0,
    externalizedRetention: 'NO_EXTERNALIZED_CHECKPOINTS',
    stateBackend: 'HashMapStateBackend',
    checkpointStorage: 'filesystem',
    checkpointDir: '/tmp/checkpoints',
    savepointDir: '/tmp/savepoints',
    unalignedCheckpoints: false,
    checkpointsAfterTasksFinish: true,
    ...options,
  };
}

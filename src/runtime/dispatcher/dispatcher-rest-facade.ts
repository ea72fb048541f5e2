import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { JobId } from '../../core/ids.js';
import type { JobStatus } from '../../api/environment/job-client.js';
import type { Configuration } from '../../config/index.js';
import type { ExecutionState } from '../executiongraph/execution-state.js';
import type { ExecutionJobVertex, ExecutionVertex } from '../executiongraph/execution-graph.js';
import type { JobGraph } from '../jobgraph/job-graph.js';
import type { FailureRecord, JobMaster } from '../jobmaster/job-master.js';
import type { CheckpointConfigInfo, CheckpointStatsSnapshot } from '../checkpoint/checkpoint-stats.js';
import type { ResourceManagerGateway, TaskManagerInfo } from '../../resourcemanager/resource-manager-gateway.js';
import type { RpcService } from '../rpc/rpc-service.js';
import type { TaskExecutorGateway } from '../taskexecutor/task-executor-gateway.js';
import type { TaskMetricsSnapshot } from '../worker/task-metrics.js';
import type { BlobServer } from '../blob/blob-server.js';
import type { Dispatcher } from './dispatcher.js';
import type {
  AccumulatorValue,
  CancelJobOutcome,
  CheckpointLookup,
  ClusterOverview,
  ClusterVersion,
  CollectRequest,
  CollectResult,
  ExceptionEntry,
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
  TaskCounts,
  TaskManagerDetail,
  TaskManagerSummary,
  VertexDetail,
  VertexSummary,
} from '../rest/rest-cluster-facade.js';
import { aggregateExecutionState } from '../rest/rest-cluster-facade.js';
import { RestHandlerError } from '../rest/rest-errors.js';
import { CLUSTER_SECRET } from '../../config/index.js';
import { sha256Hex } from '../blob/blob-server.js';
import { isTerminalExecutionState } from '../executiongraph/execution-state.js';

/** Runs an uploaded job file in the JobManager (`POST /jars/:jarid/run`); provided by the entrypoint. */
export type JarRunner = (jarPath: string, options: RunJarOptions) => Promise<readonly JobId[]>;

export interface DispatcherRestFacadeOptions {
  readonly dispatcher: Dispatcher;
  readonly resourceManager: ResourceManagerGateway;
  readonly rpc: RpcService;
  readonly blobServer: BlobServer;
  readonly configuration: Configuration;
  readonly version: ClusterVersion;
  /** Where the JobManager writes its logs (`env.log.dir`). */
  readonly logDir: string | undefined;
  readonly shutDownCluster: () => Promise<void>;
  readonly runJar?: JarRunner;
}

const NO_METRICS: IoMetrics = {
  bytesIn: 0,
  bytesOut: 0,
  recordsIn: 0,
  recordsOut: 0,
  complete: false,
  accumulatedBackPressuredTimeMs: 0,
  accumulatedIdleTimeMs: 0,
  accumulatedBusyTimeMs: 0,
};

/**
 * The REST API's view of a JobManager process: answers from the Dispatcher's JobMasters (jobs,
 * vertices, subtasks, metrics from the TaskManagers' heartbeats), from the ResourceManager
 * (TaskManagers, slots) and from the files this process writes (logs).
 */
export class DispatcherRestFacade implements RestClusterFacade {
  readonly version: ClusterVersion;

  constructor(private readonly options: DispatcherRestFacadeOptions) {
    this.version = options.version;
  }

  async getClusterOverview(): Promise<ClusterOverview> {
    const counts = await this.options.resourceManager.requestSlotCounts();
    const jobsByStatus: Partial<Record<JobStatus, number>> = {};
    for (const jm of this.options.dispatcher.allJobMasters()) jobsByStatus[jm.status] = (jobsByStatus[jm.status] ?? 0) + 1;
    return { taskManagers: counts.taskManagers, slotsTotal: counts.total, slotsAvailable: counts.free, jobsByStatus };
  }

  listJobs(): Promise<readonly JobSummary[]> {
    return Promise.resolve(this.options.dispatcher.allJobMasters().map((jm) => summary(jm)));
  }

  async getJobDetails(jobId: JobId): Promise<JobDetail | undefined> {
    const jm = this.options.dispatcher.getJobMaster(jobId);
    if (jm === undefined) return undefined;
    await jm.refreshMetrics();
    return {
      ...summary(jm),
      jobType: jm.jobGraph.jobType,
      maxParallelism: Math.max(...jm.jobGraph.vertices.map((v) => v.maxParallelism)),
      statusTimestamps: { ...jm.graph.statusTimestamps },
      // Every STREAMING job can be stopped with a savepoint (`flink-ts stop`).
      isStoppable: jm.checkpointCoordinator !== undefined,
      vertices: jm.graph.vertices.map((v) => vertexSummary(jm, v)),
      plan: jm.jobGraph.plan,
    };
  }

  getJobStatus(jobId: JobId): Promise<JobStatus | undefined> {
    return Promise.resolve(this.options.dispatcher.getJobMaster(jobId)?.status);
  }

  getJobExceptions(jobId: JobId): Promise<JobExceptions | undefined> {
    const jm = this.options.dispatcher.getJobMaster(jobId);
    if (jm === undefined) return Promise.resolve(undefined);
    const history = jm.failureHistory.map(toExceptionEntry);
    return Promise.resolve({ rootCause: history[0], history });
  }

  getJobMetrics(jobId: JobId): Promise<Readonly<Record<string, number | string>> | undefined> {
    const jm = this.options.dispatcher.getJobMaster(jobId);
    if (jm === undefined) return Promise.resolve(undefined);
    const now = Date.now();
    const start = jm.graph.statusTimestamps.RUNNING;
    return Promise.resolve({
      numRestarts: jm.numRestarts,
      uptime: start === undefined || jm.isGloballyTerminal() || jm.status !== 'RUNNING' ? 0 : now - start,
      // Flink's downtime: how long the job has been restarting (or failing) so far.
      downtime: jm.status === 'RESTARTING' ? now - (jm.graph.statusTimestamps.RESTARTING ?? now) : 0,
      fullRestarts: jm.numRestarts,
      ...(jm.checkpointCoordinator === undefined ? {} : checkpointMetrics(jm.checkpointStats())),
    });
  }

  getJobAccumulators(jobId: JobId): Promise<readonly AccumulatorValue[] | undefined> {
    const jm = this.options.dispatcher.getJobMaster(jobId);
    if (jm === undefined) return Promise.resolve(undefined);
    return Promise.resolve(Object.entries(jm.currentAccumulators()).map(([name, value]) => ({ name, type: 'Counter', value })));
  }

  async getExecutionResult(jobId: JobId): Promise<ExecutionResultState | undefined> {
    const jm = this.options.dispatcher.getJobMaster(jobId);
    if (jm === undefined) return undefined;
    if (!jm.isGloballyTerminal()) return { state: 'IN_PROGRESS' };
    const result = await jm.result;
    return {
      state: 'COMPLETED',
      status: result.status,
      netRuntime: result.netRuntime,
      accumulators: result.accumulators,
      ...(result.failure === undefined ? {} : { failure: result.failure }),
    };
  }

  async getVertexDetails(jobId: JobId, vertexId: string): Promise<VertexDetail | undefined> {
    const jm = this.options.dispatcher.getJobMaster(jobId);
    const vertex = jm?.graph.vertex(vertexId);
    if (jm === undefined || vertex === undefined) return undefined;
    await jm.refreshMetrics();
    const v = vertex.jobVertex;
    return {
      id: v.id,
      name: v.name,
      parallelism: v.parallelism,
      maxParallelism: v.maxParallelism,
      subtasks: vertex.subtasks.map((ev) => subtaskAttempt(jm, ev)),
    };
  }

  async cancelJob(jobId: JobId): Promise<CancelJobOutcome> {
    const jm = this.options.dispatcher.getJobMaster(jobId);
    if (jm === undefined) return { kind: 'not-found' };
    if (jm.status === 'FINISHED' || jm.status === 'FAILED') return { kind: 'terminal', status: jm.status };
    await this.options.dispatcher.cancelJob(jobId);
    return { kind: 'accepted' };
  }

  async submitJob(jobGraph: JobGraph, artifact: JobArtifactUpload): Promise<JobId> {
    if (this.options.dispatcher.getJobMaster(jobGraph.jobId) !== undefined) {
      throw new RestHandlerError(409, `Job ${jobGraph.jobId} has already been submitted.`);
    }
    const hash = sha256Hex(artifact.bytes);
    if (hash !== jobGraph.program.artifactHash) {
      throw new RestHandlerError(
        400,
        `The uploaded artifact '${artifact.fileName}' does not match the JobGraph: its sha256 is ${hash}, the JobGraph expects ${jobGraph.program.artifactHash}.`,
      );
    }
    this.options.blobServer.put(artifact.bytes);
    const stored: JobGraph = { ...jobGraph, program: { ...jobGraph.program, artifactPath: this.options.blobServer.pathOf(hash) } };
    return this.options.dispatcher.submitJob(stored);
  }

  shutDownCluster(): Promise<void> {
    return this.options.shutDownCluster();
  }

  collectResults(jobId: JobId, operatorId: string, request: CollectRequest): Promise<CollectResult | undefined> {
    const jm = this.options.dispatcher.getJobMaster(jobId);
    if (jm === undefined) return Promise.resolve(undefined);
    // Read the end first: values delivered before the job ended are all there once it has.
    const ended = jm.isGloballyTerminal();
    return Promise.resolve({ values: jm.collectedSince(operatorId, request.offset), jobEnded: ended });
  }

  async listTaskManagers(): Promise<readonly TaskManagerSummary[]> {
    return (await this.options.resourceManager.requestTaskManagerInfos()).map(toTaskManagerSummary);
  }

  async getTaskManagerDetails(taskManagerId: string): Promise<TaskManagerDetail | undefined> {
    const info = (await this.options.resourceManager.requestTaskManagerInfos()).find((tm) => tm.location.resourceId === taskManagerId);
    if (info === undefined) return undefined;
    return { ...toTaskManagerSummary(info), allocatedSlots: info.allocatedSlots, metrics: {} };
  }

  async listTaskManagerLogs(taskManagerId: string): Promise<readonly LogFile[] | undefined> {
    const gateway = await this.taskExecutor(taskManagerId);
    return gateway === undefined ? undefined : gateway.requestLogList();
  }

  async readTaskManagerLog(taskManagerId: string, fileName: string): Promise<LogContent | undefined> {
    const gateway = await this.taskExecutor(taskManagerId);
    if (gateway === undefined) return undefined;
    const listed = await gateway.requestLogList();
    if (!listed.some((f) => f.name === fileName)) return undefined;
    return gateway.requestLogFile(fileName);
  }

  getJobManagerConfiguration(): Promise<Readonly<Record<string, string>>> {
    const map = this.options.configuration.toMap({ includeDefaults: true });
    if (CLUSTER_SECRET.key in map) map[CLUSTER_SECRET.key] = '******';
    for (const key of Object.keys(map)) if (/secret|password/i.test(key)) map[key] = '******';
    return Promise.resolve(map);
  }

  listJobManagerLogs(): Promise<readonly LogFile[]> {
    const dir = this.options.logDir;
    if (dir === undefined) return Promise.resolve([]);
    try {
      return Promise.resolve(
        readdirSync(dir)
          .filter((name) => name.includes('standalonesession'))
          .map((name) => {
            const s = statSync(join(dir, name));
            return { name, size: s.size, mtime: s.mtimeMs };
          }),
      );
    } catch {
      return Promise.resolve([]);
    }
  }

  async readJobManagerLog(fileName: string): Promise<LogContent | undefined> {
    const dir = this.options.logDir;
    if (dir === undefined || basename(fileName) !== fileName) return undefined;
    const listed = await this.listJobManagerLogs();
    if (!listed.some((f) => f.name === fileName)) return undefined;
    return readFileSync(join(dir, fileName));
  }

  runJar(jarPath: string, options: RunJarOptions): Promise<readonly JobId[]> {
    const runner = this.options.runJar;
    if (runner === undefined) return Promise.reject(new RestHandlerError(501, 'Running uploaded job files is not available on this JobManager.'));
    return runner(jarPath, options);
  }

  getCheckpointStats(jobId: JobId): Promise<CheckpointLookup<CheckpointStatsSnapshot>> {
    const jm = this.options.dispatcher.getJobMaster(jobId);
    if (jm === undefined) return Promise.resolve({ kind: 'not-found' });
    // Without a checkpoint configuration the job has no checkpointing at all, so no statistics
    // either (Flink: no CheckpointCoordinator, no CheckpointStatsTracker).
    if (jm.checkpointConfig() === undefined) return Promise.resolve({ kind: 'disabled' });
    return Promise.resolve({ kind: 'found', value: jm.checkpointStats() });
  }

  getCheckpointConfig(jobId: JobId): Promise<CheckpointLookup<CheckpointConfigInfo>> {
    const jm = this.options.dispatcher.getJobMaster(jobId);
    if (jm === undefined) return Promise.resolve({ kind: 'not-found' });
    const config = jm.checkpointConfig();
    return Promise.resolve(config === undefined ? { kind: 'disabled' } : { kind: 'found', value: config });
  }

  triggerSavepoint(jobId: JobId, targetDirectory: string | undefined, type: SavepointType): Promise<string> {
    const jm = this.options.dispatcher.getJobMaster(jobId);
    if (jm === undefined) return Promise.reject(new Error(`Job ${jobId} not found.`));
    return jm.triggerSavepoint(targetDirectory, type);
  }

  triggerCheckpoint(jobId: JobId): Promise<number> {
    const jm = this.options.dispatcher.getJobMaster(jobId);
    if (jm === undefined) return Promise.reject(new Error(`Job ${jobId} not found.`));
    return jm.triggerCheckpoint();
  }

  disposeSavepoint(path: string): Promise<void> {
    return this.options.dispatcher.disposeSavepoint(path);
  }

  private async taskExecutor(taskManagerId: string): Promise<TaskExecutorGateway | undefined> {
    const infos = await this.options.resourceManager.requestTaskManagerInfos();
    const info = infos.find((tm) => tm.location.resourceId === taskManagerId);
    return info === undefined ? undefined : this.options.rpc.connect<TaskExecutorGateway>(info.location.rpcAddress);
  }
}

function summary(jm: JobMaster): JobSummary {
  const counts = taskCounts([...jm.graph.allExecutionVertices()]);
  const ts = jm.graph.statusTimestamps;
  let lastModification = Math.max(...Object.values(ts).filter((t): t is number => t !== undefined));
  for (const ev of jm.graph.allExecutionVertices()) {
    for (const t of Object.values(ev.currentExecution.stateTimestamps)) if (t !== undefined && t > lastModification) lastModification = t;
  }
  return {
    jobId: jm.jobGraph.jobId,
    name: jm.jobGraph.jobName,
    status: jm.status,
    startTime: ts.INITIALIZING ?? -1,
    endTime: jm.isGloballyTerminal() ? (ts[jm.status] ?? -1) : -1,
    lastModification,
    taskCounts: counts,
  };
}

function taskCounts(vertices: Iterable<ExecutionVertex>): TaskCounts {
  const counts: Partial<Record<ExecutionState, number>> = {};
  for (const ev of vertices) counts[ev.currentExecution.state] = (counts[ev.currentExecution.state] ?? 0) + 1;
  return counts;
}

function vertexSummary(jm: JobMaster, vertex: ExecutionJobVertex): VertexSummary {
  const v = vertex.jobVertex;
  const counts = taskCounts(vertex.subtasks);
  const starts = vertex.subtasks.map((ev) => ev.currentExecution.stateTimestamps.DEPLOYING).filter((t): t is number => t !== undefined);
  const allEnded = vertex.subtasks.every((ev) => isTerminalExecutionState(ev.currentExecution.state));
  const ends = vertex.subtasks.map((ev) => endTime(ev)).filter((t) => t > 0);
  return {
    id: v.id,
    name: v.name,
    parallelism: v.parallelism,
    maxParallelism: v.maxParallelism,
    slotSharingGroup: v.slotSharingGroup,
    status: aggregateExecutionState(counts, v.parallelism),
    startTime: starts.length === 0 ? -1 : Math.min(...starts),
    endTime: allEnded && ends.length > 0 ? Math.max(...ends) : -1,
    taskCounts: counts,
    metrics: sumMetrics(vertex.subtasks.map((ev) => ioMetrics(jm.taskMetrics(ev.currentExecution.attemptId), ev))),
  };
}

function subtaskAttempt(jm: JobMaster, ev: ExecutionVertex): SubtaskAttempt {
  const e = ev.currentExecution;
  const snapshot = jm.taskMetrics(e.attemptId);
  const tm = e.location?.taskManagerId;
  const location = tm === undefined ? undefined : jm.taskManagerLocation(tm);
  return {
    index: ev.subtaskIndex,
    attempt: e.attemptNumber,
    status: e.state,
    endpoint: location?.dataAddress ?? location?.host,
    taskManagerId: tm,
    startTime: e.stateTimestamps.DEPLOYING ?? -1,
    endTime: endTime(ev),
    statusTimestamps: { ...e.stateTimestamps },
    ioMetrics: ioMetrics(snapshot, ev),
    metrics: e.state === 'RUNNING' && snapshot !== undefined ? namedMetrics(snapshot) : {},
  };
}

function endTime(ev: ExecutionVertex): number {
  const ts = ev.currentExecution.stateTimestamps;
  return ts.FINISHED ?? ts.CANCELED ?? ts.FAILED ?? -1;
}

function ioMetrics(snapshot: TaskMetricsSnapshot | undefined, ev: ExecutionVertex): IoMetrics {
  if (snapshot === undefined) return NO_METRICS;
  return {
    bytesIn: snapshot.numBytesIn,
    bytesOut: snapshot.numBytesOut,
    recordsIn: snapshot.numRecordsIn,
    recordsOut: snapshot.numRecordsOut,
    complete: isTerminalExecutionState(ev.currentExecution.state),
    accumulatedBackPressuredTimeMs: snapshot.accumulatedBackPressuredTime,
    accumulatedIdleTimeMs: snapshot.accumulatedIdleTime,
    accumulatedBusyTimeMs: snapshot.accumulatedBusyTime,
  };
}

function sumMetrics(list: IoMetrics[]): IoMetrics {
  return list.reduce(
    (a, b) => ({
      bytesIn: a.bytesIn + b.bytesIn,
      bytesOut: a.bytesOut + b.bytesOut,
      recordsIn: a.recordsIn + b.recordsIn,
      recordsOut: a.recordsOut + b.recordsOut,
      complete: a.complete && b.complete,
      accumulatedBackPressuredTimeMs: a.accumulatedBackPressuredTimeMs + b.accumulatedBackPressuredTimeMs,
      accumulatedIdleTimeMs: a.accumulatedIdleTimeMs + b.accumulatedIdleTimeMs,
      accumulatedBusyTimeMs: a.accumulatedBusyTimeMs + b.accumulatedBusyTimeMs,
    }),
    { ...NO_METRICS, complete: true },
  );
}

function namedMetrics(m: TaskMetricsSnapshot): Record<string, number> {
  return {
    numRecordsIn: m.numRecordsIn,
    numRecordsOut: m.numRecordsOut,
    numBytesIn: m.numBytesIn,
    numBytesOut: m.numBytesOut,
    busyTimeMsPerSecond: m.busyTimeMsPerSecond,
    idleTimeMsPerSecond: m.idleTimeMsPerSecond,
    backPressuredTimeMsPerSecond: m.backPressuredTimeMsPerSecond,
    accumulatedBusyTime: m.accumulatedBusyTime,
    accumulatedIdleTime: m.accumulatedIdleTime,
    accumulatedBackPressuredTime: m.accumulatedBackPressuredTime,
    currentInputWatermark: m.currentInputWatermark,
    currentOutputWatermark: m.currentOutputWatermark,
  };
}

function toExceptionEntry(record: FailureRecord): ExceptionEntry {
  return {
    exceptionName: record.error.class,
    stacktrace: record.error.stack,
    timestamp: record.timestamp,
    taskName: record.taskName,
    location: record.location,
    taskManagerId: record.taskManagerId,
    failureLabels: {},
    concurrentExceptions: record.concurrent.map(toExceptionEntry),
  };
}

function toTaskManagerSummary(info: TaskManagerInfo): TaskManagerSummary {
  const dataPort = Number(info.location.dataAddress?.split(':').pop() ?? 0);
  return {
    id: info.location.resourceId,
    rpcAddress: info.location.rpcAddress,
    dataPort: Number.isFinite(dataPort) ? dataPort : 0,
    lastHeartbeat: info.lastHeartbeat,
    slotsTotal: info.numberOfSlots,
    slotsFree: info.freeSlots,
    hardware: {
      cpuCores: info.hardware.cpuCores,
      physicalMemory: info.hardware.physicalMemory,
      freeMemory: info.memoryBytes,
      managedMemory: 0,
    },
  };
}

/** Flink's checkpointing job metrics (`numberOfCompletedCheckpoints`, `lastCheckpointDuration`, …); -1 where nothing happened yet. */
function checkpointMetrics(stats: CheckpointStatsSnapshot): Record<string, number | string> {
  const latest = stats.latestCompleted;
  return {
    numberOfCompletedCheckpoints: stats.counts.completed,
    numberOfFailedCheckpoints: stats.counts.failed,
    numberOfInProgressCheckpoints: stats.counts.inProgress,
    totalNumberOfCheckpoints: stats.counts.total,
    lastCheckpointDuration: latest?.endToEndDuration ?? -1,
    lastCheckpointSize: latest?.stateSize ?? -1,
    lastCompletedCheckpointId: latest?.id ?? -1,
    lastCheckpointExternalPath: latest?.externalPath ?? 'n/a',
    lastCheckpointRestoreTimestamp: stats.latestRestored?.restoreTimestamp ?? -1,
  };
}

/**
 * What the REST server needs from the cluster, as plain domain data. The handlers turn it into
 * Flink's JSON (field names, units, defaults); the facade only answers questions about the
 * cluster. It is implemented on the Dispatcher, the JobMasters and the ResourceManager of a
 * JobManager process, and by hand-written doubles in tests.
 *
 * Conventions of every member:
 * - Times are epoch milliseconds; `-1` stands for "not yet" (an end time of a running job).
 * - A member that looks something up by id resolves `undefined` when the id is unknown; the
 *   handler answers 404 with its own message.
 * - A member may reject with a `RestHandlerError` (rest-errors.ts) to choose the status and message of the
 *   response (e.g. 409 for a duplicate submission, 503 while the leader is not known). Any other
 *   rejection is an internal error: the client gets 500 with a generic message and the stack is
 *   logged.
 */
import type { Readable } from 'node:stream';
import type { JobStatus } from '../../api/environment/job-client.js';
import type { SerializedThrowable } from '../../core/errors.js';
import type { JobId } from '../../core/ids.js';
import type { CheckpointType } from '../checkpoint/checkpoint-options.js';
import type { CheckpointConfigInfo, CheckpointStatsSnapshot } from '../checkpoint/checkpoint-stats.js';
import type { ExecutionState } from '../executiongraph/execution-state.js';
import type { JobGraph } from '../jobgraph/job-graph.js';

/** The facade of one cluster; see the module comment for the conventions of every member. */
export interface RestClusterFacade {
  /** The version the cluster reports in `/config` and `/overview` (`flink-version`, `flink-commit`). */
  readonly version: ClusterVersion;

  /** TaskManagers, slots and jobs per state (`GET /overview`). */
  getClusterOverview(): Promise<ClusterOverview>;

  /**
   * Every job the cluster knows: running ones and finished ones it still keeps (`GET /jobs`,
   * `GET /jobs/overview`, `flink-ts list`). Order does not matter; the handlers sort.
   */
  listJobs(): Promise<readonly JobSummary[]>;

  /** A job with its vertices and plan (`GET /jobs/:jobid`, `GET /jobs/:jobid/plan`). */
  getJobDetails(jobId: JobId): Promise<JobDetail | undefined>;

  /**
   * The job's current status (`GET /jobs/:jobid/status`). Cheap: clients poll it, and the
   * handlers use it to tell an unknown job from an unknown vertex.
   */
  getJobStatus(jobId: JobId): Promise<JobStatus | undefined>;

  /** The job's root cause and failure history, newest first (`GET /jobs/:jobid/exceptions`). */
  getJobExceptions(jobId: JobId): Promise<JobExceptions | undefined>;

  /**
   * The job's metrics by name, e.g. `numRestarts`, `uptime`, `downtime`, `fullRestarts`
   * (`GET /jobs/:jobid/metrics`). Values are numbers or strings, as Flink's gauges.
   */
  getJobMetrics(jobId: JobId): Promise<Readonly<Record<string, number | string>> | undefined>;

  /** The job's user accumulators, merged over its subtasks (`GET /jobs/:jobid/accumulators`). */
  getJobAccumulators(jobId: JobId): Promise<readonly AccumulatorValue[] | undefined>;

  /**
   * How the job ended, or that it has not yet (`GET /jobs/:jobid/execution-result`, polled by
   * attached clients). Must stay available after the job ended for as long as the cluster keeps
   * the job (`jobstore.expiration-time`).
   */
  getExecutionResult(jobId: JobId): Promise<ExecutionResultState | undefined>;

  /**
   * One vertex with its subtasks' current attempts (`GET /jobs/:jobid/vertices/:vertexid` and
   * its `subtasks/metrics` and `backpressure`). `undefined` when the job or the vertex is unknown.
   */
  getVertexDetails(jobId: JobId, vertexId: string): Promise<VertexDetail | undefined>;

  /**
   * Cancels a job (`PATCH /jobs/:jobid?mode=cancel`). Resolves once cancellation has started,
   * not when the job is CANCELED. Cancelling a job that is already CANCELLING or CANCELED is
   * `accepted` (Flink's behaviour: cancel is idempotent).
   */
  cancelJob(jobId: JobId): Promise<CancelJobOutcome>;

  /**
   * Submits a job (`POST /jobs`). The handler has checked that the JobGraph is well-formed and
   * that the artifact's sha256 equals `jobGraph.program.artifactHash`.
   * `jobGraph.program.artifactPath` is the *client's* path: the implementation stores
   * `artifact.bytes` where TaskManagers can load them and rewrites the path before running the job.
   * Resolves with the job id once the Dispatcher accepted the job.
   * @throws RestHandlerError 409 when a job with this id was already submitted.
   */
  submitJob(jobGraph: JobGraph, artifact: JobArtifactUpload): Promise<JobId>;

  /**
   * Shuts the cluster down (`DELETE /cluster`). Resolves once the shutdown has been initiated,
   * so that the response still reaches the client; the REST server is closed by the shutdown.
   */
  shutDownCluster(): Promise<void>;

  /**
   * Records a collect sink gathered (`POST /jobs/:jobid/coordinators/:operatorid`), from
   * `request.offset` on. The client polls with a growing offset until it has `limit` values or
   * `jobEnded` is true. May wait briefly (well under a second) for new values before answering,
   * to save round trips; must not wait longer. `undefined` when the job is unknown. An operator
   * that has not produced anything yet answers no values (it may simply not have started).
   */
  collectResults(jobId: JobId, operatorId: string, request: CollectRequest): Promise<CollectResult | undefined>;

  /** Every registered TaskManager (`GET /taskmanagers`). */
  listTaskManagers(): Promise<readonly TaskManagerSummary[]>;

  /** One TaskManager with its allocated slots and metrics (`GET /taskmanagers/:taskmanagerid`). */
  getTaskManagerDetails(taskManagerId: string): Promise<TaskManagerDetail | undefined>;

  /** The log files of a TaskManager (`GET /taskmanagers/:taskmanagerid/logs`). */
  listTaskManagerLogs(taskManagerId: string): Promise<readonly LogFile[] | undefined>;

  /**
   * The content of one log file of a TaskManager. The handler only asks for names that
   * {@link listTaskManagerLogs} listed, and never for names with `/` or `..`.
   */
  readTaskManagerLog(taskManagerId: string, fileName: string): Promise<LogContent | undefined>;

  /**
   * The JobManager's effective configuration as flat `key → value` text (`GET /jobmanager/config`).
   * The handler masks sensitive values (passwords, secrets, tokens) as `******` itself.
   */
  getJobManagerConfiguration(): Promise<Readonly<Record<string, string>>>;

  /** The JobManager's log files (`GET /jobmanager/logs`). */
  listJobManagerLogs(): Promise<readonly LogFile[]>;

  /** The content of one JobManager log file; same guarantees as {@link readTaskManagerLog}. */
  readJobManagerLog(fileName: string): Promise<LogContent | undefined>;

  /**
   * Runs an uploaded job file (`POST /jars/:jarid/run`): bundles it unless it is already an
   * artifact, runs its program with a client context and submits every `execute()` to this
   * cluster, detached. Resolves with the ids of the submitted jobs, in submission order.
   * @throws RestHandlerError 400 when the program fails or submits no job ("Could not execute
   *   application: ..."), as Flink answers for a failing `main()`.
   */
  runJar(jarPath: string, options: RunJarOptions): Promise<readonly JobId[]>;

  /**
   * The job's checkpoint statistics (`GET /jobs/:jobid/checkpoints` and its `details`):
   * `disabled` when the job has no checkpointing at all (Flink's batch jobs), which Flink answers
   * with 404.
   */
  getCheckpointStats(jobId: JobId): Promise<CheckpointLookup<CheckpointStatsSnapshot>>;

  /** The job's checkpointing configuration (`GET /jobs/:jobid/checkpoints/config`). */
  getCheckpointConfig(jobId: JobId): Promise<CheckpointLookup<CheckpointConfigInfo>>;

  /**
   * Takes a savepoint of a job (`POST /jobs/:jobid/savepoints`, and `POST /jobs/:jobid/stop` with
   * `SAVEPOINT_SUSPEND` or `SAVEPOINT_TERMINATE`, after which the job ends FINISHED by itself).
   * Resolves with the savepoint's path once it completed; rejects with an Error whose message says
   * why it could not be taken (unknown job, job not running, a task declined, no directory). The
   * handlers keep the outcome for the client to poll; this call may take as long as the savepoint.
   */
  triggerSavepoint(jobId: JobId, targetDirectory: string | undefined, type: SavepointType): Promise<string>;

  /**
   * Takes a checkpoint of a job now (`POST /jobs/:jobid/checkpoints`). Resolves with the
   * completed checkpoint's id; rejects like {@link triggerSavepoint}.
   */
  triggerCheckpoint(jobId: JobId): Promise<number>;

  /**
   * Deletes a savepoint's files (`POST /savepoint-disposal`). Rejects with an Error saying why
   * (not a savepoint, no such path, not readable).
   */
  disposeSavepoint(path: string): Promise<void>;
}

/** The savepoint kinds a client can ask for (stop-with-savepoint's two, and the plain one). */
export type SavepointType = Exclude<CheckpointType, 'CHECKPOINT'>;

/** A per-job checkpointing lookup: unknown job, checkpointing not enabled, or the answer. */
export type CheckpointLookup<T> = { readonly kind: 'not-found' } | { readonly kind: 'disabled' } | { readonly kind: 'found'; readonly value: T };

/** `flink-version` and `flink-commit`. */
export interface ClusterVersion {
  readonly version: string;
  /** Commit id of the build, or a placeholder such as `unknown`. */
  readonly revision: string;
}

export interface ClusterOverview {
  readonly taskManagers: number;
  readonly slotsTotal: number;
  readonly slotsAvailable: number;
  /** How many jobs are in each state; absent states count 0. */
  readonly jobsByStatus: Readonly<Partial<Record<JobStatus, number>>>;
}

/** How many subtasks are in each execution state; absent states count 0. */
export type TaskCounts = Readonly<Partial<Record<ExecutionState, number>>>;

/** A job as listings show it. */
export interface JobSummary {
  readonly jobId: JobId;
  readonly name: string;
  readonly status: JobStatus;
  /** When the Dispatcher received the job (its INITIALIZING timestamp). */
  readonly startTime: number;
  /** When it reached a globally terminal state; -1 before. */
  readonly endTime: number;
  /** When the job last changed state or one of its tasks did. */
  readonly lastModification: number;
  /** The current attempt of every subtask, counted by state. */
  readonly taskCounts: TaskCounts;
}

export interface JobDetail extends JobSummary {
  readonly jobType: 'STREAMING' | 'BATCH';
  /** The largest max parallelism of its vertices (Flink reports the job-level value). */
  readonly maxParallelism: number;
  /** When the job entered each state it went through. */
  readonly statusTimestamps: Readonly<Partial<Record<JobStatus, number>>>;
  /** Whether the job can be stopped with a savepoint: STREAMING jobs can, BATCH jobs cannot. */
  readonly isStoppable: boolean;
  /** In topological order (the JobGraph's). */
  readonly vertices: readonly VertexSummary[];
  /** The plan JSON the JobGraph carries (`JobGraph.plan`), served as is. */
  readonly plan: unknown;
}

/** I/O counters of a subtask, or their sum over a vertex. Flink's IOMetricsInfo. */
export interface IoMetrics {
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly recordsIn: number;
  readonly recordsOut: number;
  /** Whether the counters are final and complete (false while they are still being reported). */
  readonly complete: boolean;
  /** Milliseconds spent back-pressured, idle and busy since the task started. */
  readonly accumulatedBackPressuredTimeMs: number;
  readonly accumulatedIdleTimeMs: number;
  readonly accumulatedBusyTimeMs: number;
}

export interface VertexSummary {
  /** 32 hex characters. */
  readonly id: string;
  readonly name: string;
  readonly parallelism: number;
  readonly maxParallelism: number;
  /** The slot sharing group's name, e.g. `default`. */
  readonly slotSharingGroup: string;
  /** The vertex's aggregate state; {@link aggregateExecutionState} computes Flink's rule. */
  readonly status: ExecutionState;
  /** Earliest start of its subtasks; -1 before any started. */
  readonly startTime: number;
  /** Latest end of its subtasks once all ended; -1 before. */
  readonly endTime: number;
  readonly taskCounts: TaskCounts;
  readonly metrics: IoMetrics;
}

export interface VertexDetail {
  readonly id: string;
  readonly name: string;
  readonly parallelism: number;
  readonly maxParallelism: number;
  /** The current attempt of each subtask, by subtask index. */
  readonly subtasks: readonly SubtaskAttempt[];
}

/** The current attempt of one subtask. */
export interface SubtaskAttempt {
  /** 0-based subtask index. */
  readonly index: number;
  /** 0-based attempt number. */
  readonly attempt: number;
  readonly status: ExecutionState;
  /** Host of the TaskManager running it, `host:port` of its data port when known; undefined before deployment. */
  readonly endpoint: string | undefined;
  readonly taskManagerId: string | undefined;
  /** When the attempt was deployed; -1 before. */
  readonly startTime: number;
  /** When it reached a terminal state; -1 before. */
  readonly endTime: number;
  /** When the attempt entered each state it went through. */
  readonly statusTimestamps: Readonly<Partial<Record<ExecutionState, number>>>;
  readonly ioMetrics: IoMetrics;
  /**
   * The task's metrics by Flink's names. The back-pressure view reads
   * `backPressuredTimeMsPerSecond`, `busyTimeMsPerSecond` and `idleTimeMsPerSecond`; the
   * aggregated `subtasks/metrics` endpoint serves any of them (e.g. `numRecordsIn`,
   * `numRecordsOutPerSecond`). A subtask that is not running has none.
   */
  readonly metrics: Readonly<Record<string, number>>;
}

/** One failure in a job's exception history (Flink's ExceptionInfo). */
export interface ExceptionEntry {
  /** The error's class name, e.g. `TypeError` or `FlinkTsError`. */
  readonly exceptionName: string;
  /** The full stack trace text, starting with `Name: message`. */
  readonly stacktrace: string;
  readonly timestamp: number;
  /** `Vertex name (i/p)#attempt` of the failed task; undefined for a global failure. */
  readonly taskName: string | undefined;
  /** `host:port` of the TaskManager where it failed; undefined for a global failure. */
  readonly location: string | undefined;
  readonly taskManagerId: string | undefined;
  /** Labels classifiers attached to the failure (Flink's failure enrichers); usually empty. */
  readonly failureLabels: Readonly<Record<string, string>>;
  /** Failures that happened together with this one (same restart). */
  readonly concurrentExceptions: readonly ExceptionEntry[];
}

export interface JobExceptions {
  /** The failure that failed the job, or the latest one; undefined when nothing failed. */
  readonly rootCause: ExceptionEntry | undefined;
  /** Every recorded failure, newest first, at most `web.exception-history-size`. */
  readonly history: readonly ExceptionEntry[];
}

export interface AccumulatorValue {
  readonly name: string;
  /** The accumulator's kind, e.g. `LongCounter`. */
  readonly type: string;
  readonly value: number;
}

/** The answer of `/execution-result`: not ended yet, or how the job ended. */
export type ExecutionResultState =
  | { readonly state: 'IN_PROGRESS' }
  | {
      readonly state: 'COMPLETED';
      readonly status: 'FINISHED' | 'FAILED' | 'CANCELED';
      /** Milliseconds from submission to the terminal state. */
      readonly netRuntime: number;
      readonly accumulators: Readonly<Record<string, number>>;
      /** The root cause when the job FAILED. */
      readonly failure?: SerializedThrowable;
    };

export type CancelJobOutcome =
  | { readonly kind: 'accepted' }
  | { readonly kind: 'not-found' }
  /** The job already reached FINISHED or FAILED: there is nothing left to cancel. */
  | { readonly kind: 'terminal'; readonly status: JobStatus };

/** The job artifact of a submission, as uploaded. */
export interface JobArtifactUpload {
  /** The file name the client gave the part, e.g. `<hash>.mjs`. */
  readonly fileName: string;
  readonly bytes: Uint8Array;
}

export interface CollectRequest {
  /** Index of the first value wanted: how many the client already has. */
  readonly offset: number;
  /** How many values the client wants in total, if bounded; lets the implementation answer early. */
  readonly limit?: number;
}

export interface CollectResult {
  /** Values from `offset` on, in arrival order. */
  readonly values: readonly unknown[];
  /**
   * True once the job is globally terminal and every value has been delivered up to here:
   * the client stops polling.
   */
  readonly jobEnded: boolean;
}

export interface TaskManagerSummary {
  /** The TaskManager's ResourceID. */
  readonly id: string;
  /** Its RPC address, e.g. `host:6122/taskmanager_0` (Flink's `path`). */
  readonly rpcAddress: string;
  readonly dataPort: number;
  /** When the ResourceManager last heard from it. */
  readonly lastHeartbeat: number;
  readonly slotsTotal: number;
  readonly slotsFree: number;
  readonly hardware: TaskManagerHardware;
  /** Resources of all slots and of the free ones; zeros when unknown. */
  readonly totalResource?: ResourceProfile;
  readonly freeResource?: ResourceProfile;
  /** The process's memory budget in bytes, by Flink's component names. */
  readonly memoryConfiguration?: Readonly<Partial<Record<MemoryComponent, number>>>;
  /** Whether the TaskManager is blocked from new slots (Flink's blocklist). */
  readonly blocked?: boolean;
}

export interface TaskManagerHardware {
  readonly cpuCores: number;
  /** Bytes. */
  readonly physicalMemory: number;
  /** Bytes of heap the process may use (Flink's `freeMemory` is the JVM's max heap). */
  readonly freeMemory: number;
  /** Bytes of managed memory. */
  readonly managedMemory: number;
}

export interface ResourceProfile {
  readonly cpuCores: number;
  /** Megabytes, as Flink's ResourceProfileInfo. */
  readonly taskHeapMemoryMb: number;
  readonly taskOffHeapMemoryMb: number;
  readonly managedMemoryMb: number;
  readonly networkMemoryMb: number;
}

export type MemoryComponent =
  | 'frameworkHeap'
  | 'taskHeap'
  | 'frameworkOffHeap'
  | 'taskOffHeap'
  | 'networkMemory'
  | 'managedMemory'
  | 'jvmMetaspace'
  | 'jvmOverhead'
  | 'totalFlinkMemory'
  | 'totalProcessMemory';

export interface TaskManagerDetail extends TaskManagerSummary {
  readonly allocatedSlots: readonly { readonly jobId: JobId; readonly slotIndex: number; readonly resource?: ResourceProfile }[];
  /**
   * Process metrics by Flink's TaskManagerMetricsInfo names (`heapUsed`, `heapCommitted`,
   * `heapMax`, `nonHeapUsed`, …, bytes); missing ones are reported as 0.
   */
  readonly metrics: Readonly<Record<string, number>>;
  readonly garbageCollectors?: readonly { readonly name: string; readonly count: number; readonly timeMs: number }[];
}

export interface LogFile {
  /** A plain file name: no directories. */
  readonly name: string;
  /** Bytes. */
  readonly size: number;
  /** Last modification time. */
  readonly mtime: number;
}

/** A log file's content: a stream for large files, or the whole text. */
export type LogContent = Readable | Uint8Array | string;

/** How to run an uploaded job file (`POST /jars/:jarid/run`'s body, parsed). */
export interface RunJarOptions {
  /** The program's arguments. */
  readonly programArgs: readonly string[];
  /** Overrides `parallelism.default` for the program's jobs. */
  readonly parallelism?: number;
  /** A fixed id for the (single) job, 32 hex characters. */
  readonly jobId?: JobId;
  readonly savepointPath?: string;
  readonly allowNonRestoredState?: boolean;
  readonly restoreMode?: 'CLAIM' | 'NO_CLAIM';
  /** Extra configuration for the program, on top of the cluster's. */
  readonly flinkConfiguration: Readonly<Record<string, string>>;
}

/**
 * Flink's aggregate state of a vertex from its subtasks' states (ExecutionJobVertex): a failure
 * shows first, then cancellation, then the least advanced running state; FINISHED only when
 * every subtask finished. Offered so that every facade implementation reports it the same way.
 */
export function aggregateExecutionState(counts: TaskCounts, parallelism: number): ExecutionState {
  const count = (state: ExecutionState): number => counts[state] ?? 0;
  if (count('FAILED') > 0) return 'FAILED';
  if (count('CANCELING') > 0) return 'CANCELING';
  if (count('CANCELED') > 0) return 'CANCELED';
  if (count('INITIALIZING') > 0) return 'INITIALIZING';
  if (count('RUNNING') > 0) return 'RUNNING';
  if (count('FINISHED') > 0) return count('FINISHED') === parallelism ? 'FINISHED' : 'RUNNING';
  if (count('DEPLOYING') > 0) return 'DEPLOYING';
  if (count('SCHEDULED') > 0) return 'SCHEDULED';
  if (count('RECONCILING') > 0) return 'RECONCILING';
  return 'CREATED';
}

/**
 * Job endpoints: listing, submission, details, cancellation, results, metrics, and the vertex
 * views (details, aggregated subtask metrics, back pressure), plus the collect coordinator.
 */
import { createHash } from 'node:crypto';
import type { JobId } from '../../../core/ids.js';
import type { ExecutionState } from '../../executiongraph/execution-state.js';
import type { MultipartPart, PartSink } from '../multipart.js';
import type { ExceptionEntry, ExecutionResultState, JobSummary, SubtaskAttempt, VertexDetail, VertexSummary } from '../rest-cluster-facade.js';
import type { HandlerContext, HandlerRouter, RestRequest } from '../rest-handler.js';
import { decodeCollectRequest, encodeCollectResult } from '../collect-protocol.js';
import { RestHandlerError, badRequest, jobNotFound, notFound } from '../rest-errors.js';
import { emptyResponse, jsonResponse } from '../rest-handler.js';
import { parseJobGraph } from './job-graph-validation.js';
import {
  JOB_STATUSES,
  booleanParam,
  duration,
  exceptionEntryJson,
  failureCauseJson,
  intParam,
  ioMetricsJson,
  listParam,
  lowerCaseTaskCounts,
  metricValuesJson,
  upperCaseTaskCounts,
} from './render.js';

/** Flink's ExceptionsHandler default for `maxExceptions`. */
const DEFAULT_MAX_EXCEPTIONS = 20;
const SUBMISSION_MAX_PARTS = 8;
/** Flink's thresholds of the back-pressure level: ok ≤ 10% < low ≤ 50% < high. */
const BACKPRESSURE_LOW = 0.1;
const BACKPRESSURE_HIGH = 0.5;
const AGGREGATIONS = ['min', 'max', 'avg', 'sum', 'skew'] as const;
type Aggregation = (typeof AGGREGATIONS)[number];
/** States whose time `status-duration` reports, as Flink does. */
const DURATION_STATES: readonly ExecutionState[] = ['CREATED', 'SCHEDULED', 'DEPLOYING', 'INITIALIZING', 'RUNNING'];

export function registerJobHandlers(router: HandlerRouter, ctx: HandlerContext): void {
  const { facade } = ctx;

  const jobId = (request: RestRequest): JobId => request.params.jobid as JobId;

  /** Resolves the job's vertex, telling an unknown job from an unknown vertex. */
  const vertexOf = async (request: RestRequest): Promise<VertexDetail> => {
    const id = jobId(request);
    const vertex = await facade.getVertexDetails(id, request.params.vertexid as string);
    if (vertex !== undefined) return vertex;
    if ((await facade.getJobStatus(id)) === undefined) throw jobNotFound(id);
    throw notFound(`Vertex ${request.params.vertexid ?? ''} not found in job ${id}.`);
  };

  router.add('GET', '/jobs', async () => {
    const jobs = await facade.listJobs();
    return jsonResponse({ jobs: jobs.map((job) => ({ id: job.jobId, status: job.status })) });
  });

  router.add('GET', '/jobs/overview', async () => {
    const jobs = [...(await facade.listJobs())].sort((a, b) => b.startTime - a.startTime || a.jobId.localeCompare(b.jobId));
    const now = ctx.now();
    return jsonResponse({ jobs: jobs.map((job) => jobOverviewJson(job, now)) });
  });

  router.add('POST', '/jobs', async (request) => submitJob(request, ctx));

  router.add('GET', '/jobs/:jobid', async (request) => {
    const id = jobId(request);
    const job = await facade.getJobDetails(id);
    if (job === undefined) throw jobNotFound(id);
    const now = ctx.now();
    const timestamps: Record<string, number> = {};
    // Flink lists every state, with 0 for those the job never entered.
    for (const status of JOB_STATUSES) timestamps[status] = job.statusTimestamps[status] ?? 0;
    const statusCounts = upperCaseTaskCounts(job.taskCounts);
    return jsonResponse({
      jid: job.jobId,
      name: job.name,
      isStoppable: job.isStoppable,
      state: job.status,
      'job-type': job.jobType,
      schedulerType: 'Default',
      'start-time': job.startTime,
      'end-time': job.endTime,
      duration: duration(job.startTime, job.endTime, now),
      maxParallelism: job.maxParallelism,
      now,
      timestamps,
      vertices: job.vertices.map((v) => vertexSummaryJson(v, now)),
      'status-counts': statusCounts,
      plan: job.plan,
    });
  });

  router.add('PATCH', '/jobs/:jobid', async (request) => {
    const id = jobId(request);
    const mode = request.query.get('mode') ?? 'cancel';
    if (mode.toLowerCase() !== 'cancel') {
      throw badRequest(`Unsupported termination mode '${mode}': only 'cancel' is supported (Flink removed 'stop'; stop a job with a savepoint through POST /jobs/${id}/stop).`);
    }
    const outcome = await facade.cancelJob(id);
    switch (outcome.kind) {
      case 'accepted':
        return emptyResponse(202);
      case 'not-found':
        throw jobNotFound(id);
      case 'terminal':
        throw new RestHandlerError(409, `Job ${id} has already reached the terminal state ${outcome.status}; there is nothing to cancel.`);
    }
  });

  router.add('GET', '/jobs/:jobid/status', async (request) => {
    const id = jobId(request);
    const status = await facade.getJobStatus(id);
    if (status === undefined) throw jobNotFound(id);
    return jsonResponse({ status });
  });

  router.add('GET', '/jobs/:jobid/plan', async (request) => {
    const id = jobId(request);
    const job = await facade.getJobDetails(id);
    if (job === undefined) throw jobNotFound(id);
    return jsonResponse({ plan: job.plan });
  });

  router.add('GET', '/jobs/:jobid/exceptions', async (request) => {
    const id = jobId(request);
    const max = intParam(request.query, 'maxExceptions', { min: 0 }) ?? DEFAULT_MAX_EXCEPTIONS;
    const exceptions = await facade.getJobExceptions(id);
    if (exceptions === undefined) throw jobNotFound(id);
    const entries = exceptions.history.slice(0, max);
    const truncated = exceptions.history.length > max;
    const root = exceptions.rootCause;
    return jsonResponse({
      // Flink 1.x's fields before the exception history; kept for tools that still read them.
      'root-exception': root?.stacktrace ?? null,
      timestamp: root?.timestamp ?? null,
      'all-exceptions': entries.filter((e) => e.taskName !== undefined).map(legacyTaskExceptionJson),
      truncated,
      exceptionHistory: { entries: entries.map(exceptionEntryJson), truncated },
    });
  });

  router.add('GET', '/jobs/:jobid/execution-result', async (request) => {
    const id = jobId(request);
    const result = await facade.getExecutionResult(id);
    if (result === undefined) throw jobNotFound(id);
    return jsonResponse(executionResultJson(id, result));
  });

  router.add('GET', '/jobs/:jobid/accumulators', async (request) => {
    const id = jobId(request);
    const includeSerialized = booleanParam(request.query, 'includeSerializedValue') ?? false;
    const accumulators = await facade.getJobAccumulators(id);
    if (accumulators === undefined) throw jobNotFound(id);
    const body: Record<string, unknown> = {
      'job-accumulators': [],
      'user-task-accumulators': accumulators.map((a) => ({ name: a.name, type: a.type, value: String(a.value) })),
    };
    if (includeSerialized) {
      // Flink ships Java-serialized values here; ours are the JSON text of the value, base64.
      body['serialized-user-task-accumulators'] = Object.fromEntries(
        accumulators.map((a) => [a.name, Buffer.from(JSON.stringify(a.value)).toString('base64')]),
      );
    }
    return jsonResponse(body);
  });

  router.add('GET', '/jobs/:jobid/metrics', async (request) => {
    const id = jobId(request);
    const requested = listParam(request.query, 'get');
    const metrics = await facade.getJobMetrics(id);
    if (metrics === undefined) throw jobNotFound(id);
    return jsonResponse(metricValuesJson(metrics, requested));
  });

  router.add('GET', '/jobs/:jobid/vertices/:vertexid', async (request) => {
    const vertex = await vertexOf(request);
    const now = ctx.now();
    return jsonResponse({
      id: vertex.id,
      name: vertex.name,
      parallelism: vertex.parallelism,
      maxParallelism: vertex.maxParallelism,
      now,
      subtasks: vertex.subtasks.map((s) => subtaskJson(s, now)),
    });
  });

  router.add('GET', '/jobs/:jobid/vertices/:vertexid/subtasks/metrics', async (request) => {
    const requested = listParam(request.query, 'get');
    const aggregations = parseAggregations(request.query);
    const selected = parseSubtaskSelection(request.query);
    const vertex = await vertexOf(request);
    const subtasks = vertex.subtasks.filter((s) => selected === undefined || selected(s.index));
    if (requested === undefined) {
      const names = new Set<string>();
      for (const s of subtasks) for (const name of Object.keys(s.metrics)) names.add(name);
      return jsonResponse([...names].sort().map((id) => ({ id })));
    }
    const result: Record<string, number | string>[] = [];
    for (const id of requested) {
      const values = subtasks.map((s) => s.metrics[id]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      if (values.length === 0) continue;
      result.push({ id, ...aggregate(values, aggregations) });
    }
    return jsonResponse(result);
  });

  // Flink's JobVertexWatermarksHandler: every subtask's input watermark, as `<subtask>.currentInputWatermark`.
  router.add('GET', '/jobs/:jobid/vertices/:vertexid/watermarks', async (request) => {
    const vertex = await vertexOf(request);
    const result: { id: string; value: string }[] = [];
    for (const s of vertex.subtasks) {
      const value = s.metrics.currentInputWatermark;
      if (typeof value === 'number') result.push({ id: `${s.index}.currentInputWatermark`, value: String(value) });
    }
    return jsonResponse(result);
  });

  router.add('GET', '/jobs/:jobid/vertices/:vertexid/backpressure', async (request) => {
    const vertex = await vertexOf(request);
    const measured = vertex.subtasks.filter((s) => typeof s.metrics.backPressuredTimeMsPerSecond === 'number');
    // Flink answers "deprecated" when it has no metrics for the vertex (e.g. not running).
    if (measured.length === 0) return jsonResponse({ status: 'deprecated' });
    let worst = 0;
    const subtasks = measured.map((s) => {
      const ratio = ratioOf(s.metrics.backPressuredTimeMsPerSecond);
      worst = Math.max(worst, ratio);
      const level = backPressureLevel(ratio);
      return {
        subtask: s.index,
        'attempt-number': s.attempt,
        // Flink's JSON carries the level under both spellings (field and getter name).
        'backpressure-level': level,
        backpressureLevel: level,
        ratio,
        idleRatio: ratioOf(s.metrics.idleTimeMsPerSecond),
        busyRatio: ratioOf(s.metrics.busyTimeMsPerSecond),
      };
    });
    const level = backPressureLevel(worst);
    return jsonResponse({ status: 'ok', 'backpressure-level': level, backpressureLevel: level, 'end-timestamp': ctx.now(), subtasks });
  });

  router.add('POST', '/jobs/:jobid/coordinators/:operatorid', async (request) => {
    const id = jobId(request);
    const body = await request.readJson();
    let collect;
    try {
      collect = decodeCollectRequest(body);
    } catch (error) {
      throw badRequest((error as Error).message);
    }
    const result = await facade.collectResults(id, request.params.operatorid as string, collect);
    if (result === undefined) throw jobNotFound(id);
    return jsonResponse(encodeCollectResult(result));
  });
}

function jobOverviewJson(job: JobSummary, now: number): Record<string, unknown> {
  return {
    jid: job.jobId,
    name: job.name,
    'start-time': job.startTime,
    'end-time': job.endTime,
    duration: duration(job.startTime, job.endTime, now),
    state: job.status,
    'last-modification': job.lastModification,
    tasks: lowerCaseTaskCounts(job.taskCounts),
  };
}

function vertexSummaryJson(v: VertexSummary, now: number): Record<string, unknown> {
  return {
    id: v.id,
    slotSharingGroupId: slotSharingGroupId(v.slotSharingGroup),
    slotSharingGroupName: v.slotSharingGroup,
    name: v.name,
    maxParallelism: v.maxParallelism,
    parallelism: v.parallelism,
    status: v.status,
    'start-time': v.startTime,
    'end-time': v.endTime,
    duration: duration(v.startTime, v.endTime, now),
    tasks: upperCaseTaskCounts(v.taskCounts),
    metrics: ioMetricsJson(v.metrics),
  };
}

// Flink's slot sharing groups have generated 32-hex ids; ours are identified by name, so the id
// is derived from the name: stable across requests and of Flink's form.
function slotSharingGroupId(name: string): string {
  return createHash('sha256').update(`slot-sharing-group:${name}`).digest('hex').slice(0, 32);
}

function subtaskJson(s: SubtaskAttempt, now: number): Record<string, unknown> {
  return {
    subtask: s.index,
    status: s.status,
    attempt: s.attempt,
    endpoint: s.endpoint ?? '(unassigned)',
    'start-time': s.startTime,
    'end-time': s.endTime,
    duration: duration(s.startTime, s.endTime, now),
    metrics: ioMetricsJson(s.ioMetrics),
    'taskmanager-id': s.taskManagerId ?? '(unassigned)',
    'status-duration': statusDurations(s, now),
  };
}

/** Time spent in each of Flink's reported states, from the attempt's state timestamps. */
function statusDurations(s: SubtaskAttempt, now: number): Record<string, number> {
  const entered = Object.entries(s.statusTimestamps)
    .filter((e): e is [string, number] => typeof e[1] === 'number')
    .sort((a, b) => a[1] - b[1]);
  const result: Record<string, number> = {};
  for (const state of DURATION_STATES) result[state] = 0;
  entered.forEach(([state, at], i) => {
    if (!(DURATION_STATES as readonly string[]).includes(state)) return;
    const next = entered[i + 1];
    result[state] = (next === undefined ? now : next[1]) - at;
  });
  return result;
}

function legacyTaskExceptionJson(e: ExceptionEntry): Record<string, unknown> {
  return {
    exception: e.stacktrace,
    task: e.taskName ?? null,
    location: e.location ?? null,
    timestamp: e.timestamp,
    taskManagerId: e.taskManagerId ?? null,
  };
}

const APPLICATION_STATUS = { FINISHED: 'SUCCEEDED', FAILED: 'FAILED', CANCELED: 'CANCELED' } as const;

function executionResultJson(jobId: JobId, result: ExecutionResultState): Record<string, unknown> {
  if (result.state === 'IN_PROGRESS') return { status: { id: 'IN_PROGRESS' } };
  const body: Record<string, unknown> = {
    id: jobId,
    'application-status': APPLICATION_STATUS[result.status],
    // Flink ships Java-serialized values; ours are the values themselves.
    'accumulator-results': { ...result.accumulators },
    'net-runtime': result.netRuntime,
  };
  if (result.failure !== undefined) body['failure-cause'] = failureCauseJson(result.failure);
  return { status: { id: 'COMPLETED' }, 'job-execution-result': body };
}

function ratioOf(msPerSecond: number | undefined): number {
  if (msPerSecond === undefined || !Number.isFinite(msPerSecond)) return 0;
  return Math.min(1, Math.max(0, msPerSecond / 1000));
}

function backPressureLevel(ratio: number): 'ok' | 'low' | 'high' {
  if (ratio <= BACKPRESSURE_LOW) return 'ok';
  if (ratio <= BACKPRESSURE_HIGH) return 'low';
  return 'high';
}

function parseAggregations(query: URLSearchParams): readonly Aggregation[] {
  const requested = listParam(query, 'agg');
  if (requested === undefined || requested.length === 0) return AGGREGATIONS;
  return requested.map((name) => {
    const lower = name.toLowerCase();
    if (!(AGGREGATIONS as readonly string[]).includes(lower)) {
      throw badRequest(`Invalid aggregation '${name}' in query parameter 'agg': expected ${AGGREGATIONS.join(', ')}.`);
    }
    return lower as Aggregation;
  });
}

/** `subtasks=0-2,5`: which subtask indexes to aggregate; undefined for all. */
function parseSubtaskSelection(query: URLSearchParams): ((index: number) => boolean) | undefined {
  const parts = listParam(query, 'subtasks');
  if (parts === undefined) return undefined;
  const ranges = parts.map((part) => {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (match === null) throw badRequest(`Invalid subtask selection '${part}' in query parameter 'subtasks': expected indexes or ranges such as 0-2,5.`);
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (to < from) throw badRequest(`Invalid subtask range '${part}' in query parameter 'subtasks'.`);
    return [from, to] as const;
  });
  return (index) => ranges.some(([from, to]) => index >= from && index <= to);
}

function aggregate(values: readonly number[], aggregations: readonly Aggregation[]): Record<string, number> {
  const sum = values.reduce((a, b) => a + b, 0);
  const avg = sum / values.length;
  const result: Record<string, number> = {};
  for (const agg of aggregations) {
    switch (agg) {
      case 'min':
        result.min = Math.min(...values);
        break;
      case 'max':
        result.max = Math.max(...values);
        break;
      case 'avg':
        result.avg = avg;
        break;
      case 'sum':
        result.sum = sum;
        break;
      case 'skew':
        // Flink's data skew: mean absolute deviation as a percentage of the mean.
        result.skew = avg === 0 ? 0 : (values.reduce((a, v) => a + Math.abs(v - avg), 0) / values.length / avg) * 100;
        break;
    }
  }
  return result;
}

interface ReceivedPart {
  readonly part: MultipartPart;
  readonly chunks: Buffer[];
}

/**
 * `POST /jobs`: Flink's multipart submission. The `request` part names the JobGraph file
 * (`jobGraphFileName`) and the job's artifact (the one entry of `jobJarFileNames`); file parts
 * are found by their file name, as Flink's JobSubmitHandler finds them.
 */
async function submitJob(request: RestRequest, ctx: HandlerContext): Promise<ReturnType<typeof jsonResponse>> {
  const parts: ReceivedPart[] = [];
  await request.readMultipart(
    (part): PartSink => {
      const received: ReceivedPart = { part, chunks: [] };
      parts.push(received);
      return {
        write: (chunk) => {
          received.chunks.push(chunk);
        },
        end: () => undefined,
      };
    },
    { maxParts: SUBMISSION_MAX_PARTS, maxHeaderBytes: 16 * 1024 },
  );
  const requestPart = parts.find((p) => p.part.name === 'request' && p.part.filename === undefined) ?? parts.find((p) => p.part.name === 'request');
  if (requestPart === undefined) throw badRequest("The submission has no 'request' part (JSON with jobGraphFileName and jobJarFileNames).");
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(requestPart.chunks).toString('utf8'));
  } catch (error) {
    throw badRequest(`The 'request' part is not valid JSON: ${(error as Error).message}`);
  }
  const { jobGraphFileName, jobJarFileNames } = (body ?? {}) as { jobGraphFileName?: unknown; jobJarFileNames?: unknown };
  if (typeof jobGraphFileName !== 'string' || jobGraphFileName.length === 0) {
    throw badRequest("The 'request' part needs 'jobGraphFileName': the file name of the uploaded JobGraph.");
  }
  if (!Array.isArray(jobJarFileNames) || jobJarFileNames.length !== 1 || typeof jobJarFileNames[0] !== 'string') {
    throw badRequest("The 'request' part needs 'jobJarFileNames' with exactly one entry: the file name of the job's artifact.");
  }
  const artifactFileName = jobJarFileNames[0];
  const fileNamed = (name: string): ReceivedPart => {
    const found = parts.filter((p) => p !== requestPart && (p.part.filename ?? p.part.name) === name);
    if (found.length === 0) throw badRequest(`The file '${name}' named in the 'request' part was not uploaded.`);
    if (found.length > 1) throw badRequest(`The file '${name}' was uploaded more than once.`);
    return found[0] as ReceivedPart;
  };
  const graphPart = fileNamed(jobGraphFileName);
  const artifactPart = fileNamed(artifactFileName);
  if (graphPart === artifactPart) throw badRequest('The JobGraph and the artifact must be different files.');
  const jobGraph = parseJobGraph(Buffer.concat(graphPart.chunks).toString('utf8'));
  const bytes = Buffer.concat(artifactPart.chunks);
  const hash = createHash('sha256').update(bytes).digest('hex');
  if (hash !== jobGraph.program.artifactHash) {
    throw badRequest(
      `The uploaded artifact '${artifactFileName}' does not match the JobGraph: its sha256 is ${hash}, the JobGraph expects ${jobGraph.program.artifactHash}.`,
    );
  }
  const submitted = await ctx.facade.submitJob(jobGraph, { fileName: artifactFileName, bytes });
  ctx.logger.info(`Job ${submitted} ('${jobGraph.jobName}') submitted through the REST API.`);
  return jsonResponse({ jobUrl: `/jobs/${submitted}` }, 202);
}

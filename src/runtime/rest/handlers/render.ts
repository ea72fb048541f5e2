/**
 * Pieces of Flink's JSON shared by several handlers, and the parsing of query parameters that
 * several endpoints take. Field names and units are Flink's (rest/messages/**).
 */
import type { JobStatus } from '../../../api/environment/job-client.js';
import type { SerializedThrowable } from '../../../core/errors.js';
import type { ExecutionState } from '../../executiongraph/execution-state.js';
import { EXECUTION_STATES } from '../../executiongraph/execution-state.js';
import type { ExceptionEntry, IoMetrics, LogFile, TaskCounts } from '../rest-cluster-facade.js';
import { badRequest, notFound } from '../rest-errors.js';

/** Every JobStatus, in Flink's declaration order (the `timestamps` map lists them all). */
export const JOB_STATUSES: readonly JobStatus[] = [
  'INITIALIZING',
  'CREATED',
  'RUNNING',
  'FAILING',
  'FAILED',
  'CANCELLING',
  'CANCELED',
  'FINISHED',
  'RESTARTING',
  'SUSPENDED',
  'RECONCILING',
];

const GLOBALLY_TERMINAL: ReadonlySet<JobStatus> = new Set<JobStatus>(['FINISHED', 'FAILED', 'CANCELED']);

export function isGloballyTerminal(status: JobStatus): boolean {
  return GLOBALLY_TERMINAL.has(status);
}

/** `/jobs/overview`'s `tasks`: lower-case state names plus `total`. */
export function lowerCaseTaskCounts(counts: TaskCounts): Record<string, number> {
  const result: Record<string, number> = { total: 0 };
  for (const state of EXECUTION_STATES) {
    const n = counts[state] ?? 0;
    result[state.toLowerCase()] = n;
    result.total = (result.total ?? 0) + n;
  }
  return result;
}

/** `/jobs/:jobid`'s `tasks` and `status-counts`: every ExecutionState name, absent ones 0. */
export function upperCaseTaskCounts(counts: TaskCounts): Record<ExecutionState, number> {
  const result = {} as Record<ExecutionState, number>;
  for (const state of EXECUTION_STATES) result[state] = counts[state] ?? 0;
  return result;
}

export function sumTaskCounts(all: readonly TaskCounts[]): TaskCounts {
  const sum: Partial<Record<ExecutionState, number>> = {};
  for (const counts of all) {
    for (const state of EXECUTION_STATES) {
      const n = counts[state];
      if (n !== undefined) sum[state] = (sum[state] ?? 0) + n;
    }
  }
  return sum;
}

/** Flink's IOMetricsInfo. */
export function ioMetricsJson(m: IoMetrics): Record<string, number | boolean> {
  return {
    'read-bytes': m.bytesIn,
    'read-bytes-complete': m.complete,
    'write-bytes': m.bytesOut,
    'write-bytes-complete': m.complete,
    'read-records': m.recordsIn,
    'read-records-complete': m.complete,
    'write-records': m.recordsOut,
    'write-records-complete': m.complete,
    'accumulated-backpressured-time': m.accumulatedBackPressuredTimeMs,
    'accumulated-idle-time': m.accumulatedIdleTimeMs,
    'accumulated-busy-time': m.accumulatedBusyTimeMs,
  };
}

/** Duration between start and end, or until now while not ended; -1 before it started. */
export function duration(start: number, end: number, now: number): number {
  if (start < 0) return -1;
  return (end < 0 ? now : end) - start;
}

/** Flink's ExceptionInfo / RootExceptionInfo of the exception history. */
export function exceptionEntryJson(entry: ExceptionEntry): Record<string, unknown> {
  return {
    exceptionName: entry.exceptionName,
    stacktrace: entry.stacktrace,
    timestamp: entry.timestamp,
    taskName: entry.taskName ?? null,
    location: entry.location ?? null,
    endpoint: entry.location ?? null,
    taskManagerId: entry.taskManagerId ?? null,
    failureLabels: { ...entry.failureLabels },
    concurrentExceptions: entry.concurrentExceptions.map(exceptionEntryJson),
  };
}

/**
 * A comma-separated list parameter (`get=a,b`); undefined when absent, which several endpoints
 * read as "list what is available".
 */
export function listParam(query: URLSearchParams, name: string): string[] | undefined {
  const values = query.getAll(name);
  if (values.length === 0) return undefined;
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}

/** An integer parameter within bounds. @throws RestHandlerError 400 naming the parameter. */
export function intParam(query: URLSearchParams, name: string, bounds: { min: number; max?: number }): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < bounds.min || (bounds.max !== undefined && value > bounds.max)) {
    const range = bounds.max === undefined ? `>= ${bounds.min}` : `between ${bounds.min} and ${bounds.max}`;
    throw badRequest(`Invalid value '${raw}' of query parameter '${name}': expected an integer ${range}.`);
  }
  return value;
}

/** A boolean parameter. @throws RestHandlerError 400 naming the parameter. */
export function booleanParam(query: URLSearchParams, name: string): boolean | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const lower = raw.trim().toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw badRequest(`Invalid value '${raw}' of query parameter '${name}': expected true or false.`);
}

/** Metrics the way Flink's metric handlers answer: `[{id}]` without `get`, else `[{id, value}]`. */
export function metricValuesJson(metrics: Readonly<Record<string, number | string>>, requested: readonly string[] | undefined): unknown[] {
  if (requested === undefined) return Object.keys(metrics).sort().map((id) => ({ id }));
  // Unknown names are left out, as Flink does: a metric may simply not be registered yet.
  return requested.filter((id) => Object.hasOwn(metrics, id)).map((id) => ({ id, value: String(metrics[id]) }));
}

/**
 * Checks a requested log file name against the listing: only listed plain names are served,
 * so no request can reach another file (`..`, `/`, `\`, NUL are refused before any lookup).
 * @throws RestHandlerError 400 for a name that is not a plain file name, 404 for one not listed.
 */
export function checkLogFileName(name: string, listed: readonly LogFile[], owner: string): void {
  if (name === '.' || name === '..' || /[/\\\0]/.test(name) || name.includes('..')) {
    throw badRequest(`Invalid log file name '${name}': expected a plain file name from the logs listing.`);
  }
  if (!listed.some((file) => file.name === name)) throw notFound(`Log file '${name}' of ${owner} not found.`);
}

/** Flink's LogListInfo. */
export function logListJson(files: readonly LogFile[]): { logs: { name: string; size: number; mtime: number }[] } {
  return { logs: files.map((f) => ({ name: f.name, size: f.size, mtime: f.mtime })) };
}

/**
 * Flink's `failure-cause` of execution results and asynchronous operations: the class, the
 * stack trace with a `Caused by:` section per cause, and the throwable itself. Flink's
 * `serialized-throwable` is a Java-serialized Throwable; ours is the SerializedThrowable as JSON,
 * base64, which our client decodes back into the error.
 */
export function failureCauseJson(failure: SerializedThrowable): Record<string, string> {
  const parts = [failure.stack];
  for (let cause = failure.cause, depth = 0; cause !== undefined && depth < 8; cause = cause.cause, depth++) parts.push(`Caused by: ${cause.stack}`);
  return {
    class: failure.class,
    'stack-trace': parts.join('\n'),
    'serialized-throwable': Buffer.from(JSON.stringify(failure)).toString('base64'),
  };
}

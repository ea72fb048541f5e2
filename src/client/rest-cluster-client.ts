/**
 * The client of a cluster's REST API (Flink's RestClusterClient): typed calls for what the CLI
 * and the remote executor need. Failures become FlinkTsErrors whose messages can be shown as
 * they are: an unreachable cluster names the address and what to check, a REST error carries
 * the server's message (`Job <id> not found.`).
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { JobStatus } from '../api/environment/job-client.js';
import type { JobStatusHistory } from './job-states.js';
import type { SerializedThrowable } from '../core/errors.js';
import type { JobId } from '../core/ids.js';
import type { JobGraph } from '../runtime/jobgraph/job-graph.js';
import type { CollectRequest, CollectResult } from '../runtime/rest/rest-cluster-facade.js';
import { FlinkTsError, deserializeError, ensureError } from '../core/errors.js';
import { parseJobId } from '../core/ids.js';
import { decodeCollectResult, encodeCollectRequest } from '../runtime/rest/collect-protocol.js';

export interface RestClusterClientOptions {
  /** Deadline of one request, in milliseconds (`client.timeout`). */
  readonly timeoutMs: number;
  /**
   * How often a request that failed for a connection problem or a 503 is retried
   * (`rest.retry.max-attempts`). Only once the cluster has answered at least once: see
   * {@link RestClusterClient}.
   */
  readonly retries: number;
  /** Wait between retries, in milliseconds (`rest.retry.delay`). @default 1000 */
  readonly retryDelayMs?: number;
  /** Largest response body accepted, in bytes (`rest.client.max-content-length`). @default 104857600 */
  readonly maxContentLength?: number;
}

/** The cluster cannot be reached at all (nothing listens, unknown host, no route). */
export class ClusterUnreachableError extends FlinkTsError {
  constructor(
    readonly baseUrl: string,
    cause: unknown,
  ) {
    super(
      'ERR_ILLEGAL_STATE',
      `Could not connect to the cluster at ${baseUrl}: ${describeCause(cause)}. Is the JobManager running? Check -m / rest.address and rest.port.`,
      { cause },
    );
  }
}
Object.defineProperty(ClusterUnreachableError.prototype, 'name', { value: 'ClusterUnreachableError' });

/** The cluster answered with an error status; `message` is the server's (Flink's `errors`). */
export class RestRequestError extends FlinkTsError {
  constructor(
    readonly status: number,
    readonly errors: readonly string[],
    readonly method: string,
    readonly path: string,
  ) {
    super(
      status === 400 || status === 404 || status === 409 ? 'ERR_INVALID_ARGUMENT' : 'ERR_ILLEGAL_STATE',
      errors.length > 0 ? errors.join('\n') : `${method} ${path} failed with HTTP status ${status}.`,
    );
  }
}
Object.defineProperty(RestRequestError.prototype, 'name', { value: 'RestRequestError' });

/** A job as `/jobs/overview` lists it (Flink's JobDetails). */
export interface JobOverview {
  readonly jid: JobId;
  readonly name: string;
  readonly state: JobStatus;
  readonly 'start-time': number;
  readonly 'end-time': number;
  readonly duration: number;
  readonly 'last-modification': number;
  readonly tasks: Readonly<Record<string, number>>;
}

export interface ClusterOverviewResponse {
  readonly taskmanagers: number;
  readonly 'slots-total': number;
  readonly 'slots-available': number;
  readonly 'jobs-running': number;
  readonly 'jobs-finished': number;
  readonly 'jobs-cancelled': number;
  readonly 'jobs-failed': number;
  readonly 'flink-version': string;
  readonly 'flink-commit': string;
}

/** How a job ended, from `/jobs/:jobid/execution-result`. */
export interface CompletedJobResult {
  readonly jobId: JobId;
  readonly applicationStatus: 'SUCCEEDED' | 'FAILED' | 'CANCELED' | 'UNKNOWN';
  readonly netRuntime: number;
  readonly accumulators: Readonly<Record<string, number>>;
  readonly failure: SerializedThrowable | undefined;
}

export interface PollOptions {
  /** First wait between polls, ms. @default 100 */
  readonly initialDelayMs?: number;
  /** Longest wait between polls, ms. @default 1000 */
  readonly maxDelayMs?: number;
}

export interface SavepointTriggerOptions {
  /** Where to write it; the job's `execution.checkpointing.savepoint-dir` when undefined. */
  readonly targetDirectory?: string | undefined;
  /** Cancel the job once the savepoint completed (Flink's deprecated cancel-with-savepoint). */
  readonly cancelJob?: boolean;
  /** 32 hex characters; makes the trigger idempotent. */
  readonly triggerId?: string;
}

export interface StopWithSavepointOptions {
  readonly targetDirectory?: string | undefined;
  /** Flush event time and finish the operators before the savepoint (`--drain`). */
  readonly drain?: boolean;
  readonly triggerId?: string;
}

export interface CheckpointTriggerOptions {
  /** CONFIGURED (the job's checkpoint type) or FULL. */
  readonly checkpointType?: 'CONFIGURED' | 'FULL';
  readonly triggerId?: string;
}

export interface OperationWaitOptions extends PollOptions {
  /** How long to wait for the operation in total, ms. @default the client's request timeout (client.timeout) */
  readonly deadlineMs?: number;
}

/** An asynchronous operation (savepoint, checkpoint, disposal) failed on the cluster; `message` is the cluster's. */
export class AsyncOperationError extends FlinkTsError {
  constructor(
    /** e.g. `savepoint`. */
    readonly operation: string,
    /** The failure as the cluster reported it. */
    readonly failure: SerializedThrowable,
  ) {
    super('ERR_ILLEGAL_STATE', failure.message.length > 0 ? failure.message : `The ${operation} failed with ${failure.class}.`, {
      cause: deserializeError(failure),
    });
  }
}
Object.defineProperty(AsyncOperationError.prototype, 'name', { value: 'AsyncOperationError' });

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * Retries: a cluster that has never answered is reported at once. Waiting does not fix a wrong
 * address, and Flink's CLI hanging for a minute on a typo in `-m` is a known complaint. Once the
 * cluster has answered, connection failures and 503s are retried `retries` times: the
 * JobManager may be restarting while an attached client waits for its job. Requests that
 * change something (POST, PATCH, DELETE) are retried only when the connection was refused,
 * i.e. when the request cannot have arrived.
 */
export class RestClusterClient {
  private everConnected = false;
  private readonly retryDelayMs: number;

  constructor(
    /** `http://host:port`, without a trailing slash. */
    readonly baseUrl: string,
    private readonly options: RestClusterClientOptions,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.retryDelayMs = options.retryDelayMs ?? 1000;
  }

  /** `GET /overview`. */
  getOverview(): Promise<ClusterOverviewResponse> {
    return this.request<ClusterOverviewResponse>('GET', '/overview');
  }

  /** `GET /jobs/overview`: every job the cluster knows. */
  async listJobs(): Promise<JobOverview[]> {
    const body = await this.request<{ jobs?: JobOverview[] }>('GET', '/jobs/overview');
    return body.jobs ?? [];
  }

  /** `GET /jobs/:jobid/status`. */
  async getJobStatus(jobId: string): Promise<JobStatus> {
    const body = await this.request<{ status: JobStatus }>('GET', `/jobs/${checkJobId(jobId)}/status`);
    return body.status;
  }

  /** `GET /jobs/:jobid`: the job's name, state and the time it entered each state. */
  async getJobStatusHistory(jobId: string): Promise<JobStatusHistory> {
    const body = await this.request<{ name?: string; state: JobStatus; timestamps?: Partial<Record<JobStatus, number>> }>('GET', `/jobs/${checkJobId(jobId)}`);
    return { jobName: body.name ?? '', status: body.state, timestamps: body.timestamps ?? {} };
  }

  /**
   * `PATCH /jobs/:jobid?mode=cancel`. Resolves once the cluster accepted the cancellation.
   * @throws RestRequestError 404 for an unknown job, 409 for a job that already FINISHED or FAILED.
   */
  async cancelJob(jobId: string): Promise<void> {
    await this.request('PATCH', `/jobs/${checkJobId(jobId)}?mode=cancel`);
  }

  /**
   * `POST /jobs`: the JobGraph as JSON plus the job's artifact, in Flink's multipart layout.
   * Resolves with the id of the accepted job.
   */
  async submitJob(jobGraph: JobGraph, artifact: { readonly fileName: string; readonly bytes: Uint8Array }): Promise<JobId> {
    const graphFileName = 'job-graph.json';
    const artifactFileName = artifact.fileName === graphFileName ? `artifact-${artifact.fileName}` : artifact.fileName;
    const body = (): RequestBody =>
      multipartBody([
        { name: 'request', content: JSON.stringify({ jobGraphFileName: graphFileName, jobJarFileNames: [artifactFileName], jobArtifactFileNames: [] }) },
        { name: 'file_0', fileName: graphFileName, contentType: 'application/json', content: JSON.stringify(jobGraph) },
        { name: 'file_1', fileName: artifactFileName, contentType: 'application/octet-stream', content: artifact.bytes },
      ]);
    const response = await this.request<{ jobUrl?: string }>('POST', '/jobs', body);
    const id = response.jobUrl?.split('/').pop();
    if (id === undefined || id.length === 0) throw new FlinkTsError('ERR_ILLEGAL_STATE', `The cluster accepted the job but answered no job URL (${JSON.stringify(response)}).`);
    return checkJobId(id);
  }

  /** One look at `GET /jobs/:jobid/execution-result`: undefined while the job runs. */
  async getExecutionResult(jobId: string): Promise<CompletedJobResult | undefined> {
    const id = checkJobId(jobId);
    const body = await this.request<ExecutionResultBody>('GET', `/jobs/${id}/execution-result`);
    if (body.status?.id !== 'COMPLETED') return undefined;
    const result = body['job-execution-result'];
    if (result === undefined) throw new FlinkTsError('ERR_ILLEGAL_STATE', `The cluster reported job ${id} COMPLETED without a result.`);
    const accumulators: Record<string, number> = {};
    for (const [name, value] of Object.entries(result['accumulator-results'] ?? {})) {
      if (typeof value === 'number') accumulators[name] = value;
    }
    return {
      jobId: id,
      applicationStatus: result['application-status'] ?? 'UNKNOWN',
      netRuntime: result['net-runtime'] ?? -1,
      accumulators,
      failure: result['failure-cause'] === undefined ? undefined : decodeFailureCause(result['failure-cause']),
    };
  }

  /** Polls the execution result until the job has ended, waiting 100 ms at first, growing to 1 s. */
  async waitForJobResult(jobId: string, options: PollOptions = {}): Promise<CompletedJobResult> {
    let delay = options.initialDelayMs ?? 100;
    const maxDelay = options.maxDelayMs ?? 1000;
    for (;;) {
      const result = await this.getExecutionResult(jobId);
      if (result !== undefined) return result;
      await sleep(delay);
      delay = Math.min(maxDelay, Math.ceil(delay * 1.5));
    }
  }

  /** One collect call: the values of a collect sink from `request.offset` on. */
  async collectResults(jobId: string, operatorId: string, request: CollectRequest): Promise<CollectResult> {
    const body = await this.request<unknown>(
      'POST',
      `/jobs/${checkJobId(jobId)}/coordinators/${encodeURIComponent(operatorId)}`,
      () => jsonBody(encodeCollectRequest(request)),
    );
    try {
      return decodeCollectResult(body);
    } catch (error) {
      throw new FlinkTsError('ERR_ILLEGAL_STATE', `The cluster's collect response is malformed: ${ensureError(error).message}`);
    }
  }

  /**
   * `POST /jobs/:jobid/savepoints`: starts a savepoint; resolves with its trigger id. A given
   * `triggerId` makes the call idempotent: the cluster answers the operation it already has.
   * @throws RestRequestError 404 for an unknown job, 400 when no directory is given and the job has no default.
   */
  async triggerSavepoint(jobId: string, options: SavepointTriggerOptions = {}): Promise<string> {
    const body: Record<string, unknown> = { 'cancel-job': options.cancelJob ?? false, formatType: 'CANONICAL' };
    if (options.targetDirectory !== undefined) body['target-directory'] = options.targetDirectory;
    if (options.triggerId !== undefined) body.triggerId = options.triggerId;
    return triggerIdFrom(await this.request('POST', `/jobs/${checkJobId(jobId)}/savepoints`, () => jsonBody(body)));
  }

  /** `POST /jobs/:jobid/stop`: starts stop-with-savepoint; resolves with its trigger id (polled like a savepoint). */
  async stopWithSavepoint(jobId: string, options: StopWithSavepointOptions = {}): Promise<string> {
    const body: Record<string, unknown> = { drain: options.drain ?? false, formatType: 'CANONICAL' };
    if (options.targetDirectory !== undefined) body.targetDirectory = options.targetDirectory;
    if (options.triggerId !== undefined) body.triggerId = options.triggerId;
    return triggerIdFrom(await this.request('POST', `/jobs/${checkJobId(jobId)}/stop`, () => jsonBody(body)));
  }

  /**
   * Polls `GET /jobs/:jobid/savepoints/:triggerid` until the savepoint (or stop-with-savepoint)
   * completed; resolves with its path.
   * @throws AsyncOperationError with the cluster's failure cause, or when `deadlineMs` passed.
   */
  waitForSavepoint(jobId: string, triggerId: string, options: OperationWaitOptions = {}): Promise<string> {
    const path = `/jobs/${checkJobId(jobId)}/savepoints/${encodeURIComponent(triggerId)}`;
    return this.pollOperation(path, 'savepoint', options, (operation) => {
      if (typeof operation.location !== 'string') throw malformed(path, operation);
      return operation.location;
    });
  }

  /** `POST /jobs/:jobid/checkpoints` (Flink 1.19+): starts a checkpoint; resolves with its trigger id. */
  async triggerCheckpoint(jobId: string, options: CheckpointTriggerOptions = {}): Promise<string> {
    const body: Record<string, unknown> = { checkpointType: options.checkpointType ?? 'CONFIGURED' };
    if (options.triggerId !== undefined) body.triggerId = options.triggerId;
    return triggerIdFrom(await this.request('POST', `/jobs/${checkJobId(jobId)}/checkpoints`, () => jsonBody(body)));
  }

  /** Polls `GET /jobs/:jobid/checkpoints/:triggerid` until the checkpoint completed; resolves with its id. */
  waitForCheckpoint(jobId: string, triggerId: string, options: OperationWaitOptions = {}): Promise<number> {
    const path = `/jobs/${checkJobId(jobId)}/checkpoints/${encodeURIComponent(triggerId)}`;
    return this.pollOperation(path, 'checkpoint', options, (operation) => {
      if (typeof operation.checkpointId !== 'number') throw malformed(path, operation);
      return operation.checkpointId;
    });
  }

  /** `POST /savepoint-disposal`: starts deleting a savepoint; resolves with the trigger id. */
  async triggerSavepointDisposal(savepointPath: string): Promise<string> {
    return triggerIdFrom(await this.request('POST', '/savepoint-disposal', () => jsonBody({ 'savepoint-path': savepointPath })));
  }

  /** Polls `GET /savepoint-disposal/:triggerid` until the savepoint is deleted. */
  async waitForSavepointDisposal(triggerId: string, options: OperationWaitOptions = {}): Promise<void> {
    await this.pollOperation(`/savepoint-disposal/${encodeURIComponent(triggerId)}`, 'savepoint disposal', options, () => undefined);
  }

  /**
   * Polls an asynchronous operation's status path until it is COMPLETED, then returns `extract`
   * of its operation, or throws its failure cause. Waits 100 ms at first, growing to 1 s.
   */
  private async pollOperation<T>(
    path: string,
    what: string,
    options: OperationWaitOptions,
    extract: (operation: Readonly<Record<string, unknown>>) => T,
  ): Promise<T> {
    const deadline = Date.now() + (options.deadlineMs ?? this.options.timeoutMs);
    let delay = options.initialDelayMs ?? 100;
    const maxDelay = options.maxDelayMs ?? 1000;
    for (;;) {
      const body = await this.request<AsyncOperationBody | undefined>('GET', path);
      if (body?.status?.id === 'COMPLETED') {
        const operation = body.operation ?? {};
        const cause = operation['failure-cause'];
        if (cause !== undefined && cause !== null) throw new AsyncOperationError(what, decodeFailureCause(cause));
        return extract(operation);
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new FlinkTsError(
          'ERR_ILLEGAL_STATE',
          `The ${what} did not complete within ${options.deadlineMs ?? this.options.timeoutMs} ms (client.timeout); it may still complete: GET ${this.baseUrl}${path} shows its status.`,
        );
      }
      await sleep(Math.min(delay, left));
      delay = Math.min(maxDelay, Math.ceil(delay * 1.5));
    }
  }

  /**
   * Sends one request (with the retries described on the class) and returns the parsed JSON.
   * `body` is a factory: a retried request needs a fresh body.
   */
  private async request<T>(method: Method, path: string, body?: () => RequestBody): Promise<T> {
    let attempt = 0;
    for (;;) {
      let response: { status: number; text: string };
      try {
        response = await this.send(method, path, body?.());
      } catch (error) {
        const failure = classify(error);
        const retryable = this.everConnected && attempt < this.options.retries && (method === 'GET' || failure.refused);
        if (retryable) {
          attempt++;
          await sleep(this.retryDelayMs);
          continue;
        }
        const noAnswer = `no answer within ${this.options.timeoutMs} ms (client.timeout)`;
        if (failure.timeout && this.everConnected) {
          throw new FlinkTsError('ERR_ILLEGAL_STATE', `${method} ${this.baseUrl}${path} got ${noAnswer}.`, { cause: error });
        }
        if (error instanceof FlinkTsError) throw error;
        throw new ClusterUnreachableError(this.baseUrl, failure.timeout ? new Error(noAnswer) : failure.cause);
      }
      this.everConnected = true;
      const { status, text } = response;
      if (status === 503 && attempt < this.options.retries) {
        attempt++;
        await sleep(this.retryDelayMs);
        continue;
      }
      const parsed = parseJson(text);
      if (status >= 200 && status < 300) return parsed as T;
      const errors = (parsed as { errors?: unknown } | undefined)?.errors;
      throw new RestRequestError(
        status,
        Array.isArray(errors) ? errors.map(String) : text.length > 0 && parsed === undefined ? [text.slice(0, 500)] : [],
        method,
        path,
      );
    }
  }

  // node:http rather than fetch: fetch refuses the WHATWG "bad ports" (6000, 6665-6669, 10080, …),
  // and a cluster may well listen on one of them.
  private send(method: Method, path: string, body: RequestBody | undefined): Promise<{ status: number; text: string }> {
    const url = new URL(`${this.baseUrl}${path}`);
    const limit = this.options.maxContentLength ?? DEFAULT_MAX_CONTENT_LENGTH;
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
          port: url.port,
          path: `${url.pathname}${url.search}`,
          method,
          // An explicit length, also 0: node would otherwise send PATCH/POST bodies chunked.
          headers: body === undefined ? { 'Content-Length': 0 } : { 'Content-Type': body.contentType, 'Content-Length': body.bytes.length },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > limit) {
              res.destroy(
                new FlinkTsError('ERR_ILLEGAL_STATE', `The response to ${method} ${path} exceeds ${limit} bytes (rest.client.max-content-length).`),
              );
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () => {
            clearTimeout(timer);
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
          });
          res.on('error', (error) => {
            clearTimeout(timer);
            reject(error);
          });
        },
      );
      const timer = setTimeout(() => {
        req.destroy(new RequestTimeoutError());
      }, this.options.timeoutMs);
      req.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      req.end(body?.bytes);
    });
  }
}

const DEFAULT_MAX_CONTENT_LENGTH = 104_857_600;

/** A request body with its content type. */
interface RequestBody {
  readonly contentType: string;
  readonly bytes: Buffer;
}

class RequestTimeoutError extends Error {}

function jsonBody(value: unknown): RequestBody {
  return { contentType: 'application/json', bytes: Buffer.from(JSON.stringify(value)) };
}

interface FormPart {
  readonly name: string;
  readonly fileName?: string;
  readonly contentType?: string;
  readonly content: string | Uint8Array;
}

/** `multipart/form-data` with a random boundary (RFC 7578); names are ours, so they need no escaping beyond quotes. */
function multipartBody(parts: readonly FormPart[]): RequestBody {
  const boundary = `----flink-ts-${randomBytes(12).toString('hex')}`;
  const quote = (text: string): string => text.replace(/["\\\r\n]/g, (c) => encodeURIComponent(c));
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${quote(part.name)}"`;
    if (part.fileName !== undefined) head += `; filename="${quote(part.fileName)}"`;
    head += '\r\n';
    if (part.contentType !== undefined) head += `Content-Type: ${part.contentType}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`), typeof part.content === 'string' ? Buffer.from(part.content) : Buffer.from(part.content), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary=${boundary}`, bytes: Buffer.concat(chunks) };
}

interface ExecutionResultBody {
  readonly status?: { readonly id?: string };
  readonly 'job-execution-result'?: {
    readonly 'application-status'?: CompletedJobResult['applicationStatus'];
    readonly 'net-runtime'?: number;
    readonly 'accumulator-results'?: Readonly<Record<string, unknown>>;
    readonly 'failure-cause'?: FailureCauseBody;
  };
}

interface AsyncOperationBody {
  readonly status?: { readonly id?: string };
  readonly operation?: Readonly<Record<string, unknown>>;
}

function triggerIdFrom(body: unknown): string {
  const id = (body as { 'request-id'?: unknown } | undefined)?.['request-id'];
  if (typeof id !== 'string' || id.length === 0) throw new FlinkTsError('ERR_ILLEGAL_STATE', `The cluster accepted the trigger but answered no request-id (${JSON.stringify(body)}).`);
  return id;
}

function malformed(path: string, operation: unknown): FlinkTsError {
  return new FlinkTsError('ERR_ILLEGAL_STATE', `The cluster's answer to GET ${path} is malformed: ${JSON.stringify(operation)}.`);
}

interface FailureCauseBody {
  readonly class?: string;
  readonly 'stack-trace'?: string;
  readonly 'serialized-throwable'?: string;
}

/** The failure as the job's code raised it: our serialized form when present, else Flink's fields. */
function decodeFailureCause(cause: FailureCauseBody): SerializedThrowable {
  const serialized = cause['serialized-throwable'];
  if (serialized !== undefined) {
    try {
      const decoded = decodeSerializedThrowable(JSON.parse(Buffer.from(serialized, 'base64').toString('utf8')), 0);
      if (decoded !== undefined) return decoded;
    } catch {
      // A Java-serialized throwable from a Flink cluster: fall back to the text fields.
    }
  }
  const className = cause.class ?? 'Error';
  const stack = cause['stack-trace'] ?? className;
  const firstLine = stack.split('\n')[0] ?? '';
  const message = firstLine.startsWith(`${className}: `) ? firstLine.slice(className.length + 2) : firstLine;
  return { class: className, message, stack };
}

/** Our SerializedThrowable from its JSON, with its cause chain (e.g. "Recovery is suppressed by …" and the task's failure). */
function decodeSerializedThrowable(value: unknown, depth: number): SerializedThrowable | undefined {
  const decoded = value as Partial<SerializedThrowable> | null;
  if (decoded === null || typeof decoded !== 'object' || typeof decoded.class !== 'string' || typeof decoded.message !== 'string') return undefined;
  const code = typeof decoded.code === 'string' ? { code: decoded.code } : {};
  const cause = depth < 8 ? decodeSerializedThrowable(decoded.cause, depth + 1) : undefined;
  return {
    class: decoded.class,
    message: decoded.message,
    stack: decoded.stack ?? `${decoded.class}: ${decoded.message}`,
    ...code,
    ...(cause === undefined ? {} : { cause }),
  };
}

function checkJobId(jobId: string): JobId {
  try {
    return parseJobId(jobId);
  } catch (error) {
    throw new FlinkTsError('ERR_INVALID_ARGUMENT', ensureError(error).message);
  }
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

interface ConnectionFailure {
  readonly cause: unknown;
  /** Nothing listened: the request cannot have reached the server. */
  readonly refused: boolean;
  readonly timeout: boolean;
}

function classify(error: unknown): ConnectionFailure {
  if (error instanceof RequestTimeoutError) return { cause: error, refused: false, timeout: true };
  const code = (error as { code?: unknown }).code;
  return { cause: error, refused: code === 'ECONNREFUSED', timeout: false };
}

function describeCause(cause: unknown): string {
  const error = ensureError(cause);
  const code = (cause as { code?: unknown }).code;
  // Aggregated connect errors (several addresses tried) carry the interesting part inside.
  if (error instanceof AggregateError && error.errors.length > 0) return ensureError(error.errors[0]).message;
  if (error.message.length > 0) return error.message;
  return typeof code === 'string' ? code : error.name;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

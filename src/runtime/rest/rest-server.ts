/**
 * The JobManager's REST endpoint (Flink's WebMonitorEndpoint) on node:http: Flink's paths,
 * methods, status codes and JSON, with an optional `/v1` prefix. Every error answers Flink's
 * `{"errors": [...]}`; bad input never takes the server down.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import type { Logger } from '../../core/logger.js';
import { ensureError } from '../../core/errors.js';
import { isHexId } from '../../core/ids.js';
import type { RestClusterFacade } from './rest-cluster-facade.js';
import type { HandlerContext, RestHandler, RestRequest, RestResponse } from './rest-handler.js';
import type { HttpMethod } from './router.js';
import type { MultipartLimits, MultipartPart, PartSink } from './multipart.js';
import { registerCheckpointHandlers } from './handlers/checkpoint-handlers.js';
import { registerClusterHandlers } from './handlers/cluster-handlers.js';
import { registerJarHandlers } from './handlers/jar-handlers.js';
import { registerJobHandlers } from './handlers/job-handlers.js';
import { registerJobManagerHandlers } from './handlers/jobmanager-handlers.js';
import { registerSavepointHandlers } from './handlers/savepoint-handlers.js';
import { registerTaskManagerHandlers } from './handlers/taskmanager-handlers.js';
import { JarStore } from './jar-store.js';
import { DEFAULT_MULTIPART_LIMITS, MultipartError, MultipartParser, boundaryOf } from './multipart.js';
import { INTERNAL_ERROR_MESSAGE, RestHandlerError, badRequest, contentTooLarge, errorBody } from './rest-errors.js';
import { Router, splitPath } from './router.js';

export interface RestServerOptions {
  /** Interface to bind (`rest.bind-address`); all interfaces when undefined. */
  readonly bindAddress?: string | undefined;
  /**
   * Port to bind: a number, or `rest.bind-port` text: a port, a range `50100-50200`, or a comma
   * list of both. The first free one is taken; 0 picks any free port.
   */
  readonly port: number | string;
  /** Largest request body in bytes (`rest.server.max-content-length`). */
  readonly maxContentLength: number;
  readonly logger: Logger;
  readonly facade: RestClusterFacade;
  /** Where uploaded job files are kept (`web.upload.dir`); created if missing. */
  readonly uploadDir: string;
  /** `web.submit.enable`. @default true */
  readonly webSubmitEnabled?: boolean;
  /** `web.cancel.enable`. @default true */
  readonly webCancelEnabled?: boolean;
  /** Dashboard refresh interval reported by `/config`. @default 3000 */
  readonly refreshIntervalMs?: number;
  /**
   * Host clients should use (`rest.address`), reported with the bound port by `GET /jars`.
   * @default the bind address, else `localhost`
   */
  readonly advertisedHost?: string | undefined;
  /** How long results of asynchronous operations stay retrievable (`rest.async.store-duration`). @default 300000 */
  readonly asyncOperationStoreDurationMs?: number;
}

/** `rest.async.store-duration`'s default, 5 min. */
const DEFAULT_ASYNC_STORE_DURATION_MS = 5 * 60 * 1000;

const KNOWN_METHODS: ReadonlySet<string> = new Set<HttpMethod>(['GET', 'POST', 'PATCH', 'DELETE', 'PUT']);

// Path parameters that are Flink AbstractIDs: checked here once for every handler.
const HEX_ID_PARAMS: Readonly<Record<string, string>> = { jobid: 'job id', vertexid: 'vertex id', operatorid: 'operator id' };

export class RestServer {
  private constructor(
    private readonly server: Server,
    private readonly bound: AddressInfo,
    private readonly logger: Logger,
  ) {}

  /**
   * Binds the server and starts answering.
   * @throws Error when no port of `options.port` can be bound, or the upload dir cannot be created.
   */
  static async start(options: RestServerOptions): Promise<RestServer> {
    const ports = parsePortSpec(options.port);
    const jars = await JarStore.open(options.uploadDir);
    const router = new Router<RestHandler>();
    // Known once bound (port 0 and ranges pick the port then); handlers only read it later.
    const advertised = { url: '' };
    const context: HandlerContext = {
      facade: options.facade,
      jars,
      logger: options.logger,
      webSubmitEnabled: options.webSubmitEnabled ?? true,
      webCancelEnabled: options.webCancelEnabled ?? true,
      refreshIntervalMs: options.refreshIntervalMs ?? 3000,
      address: () => advertised.url,
      now: () => Date.now(),
      asyncOperationStoreDurationMs: options.asyncOperationStoreDurationMs ?? DEFAULT_ASYNC_STORE_DURATION_MS,
    };
    registerClusterHandlers(router, context);
    registerJobHandlers(router, context);
    registerCheckpointHandlers(router, context);
    registerSavepointHandlers(router, context);
    registerTaskManagerHandlers(router, context);
    registerJobManagerHandlers(router, context);
    // Flink does not register the jar handlers at all when web submission is disabled: their
    // paths answer 404 like any unknown path.
    if (context.webSubmitEnabled) registerJarHandlers(router, context);

    const server = createServer((req, res) => {
      void handleRequest(req, res, router, options);
    });
    // Keep-alive connections of idle clients must not hold close() up.
    server.keepAliveTimeout = 5000;
    const bound = await listenOnFirstFree(server, ports, options.bindAddress, options.port);
    advertised.url = `http://${hostForUrl(options.advertisedHost ?? options.bindAddress ?? 'localhost')}:${bound.port}`;
    options.logger.info(`Rest endpoint listening at ${hostForUrl(bound.address)}:${bound.port}`);
    return new RestServer(server, bound, options.logger);
  }

  /** The bound port (useful when started on port 0 or a range). */
  get port(): number {
    return this.bound.port;
  }

  /** The bound interface address, e.g. `127.0.0.1`. */
  get address(): string {
    return this.bound.address;
  }

  /**
   * Stops accepting requests and closes the connections: idle ones at once, busy ones once their
   * response is out or after `graceMs` (a long upload is cut: the server is going away).
   */
  async close(graceMs = 1000): Promise<void> {
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.server.closeAllConnections();
      }, graceMs);
      timer.unref();
      this.server.close(() => {
        clearTimeout(timer);
        resolve();
      });
      this.server.closeIdleConnections();
    });
    this.logger.info('Rest endpoint closed.');
  }
}

/**
 * Parses `rest.bind-port` text: `8081`, `50100-50200`, `50100,50105-50110`.
 * @throws Error naming the bad value.
 */
export function parsePortSpec(spec: number | string): number[] {
  const invalid = (): Error => new Error(`Invalid REST port '${String(spec)}': expected a port, a range such as 50100-50200, or a comma list of both.`);
  if (typeof spec === 'number') {
    if (!Number.isInteger(spec) || spec < 0 || spec > 65535) throw invalid();
    return [spec];
  }
  const ports: number[] = [];
  for (const part of spec.split(',')) {
    const match = /^\s*(\d{1,5})\s*(?:-\s*(\d{1,5})\s*)?$/.exec(part);
    if (match === null) throw invalid();
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (from > 65535 || to > 65535 || to < from) throw invalid();
    for (let p = from; p <= to; p++) ports.push(p);
  }
  if (ports.length === 0) throw invalid();
  return ports;
}

async function listenOnFirstFree(server: Server, ports: readonly number[], host: string | undefined, spec: number | string): Promise<AddressInfo> {
  for (const port of ports) {
    try {
      await new Promise<void>((resolve, reject) => {
        const onError = (error: Error): void => {
          server.off('listening', onListening);
          reject(error);
        };
        const onListening = (): void => {
          server.off('error', onError);
          resolve();
        };
        server.once('error', onError);
        server.once('listening', onListening);
        server.listen({ port, ...(host === undefined ? {} : { host }) });
      });
      return server.address() as AddressInfo;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
  throw new Error(`Could not start the REST server: every port of '${String(spec)}' is in use on ${host ?? 'all interfaces'}.`);
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

async function handleRequest(
  req: IncomingMessage,
  res: ServerResponse,
  router: Router<RestHandler>,
  options: RestServerOptions,
): Promise<void> {
  const body = new RequestBody(req, options.maxContentLength);
  try {
    const response = await dispatch(req, body, router);
    await writeResponse(res, response, body);
  } catch (error) {
    try {
      writeError(res, error, body, req, options.logger);
    } catch (writeFailure) {
      // The connection is gone (the client hung up); nobody is left to answer.
      options.logger.debug(`Could not send the error response: ${ensureError(writeFailure).message}`);
      res.destroy();
    }
  }
}

async function dispatch(req: IncomingMessage, body: RequestBody, router: Router<RestHandler>): Promise<RestResponse> {
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
  if (!rawPath.startsWith('/')) throw badRequest(`Malformed request path '${rawPath}'.`);
  const query = new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1));
  const decoded = splitPath(rawPath);
  if (decoded === undefined) throw badRequest(`Malformed percent-encoding in request path '${rawPath}'.`);
  const segments = decoded[0] === 'v1' ? decoded.slice(1) : decoded;
  const path = `/${segments.join('/')}`;
  const method = (req.method ?? 'GET').toUpperCase();

  const match = router.match(KNOWN_METHODS.has(method) ? method : '', segments);
  if (match.kind === 'not-found') throw new RestHandlerError(404, `Not found: ${rawPath}`);
  if (match.kind === 'method-not-allowed') {
    const allowed = match.allowed.join(', ');
    throw new RestHandlerError(405, `Method ${method} is not allowed for ${path}. Allowed: ${allowed}.`, { Allow: allowed });
  }
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(match.params)) {
    const what = HEX_ID_PARAMS[name];
    if (what !== undefined) {
      if (!isHexId(value.toLowerCase())) throw badRequest(`Invalid ${what} '${value}': expected 32 hexadecimal characters.`);
      params[name] = value.toLowerCase();
    } else {
      params[name] = value;
    }
  }
  const request: RestRequest = {
    method: method as HttpMethod,
    path,
    params,
    query,
    headers: req.headers,
    readJson: () => body.readJson(),
    readMultipart: (onPart, limits) => body.readMultipart(req.headers['content-type'], onPart, limits),
  };
  return match.handler(request);
}

async function writeResponse(res: ServerResponse, response: RestResponse, body: RequestBody): Promise<void> {
  if (body.unread) res.setHeader('Connection', 'close');
  if (response.kind === 'json') {
    const text = JSON.stringify(response.body);
    res.writeHead(response.status, { 'Content-Type': 'application/json; charset=UTF-8', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
    return;
  }
  const content = response.content;
  if (typeof content === 'string' || content instanceof Uint8Array) {
    const bytes = typeof content === 'string' ? Buffer.from(content) : content;
    res.writeHead(response.status, { 'Content-Type': response.contentType, 'Content-Length': bytes.length });
    res.end(bytes);
    return;
  }
  res.writeHead(response.status, { 'Content-Type': response.contentType });
  await pipeline(content, res);
}

function writeError(res: ServerResponse, error: unknown, body: RequestBody, req: IncomingMessage, logger: Logger): void {
  let status: number;
  let message: string;
  let headers: Readonly<Record<string, string>> = {};
  if (error instanceof RestHandlerError) {
    ({ status, message, headers } = error);
  } else if (error instanceof MultipartError) {
    status = 400;
    message = error.message;
  } else {
    status = 500;
    message = INTERNAL_ERROR_MESSAGE;
    logger.error(`Unhandled exception while answering ${req.method ?? ''} ${req.url ?? ''}.`, ensureError(error));
  }
  if (res.headersSent) {
    // Part of the response is out (a streamed log file failed midway): the client must see a
    // broken response rather than a truncated one that looks complete.
    res.destroy();
    return;
  }
  const text = JSON.stringify(errorBody([message]));
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=UTF-8',
    'Content-Length': Buffer.byteLength(text),
    ...(body.unread ? { Connection: 'close' } : {}),
  });
  res.end(text);
}

/**
 * Reads a request body at most once, within the size limit. The limit is checked against
 * Content-Length before anything is read, and counted while reading (chunked bodies).
 */
class RequestBody {
  private consumed = false;

  constructor(
    private readonly req: IncomingMessage,
    private readonly limit: number,
  ) {}

  /**
   * Whether the request carries a body nobody read. Node would otherwise read (and discard) all
   * of it to keep the connection alive, so such responses close the connection instead.
   */
  get unread(): boolean {
    if (this.consumed && this.req.complete) return false;
    const length = this.req.headers['content-length'];
    const chunked = this.req.headers['transfer-encoding'] !== undefined;
    return !this.req.complete && (chunked || (length !== undefined && length !== '0'));
  }

  async readJson(): Promise<unknown> {
    const chunks: Buffer[] = [];
    await this.consume((chunk) => {
      chunks.push(chunk);
    });
    const text = Buffer.concat(chunks).toString('utf8').trim();
    if (text.length === 0) return {};
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw badRequest(`Request body is not valid JSON: ${ensureError(error).message}`);
    }
  }

  async readMultipart(contentType: string | undefined, onPart: (part: MultipartPart) => PartSink, limits?: MultipartLimits): Promise<void> {
    let parser: MultipartParser;
    try {
      parser = new MultipartParser(boundaryOf(contentType), onPart, limits ?? DEFAULT_MULTIPART_LIMITS);
    } catch (error) {
      throw error instanceof MultipartError ? badRequest(error.message) : error;
    }
    await this.consume((chunk) => parser.write(chunk));
    try {
      parser.end();
    } catch (error) {
      throw error instanceof MultipartError ? badRequest(error.message) : error;
    }
  }

  private consume(onChunk: (chunk: Buffer) => void | Promise<void>): Promise<void> {
    if (this.consumed) return Promise.reject(new Error('The request body was already read.'));
    this.consumed = true;
    const { req, limit } = this;
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > limit) return Promise.reject(contentTooLarge(limit));
    return new Promise<void>((resolve, reject) => {
      let total = 0;
      let settled = false;
      const finish = (error?: unknown): void => {
        if (settled) return;
        settled = true;
        req.off('data', onData);
        req.off('end', onEnd);
        req.off('error', onError);
        req.off('close', onClose);
        if (error === undefined) resolve();
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- RestHandlerError or stream errors, all Errors
        else reject(error);
      };
      const onData = (chunk: Buffer): void => {
        total += chunk.length;
        if (total > limit) {
          req.pause();
          finish(contentTooLarge(limit));
          return;
        }
        let pending: void | Promise<void>;
        try {
          pending = onChunk(chunk);
        } catch (error) {
          req.pause();
          finish(error);
          return;
        }
        if (pending instanceof Promise) {
          // Stop reading until the sink took the chunk (a slow disk must not fill memory).
          req.pause();
          pending.then(
            () => {
              if (!settled) req.resume();
            },
            (error: unknown) => {
              finish(error);
            },
          );
        }
      };
      const onEnd = (): void => {
        finish();
      };
      const onError = (error: Error): void => {
        finish(error);
      };
      const onClose = (): void => {
        if (!req.complete) finish(new Error('The client closed the connection before the request body was complete.'));
      };
      req.on('data', onData);
      req.on('end', onEnd);
      req.on('error', onError);
      req.on('close', onClose);
    });
  }
}

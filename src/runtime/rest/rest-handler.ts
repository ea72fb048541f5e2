/**
 * The shapes handlers work with: a parsed request (path parameters already validated), a
 * response value the server writes, and the context every handler group is registered with.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '../../core/logger.js';
import type { JarStore } from './jar-store.js';
import type { MultipartLimits, MultipartPart, PartSink } from './multipart.js';
import type { LogContent, RestClusterFacade } from './rest-cluster-facade.js';
import type { HttpMethod, Router } from './router.js';

export interface RestRequest {
  readonly method: HttpMethod;
  /** The path as requested, without the optional `/v1` prefix. */
  readonly path: string;
  /**
   * Path parameters by name. `jobid`, `vertexid` and `operatorid` are checked 32-hex ids in
   * lower case; the others are as given (decoded).
   */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /**
   * The body parsed as JSON. An empty body reads as `{}`, as in Flink, where a request without
   * body is the empty request object.
   * @throws RestHandlerError 400 for malformed JSON, 413 past `rest.server.max-content-length`.
   */
  readJson(): Promise<unknown>;
  /**
   * Streams a `multipart/form-data` body through `onPart`; resolves once the closing boundary was
   * read and every sink ended.
   * @throws RestHandlerError 400 for a body that is not (well-formed) multipart, 413 past the limit;
   *   errors thrown by `onPart` or a sink are passed through.
   */
  readMultipart(onPart: (part: MultipartPart) => PartSink, limits?: MultipartLimits): Promise<void>;
}

export type RestResponse =
  | { readonly kind: 'json'; readonly status: number; readonly body: unknown }
  | { readonly kind: 'content'; readonly status: number; readonly contentType: string; readonly content: LogContent };

export type RestHandler = (request: RestRequest) => Promise<RestResponse>;

export function jsonResponse(body: unknown, status = 200): RestResponse {
  return { kind: 'json', status, body };
}

/** Flink's EmptyResponseBody is serialized as `{}`. */
export function emptyResponse(status = 200): RestResponse {
  return { kind: 'json', status, body: {} };
}

export function textResponse(content: LogContent): RestResponse {
  return { kind: 'content', status: 200, contentType: 'text/plain; charset=UTF-8', content };
}

/** What handler groups are built from. */
export interface HandlerContext {
  readonly facade: RestClusterFacade;
  readonly jars: JarStore;
  readonly logger: Logger;
  /** `web.submit.enable`: whether the `/jars` handlers exist at all. */
  readonly webSubmitEnabled: boolean;
  /** `web.cancel.enable`: reported in `/config` for the dashboard. */
  readonly webCancelEnabled: boolean;
  /** Dashboard refresh interval in milliseconds, reported in `/config`. */
  readonly refreshIntervalMs: number;
  /** The server's own address, `http://host:port`, reported by `GET /jars`. */
  readonly address: () => string;
  readonly now: () => number;
  /** `rest.async.store-duration` in ms: how long results of savepoints and other async operations stay. */
  readonly asyncOperationStoreDurationMs: number;
}

export type HandlerRouter = Router<RestHandler>;

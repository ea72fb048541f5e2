/**
 * A RestServer on 127.0.0.1 (any free port) over a FakeClusterFacade, with its own upload dir
 * and an in-memory log, plus small HTTP helpers for the tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger, MemoryLogSink } from '../../../src/core/logger.js';
import { RestServer } from '../../../src/runtime/rest/rest-server.js';
import type { RestServerOptions } from '../../../src/runtime/rest/rest-server.js';
import { FakeClusterFacade } from './fake-cluster-facade.js';

export interface TestServer {
  readonly server: RestServer;
  readonly facade: FakeClusterFacade;
  readonly url: string;
  readonly uploadDir: string;
  readonly logs: MemoryLogSink;
  close(): Promise<void>;
}

export async function startTestServer(options: Partial<Omit<RestServerOptions, 'facade' | 'logger'>> & { facade?: FakeClusterFacade } = {}): Promise<TestServer> {
  const facade = options.facade ?? new FakeClusterFacade();
  const logs = new MemoryLogSink();
  const dir = await mkdtemp(join(tmpdir(), 'flink-ts-rest-test-'));
  const uploadDir = options.uploadDir ?? join(dir, 'uploads');
  const server = await RestServer.start({
    bindAddress: '127.0.0.1',
    port: 0,
    maxContentLength: 10 * 1024 * 1024,
    ...options,
    uploadDir,
    facade,
    logger: new Logger('RestServer', logs, 'INFO'),
  });
  return {
    server,
    facade,
    url: `http://127.0.0.1:${server.port}`,
    uploadDir,
    logs,
    close: async () => {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  readonly json: unknown;
}

/** A request with fetch; the body as JSON unless it is a string or FormData. */
export async function call(url: string, method: string, path: string, body?: unknown): Promise<HttpResult> {
  const init: RequestInit = { method };
  if (body instanceof FormData || typeof body === 'string') init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { 'Content-Type': 'application/json' };
  }
  const response = await fetch(`${url}${path}`, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/**
 * A raw request with node:http, for what fetch cannot send: a path that is not normalised
 * (`/../`), a Content-Length that lies, a body cut short.
 */
export function rawRequest(
  port: number,
  options: { method: string; path: string; headers?: Record<string, string | number>; body?: Buffer | string; endBody?: boolean },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: options.method, path: options.path, headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    // A server that answers before reading the whole body may reset the connection while we
    // write; the response has usually arrived by then, so only a missing response is an error.
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    if (options.endBody !== false) req.end();
  });
}

/** The `errors` of Flink's error body. */
export function errorsOf(result: { json?: unknown; text: string }): string[] {
  const json: unknown = result.json ?? JSON.parse(result.text);
  return (json as { errors: string[] }).errors;
}

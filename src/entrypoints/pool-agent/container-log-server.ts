/**
 * The agent's REST endpoint (YARN's NodeManager web service, reduced to logs), read by
 * `flink-ts logs`:
 *
 * - `GET /containers`: `{ containers: [{ id, applicationId, kind, state, pid, exitCode }] }`, every
 *   container with a directory on this host, also those that ended;
 * - `GET /containers/<id>/logs`: `{ files: [{ name, size }] }`, the files of its `log/` directory;
 * - `GET /containers/<id>/logs/<file>`: the file as text; `?tail=<n>` for its last n lines.
 *
 * Only regular files directly in a container's `log/` directory are served: ids must be
 * container ids, file names plain names (no `/`, no leading dot), and symbolic links are not
 * followed. Anything else is 404. The endpoint changes nothing and serves no configuration
 * (conf/config.yaml holds the cluster secret).
 */
import { createReadStream, lstatSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { tailLines } from '../daemon/log-files.js';
import { isContainerId } from './container-ids.js';
import { containerPaths, listContainerIds, readMetadata } from './container-directory.js';

const LOG_FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}$/;
/** The most lines `?tail=` returns (tailLines reads the last 64 KiB anyway). */
const MAX_TAIL = 100_000;

export interface ContainerSummary {
  readonly id: string;
  readonly applicationId: string;
  readonly kind: string;
  readonly state: string;
  readonly pid: number | null;
  readonly exitCode: number | null;
}

export interface LogFileEntry {
  readonly name: string;
  readonly size: number;
}

export class ContainerLogServer {
  private constructor(
    private readonly server: Server,
    /** `http://host:port` */
    readonly address: string,
  ) {}

  /** Listens on `host:port` (0: a free port). */
  static async start(workDir: string, host: string, port: number): Promise<ContainerLogServer> {
    const server = createServer((request, response) => {
      handle(workDir, request, response);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const bound = server.address() as AddressInfo;
    const shown = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
    return new ContainerLogServer(server, `http://${shown}:${bound.port}`);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      // A client in the middle of a long download must not hold the agent's stop.
      this.server.closeAllConnections();
    });
  }
}

function handle(workDir: string, request: IncomingMessage, response: ServerResponse): void {
  const url = new URL(request.url ?? '/', 'http://agent');
  if (request.method !== 'GET') return send(response, 405, { errors: [`${request.method ?? '?'} is not allowed: the agent's endpoint is read-only.`] });
  const segments = url.pathname.split('/').filter((s) => s !== '');
  if (segments.length === 1 && segments[0] === 'containers') return send(response, 200, { containers: summaries(workDir) });
  const [root, id, logs, file, ...rest] = segments;
  if (root !== 'containers' || logs !== 'logs' || rest.length > 0 || !isContainerId(id)) return notFound(response, url.pathname);
  const paths = containerPaths(workDir, id);
  if (file === undefined) {
    const files = logFiles(paths.log);
    return files === undefined ? notFound(response, url.pathname) : send(response, 200, { files });
  }
  if (!LOG_FILE_NAME.test(file)) return notFound(response, url.pathname);
  const path = join(paths.log, file);
  if (!isRegularFile(path)) return notFound(response, url.pathname);
  const tail = url.searchParams.get('tail');
  if (tail !== null) {
    if (!/^\d{1,6}$/.test(tail) || Number(tail) > MAX_TAIL) return send(response, 400, { errors: [`tail must be a number of lines from 0 to ${MAX_TAIL}, got '${tail}'.`] });
    const lines = tailLines(path, Number(tail));
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(lines.map((l) => `${l}\n`).join(''));
    return;
  }
  response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
  createReadStream(path).on('error', () => response.destroy()).pipe(response);
}

function summaries(workDir: string): ContainerSummary[] {
  const out: ContainerSummary[] = [];
  for (const id of listContainerIds(workDir)) {
    const metadata = readMetadata(containerPaths(workDir, id));
    if (metadata === undefined) continue;
    out.push({ id, applicationId: metadata.applicationId, kind: metadata.kind, state: metadata.state, pid: metadata.pid ?? null, exitCode: metadata.exitCode ?? null });
  }
  return out;
}

function logFiles(dir: string): LogFileEntry[] | undefined {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  const files: LogFileEntry[] = [];
  for (const name of names.sort()) {
    if (!LOG_FILE_NAME.test(name)) continue;
    try {
      const stat = lstatSync(join(dir, name));
      if (stat.isFile()) files.push({ name, size: stat.size });
    } catch {
      // Removed meanwhile.
    }
  }
  return files;
}

function isRegularFile(path: string): boolean {
  try {
    return lstatSync(path).isFile();
  } catch {
    return false;
  }
}

function notFound(response: ServerResponse, path: string): void {
  send(response, 404, { errors: [`Not found: ${path}. Paths: /containers, /containers/<container id>/logs, /containers/<container id>/logs/<file>.`] });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

/**
 * `conf/masters` and `conf/workers`, read as Flink's config.sh reads them:
 *
 * - one host per line; `#` starts a comment; blank lines are skipped; `\r` is dropped;
 * - a network-topology prefix is stripped (`/rack1/node7` is `node7`), as config.sh's
 *   `extractHostName` does;
 * - masters: `host[:webuiport]` (a port of 0 means "not given", as in the script);
 * - workers: `host`, here also `[user@]host[:sshport]`; a host listed N times runs N TaskManagers.
 *
 * Where the script silently takes the first word of a line or passes garbage on to ssh, this
 * parser stops with the file, the line and what is expected.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FlinkTsError } from '../core/errors.js';
import type { HostSpec } from './host-spec.js';
import { hostKey } from './host-spec.js';

export const MASTERS_FILE = 'masters';
export const WORKERS_FILE = 'workers';

/** A hosts file is missing or has a line that is not a host entry. */
export class HostsFileError extends FlinkTsError {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
  ) {
    super('ERR_HOSTS_FILE', message);
  }
}
Object.defineProperty(HostsFileError.prototype, 'name', { value: 'HostsFileError' });

/** One line of `conf/masters`. */
export interface MasterEntry {
  readonly host: string;
  /** The `:webuiport` (the JobManager's `rest.port`), when given and not 0. */
  readonly webUiPort?: number | undefined;
  /** 1-based line number, for messages. */
  readonly line: number;
}

/** One line of `conf/workers`: one TaskManager. */
export interface WorkerEntry {
  readonly spec: HostSpec;
  readonly line: number;
}

/** A worker host with the number of TaskManagers it runs (the times it is listed). */
export interface WorkerHost {
  readonly spec: HostSpec;
  readonly taskManagers: number;
}

// Host names, IPv4 addresses, or (inside brackets) IPv6 addresses. Anything else (quotes, `$`,
// `;`, spaces) would end up in an ssh command line or a path on the host.
const HOST_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?$/;
const IPV6 = /^[0-9A-Fa-f:.]+(?:%[A-Za-z0-9._-]+)?$/;
const USER_NAME = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/;

interface RawEntry {
  readonly text: string;
  readonly line: number;
}

/** The non-empty entries of a hosts file, comments and topology prefixes removed. */
function entries(text: string, file: string): RawEntry[] {
  const result: RawEntry[] = [];
  text.split('\n').forEach((rawLine, index) => {
    const line = index + 1;
    const withoutComment = rawLine.replace(/\r/g, '').split('#', 1)[0] ?? '';
    const words = withoutComment.trim().split(/\s+/).filter((w) => w !== '');
    if (words.length === 0) return;
    if (words.length > 1) {
      throw new HostsFileError(`${file}:${line}: one host per line, found '${words.join(' ')}'.`, file, line);
    }
    const word = words[0] ?? '';
    const slash = word.lastIndexOf('/');
    const entry = slash === -1 ? word : word.slice(slash + 1);
    if (entry === '') throw new HostsFileError(`${file}:${line}: no host after the topology prefix in '${word}'.`, file, line);
    result.push({ text: entry, line });
  });
  return result;
}

interface HostAndPort {
  readonly host: string;
  readonly port?: string | undefined;
}

function splitHostPort(text: string): HostAndPort | undefined {
  if (text.startsWith('[')) {
    const match = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
    if (match?.[1] === undefined || !IPV6.test(match[1])) return undefined;
    return { host: match[1], port: match[2] };
  }
  const colon = text.indexOf(':');
  if (colon === -1) return { host: text };
  if (text.indexOf(':', colon + 1) !== -1) return undefined; // an IPv6 address needs brackets
  return { host: text.slice(0, colon), port: text.slice(colon + 1) };
}

function parsePort(text: string, min: number): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= min && port <= 65535 ? port : undefined;
}

/** Parses `conf/masters`: `host[:webuiport]` per line. `file` names the file in messages. */
export function parseMasters(text: string, file: string): MasterEntry[] {
  return entries(text, file).map(({ text: entry, line }) => {
    const expected = `Expected host[:webuiport], e.g. 'jm1.example.com:8081'.`;
    const parts = splitHostPort(entry);
    if (parts === undefined || (!HOST_NAME.test(parts.host) && !IPV6.test(parts.host))) {
      throw new HostsFileError(`${file}:${line}: '${entry}' is not a host. ${expected}`, file, line);
    }
    if (parts.port === undefined) return { host: parts.host, line };
    const port = parsePort(parts.port, 0);
    if (port === undefined) throw new HostsFileError(`${file}:${line}: invalid web UI port '${parts.port}' in '${entry}'. ${expected}`, file, line);
    // config.sh passes 0 on as "no port": the JobManager keeps rest.port.
    return port === 0 ? { host: parts.host, line } : { host: parts.host, webUiPort: port, line };
  });
}

/** Parses `conf/workers`: `[user@]host[:sshport]` per line. `file` names the file in messages. */
export function parseWorkers(text: string, file: string): WorkerEntry[] {
  return entries(text, file).map(({ text: entry, line }) => {
    const expected = `Expected [user@]host[:sshport], e.g. 'worker1', 'flink@worker2' or 'worker3:2222'.`;
    const at = entry.lastIndexOf('@');
    const user = at === -1 ? undefined : entry.slice(0, at);
    if (user !== undefined && !USER_NAME.test(user)) {
      throw new HostsFileError(`${file}:${line}: invalid user '${user}' in '${entry}'. ${expected}`, file, line);
    }
    const parts = splitHostPort(at === -1 ? entry : entry.slice(at + 1));
    if (parts === undefined || (!HOST_NAME.test(parts.host) && !IPV6.test(parts.host))) {
      throw new HostsFileError(`${file}:${line}: '${entry}' is not a host. ${expected}`, file, line);
    }
    let port: number | undefined;
    if (parts.port !== undefined) {
      port = parsePort(parts.port, 1);
      if (port === undefined) throw new HostsFileError(`${file}:${line}: invalid SSH port '${parts.port}' in '${entry}'. ${expected}`, file, line);
    }
    return { spec: { host: parts.host, user, port }, line };
  });
}

function readHostsFile(confDir: string, name: string, missing: string): { text: string; file: string } {
  const file = join(confDir, name);
  try {
    return { text: readFileSync(file, 'utf8'), file };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new HostsFileError(missing.replace('%s', file), file);
    throw new HostsFileError(`Cannot read ${file}: ${(error as Error).message}`, file);
  }
}

/**
 * `<confDir>/masters`, with at least one host.
 * @throws HostsFileError with Flink's message when the file is missing, or naming the line.
 */
export function readMasters(confDir: string): MasterEntry[] {
  const { text, file } = readHostsFile(confDir, MASTERS_FILE, "No masters file. Please specify masters in '%s'.");
  const masters = parseMasters(text, file);
  if (masters.length === 0) throw new HostsFileError(`${file} lists no host. Please specify the JobManager's host in it.`, file);
  return masters;
}

/**
 * `<confDir>/workers` (it may list no host: the cluster then has no TaskManager until one is added).
 * @throws HostsFileError with Flink's message when the file is missing, or naming the line.
 */
export function readWorkers(confDir: string): WorkerEntry[] {
  const { text, file } = readHostsFile(confDir, WORKERS_FILE, "No workers file. Please specify workers in '%s'.");
  return parseWorkers(text, file);
}

/** The worker hosts in order of first appearance, each with the number of times it is listed. */
export function groupWorkers(workers: readonly WorkerEntry[]): WorkerHost[] {
  const byKey = new Map<string, { spec: HostSpec; taskManagers: number }>();
  for (const { spec } of workers) {
    const key = hostKey(spec);
    const known = byKey.get(key);
    if (known === undefined) byKey.set(key, { spec, taskManagers: 1 });
    else known.taskManagers += 1;
  }
  return [...byKey.values()];
}

/**
 * A real session cluster on loopback for integration tests: a temp dir with its own conf dir
 * (free ports, short heartbeats, a cluster secret), pid dir, log dir and tmp dir; processes
 * started and stopped with the built CLI exactly as a user would (`jobmanager start`,
 * `taskmanager start`, `stop-all`); REST calls over plain HTTP; every wait is a poll with a
 * deadline on a condition.
 *
 * `shutdown()` is the contract every test file relies on: it stops everything with `stop-all`
 * and fails the file if a process or a pid file is left behind.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProcessResult, RunningProcess } from '../entrypoints/daemon-harness.js';
import { ProcessTracker, assertBuilt, cleanEnv, isGone, readPidFile, runCli, startCli, waitFor } from '../entrypoints/daemon-harness.js';

export { isGone, readPidFile, waitFor } from '../entrypoints/daemon-harness.js';
export type { ProcessResult, RunningProcess } from '../entrypoints/daemon-harness.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const WORD_COUNT = join(ROOT, 'examples', 'word-count.ts');
export const JOBS = fileURLToPath(new URL('../../fixtures/jobs/', import.meta.url));
export const CLUSTER_JOBS = join(JOBS, 'cluster');

/** Pid and log file names carry the user; a fixed one keeps them predictable. */
export const USER = 'cluster-test';
export const HOST = hostname();

export type Daemon = 'standalonesession' | 'taskexecutor';

/** A port nobody listens on right now (the OS picks it; the socket is closed again at once). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  readonly json: unknown;
}

/** Flink's error body: `{"errors": [...]}`. */
export function errorsOf(response: HttpResponse): string[] {
  const body = response.json as { errors?: unknown } | undefined;
  assert.ok(body !== undefined && Array.isArray(body.errors), `not an error body: ${response.status} ${response.text}`);
  for (const e of body.errors) assert.equal(typeof e, 'string');
  return body.errors as string[];
}

export interface JobVertexDetails {
  readonly id: string;
  readonly name: string;
  readonly parallelism: number;
  readonly status: string;
  readonly tasks: Record<string, number>;
  readonly metrics: Record<string, number | boolean>;
}

export interface JobDetails {
  readonly jid: string;
  readonly name: string;
  readonly state: string;
  readonly 'job-type': string;
  readonly vertices: readonly JobVertexDetails[];
}

export interface SubtaskDetails {
  readonly subtask: number;
  readonly status: string;
  readonly 'taskmanager-id': string;
  readonly endpoint: string;
}

export interface Overview {
  readonly taskmanagers: number;
  readonly 'slots-total': number;
  readonly 'slots-available': number;
  readonly 'jobs-running': number;
}

export interface ClusterOptions {
  /** Extra `config.yaml` entries (flat keys), given the cluster's temp dir. */
  readonly config?: (dir: string) => Readonly<Record<string, string | number>>;
}

/** The job id a `run` printed. */
export function submittedJobId(stdout: string): string {
  const match = /Job has been submitted with JobID ([0-9a-f]{32})/.exec(stdout);
  assert.ok(match?.[1] !== undefined, `no job id in the output:\n${stdout}`);
  return match[1];
}

export function describeResult(result: ProcessResult): string {
  return `exit ${String(result.code)}${result.signal === null ? '' : ` (${result.signal})`}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
}

export class TestCluster {
  readonly dir: string;
  readonly confDir: string;
  readonly pidDir: string;
  readonly logDir: string;
  readonly tmpDir: string;
  /** The cluster's secret; kept out of every log (the tests check that too). */
  readonly secret = `s3cret-${randomBytes(12).toString('hex')}`;
  restPort = 0;
  rpcPort = 0;
  private readonly tracker = new ProcessTracker();
  /** Every daemon pid seen in a pid file: all must be gone after `shutdown()`. */
  private readonly daemonPids = new Set<number>();
  private readonly config: Readonly<Record<string, string | number>>;

  constructor(
    readonly name: string,
    options: ClusterOptions = {},
  ) {
    assertBuilt();
    this.dir = mkdtempSync(join(tmpdir(), `flink-ts-cluster-${name}-`));
    this.confDir = join(this.dir, 'conf');
    this.pidDir = join(this.dir, 'pids');
    this.logDir = join(this.dir, 'logs');
    this.tmpDir = join(this.dir, 'tmp');
    mkdirSync(this.confDir);
    mkdirSync(this.tmpDir);
    this.config = options.config?.(this.dir) ?? {};
  }

  /** `127.0.0.1:<rest port>`, for `-m`. */
  get restAddress(): string {
    return `127.0.0.1:${this.restPort}`;
  }

  /** Starts a JobManager and TaskManagers with these slot counts, and waits until all slots are registered. */
  static async start(name: string, taskManagerSlots: readonly number[], options: ClusterOptions = {}): Promise<TestCluster> {
    const cluster = new TestCluster(name, options);
    try {
      await cluster.startJobManager();
      for (const slots of taskManagerSlots) await cluster.startTaskManager(slots);
      const total = taskManagerSlots.reduce((a, b) => a + b, 0);
      await cluster.waitForOverview(`${taskManagerSlots.length} TaskManagers with ${total} slots`, (o) => o.taskmanagers === taskManagerSlots.length && o['slots-total'] === total);
      return cluster;
    } catch (error) {
      await cluster.shutdown().catch(() => undefined);
      throw error;
    }
  }

  /** Writes conf/config.yaml for the current ports. Pid, log and tmp dirs live in the temp dir. */
  private writeConfig(): void {
    const entries: Record<string, string | number> = {
      'jobmanager.rpc.address': '127.0.0.1',
      'jobmanager.bind-host': '127.0.0.1',
      'jobmanager.rpc.port': this.rpcPort,
      'rest.address': '127.0.0.1',
      'rest.bind-address': '127.0.0.1',
      'rest.port': this.restPort,
      'taskmanager.host': '127.0.0.1',
      'taskmanager.bind-host': '127.0.0.1',
      // Short heartbeats keep the failure tests quick.
      'heartbeat.interval': '1 s',
      'heartbeat.timeout': '5 s',
      'security.cluster-secret': this.secret,
      'env.pid.dir': this.pidDir,
      'env.log.dir': this.logDir,
      'io.tmp.dirs': this.tmpDir,
      ...this.config,
    };
    const yaml = Object.entries(entries)
      .map(([key, value]) => `${key}: ${typeof value === 'number' ? String(value) : JSON.stringify(value)}`)
      .join('\n');
    writeFileSync(join(this.confDir, 'config.yaml'), `${yaml}\n`);
  }

  /** The environment of every CLI call: this cluster's conf dir and the fixed user, nothing inherited. */
  env(): NodeJS.ProcessEnv {
    return cleanEnv({ FLINK_TS_CONF_DIR: this.confDir, FLINK_IDENT_STRING: USER });
  }

  /** Runs `flink-ts <args>` to its end, from the temp dir. */
  cli(...args: string[]): Promise<ProcessResult> {
    return runCli(args, { cwd: this.dir, env: this.env() });
  }

  /** Starts `flink-ts <args>` and tracks its pid (so `shutdown()` kills it if a test did not wait for it). */
  startCli(...args: string[]): RunningProcess {
    const running = startCli(args, { cwd: this.dir, env: this.env() });
    this.tracker.track(running.child.pid);
    return running;
  }

  pidFile(daemon: Daemon): string {
    return join(this.pidDir, `flink-${USER}-${daemon}.pid`);
  }

  /** The pids in the daemon's pid file, oldest first; they are remembered for `shutdown()`. */
  pids(daemon: Daemon): number[] {
    const pids = this.tracker.trackPidFile(this.pidFile(daemon));
    for (const pid of pids) this.daemonPids.add(pid);
    return pids;
  }

  /**
   * `jobmanager start` on free ports. Ports are found by binding port 0 and closing it again, so
   * another process may take one in between: a start that fails with the port in use is retried
   * with new ports.
   */
  async startJobManager(...properties: string[]): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      this.restPort = await freePort();
      this.rpcPort = await freePort();
      this.writeConfig();
      const result = await this.cli('jobmanager', 'start', ...properties.flatMap((p) => ['-D', p]));
      const pids = this.pids('standalonesession');
      if (result.code === 0) {
        assert.equal(result.stdout, `Starting standalonesession daemon on host ${HOST}.\n`, describeResult(result));
        const pid = pids.at(-1);
        assert.ok(pid !== undefined, 'jobmanager start recorded no pid');
        return pid;
      }
      if (attempt >= 3 || !/EADDRINUSE|in use/i.test(result.stderr)) assert.fail(`jobmanager start failed: ${describeResult(result)}`);
    }
  }

  /** `taskmanager start` with `slots` slots; resolves with the new process's pid. */
  async startTaskManager(slots: number, ...properties: string[]): Promise<number> {
    const before = new Set(readPidFile(this.pidFile('taskexecutor')));
    const result = await this.cli('taskmanager', 'start', '-D', `taskmanager.numberOfTaskSlots=${slots}`, ...properties.flatMap((p) => ['-D', p]));
    const pids = this.pids('taskexecutor');
    assert.equal(result.code, 0, `taskmanager start failed: ${describeResult(result)}`);
    assert.match(result.stdout, new RegExp(`^Starting taskexecutor daemon on host ${escapeRegExp(HOST)}\\.$`, 'm'));
    const added = pids.filter((pid) => !before.has(pid));
    assert.equal(added.length, 1, `expected one new pid in ${this.pidFile('taskexecutor')}, got ${JSON.stringify(pids)}`);
    return added[0] ?? -1;
  }

  /** The `.log` file of the daemon process with this pid (its banner names the pid). */
  logFileOf(daemon: Daemon, pid: number): string {
    const pattern = new RegExp(`^flink-${USER}-${daemon}-\\d+-${escapeRegExp(HOST)}\\.log$`);
    const candidates = existsSync(this.logDir) ? readdirSync(this.logDir).filter((name) => pattern.test(name)) : [];
    for (const name of candidates) {
      const path = join(this.logDir, name);
      if (new RegExp(`PID: ${pid}\\b`).test(readFileSync(path, 'utf8'))) return path;
    }
    assert.fail(`no ${daemon} log in ${this.logDir} names pid ${pid} (files: ${candidates.join(', ')})`);
  }

  readLog(daemon: Daemon, pid: number): string {
    return readFileSync(this.logFileOf(daemon, pid), 'utf8');
  }

  /** One HTTP request to the REST endpoint (a new connection each time, so none lingers). */
  request(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<HttpResponse> {
    return new Promise<HttpResponse>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: this.restPort, method, path, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** GET that must answer 200; resolves with the JSON body. */
  async get<T>(path: string): Promise<T> {
    const response = await this.request('GET', path);
    assert.equal(response.status, 200, `GET ${path}: ${response.status} ${response.text}`);
    return response.json as T;
  }

  overview(): Promise<Overview> {
    return this.get<Overview>('/overview');
  }

  async waitForOverview(what: string, condition: (overview: Overview) => boolean, timeoutMs = 20_000): Promise<Overview> {
    let last: Overview | undefined;
    try {
      return await waitFor(
        what,
        async () => {
          last = await this.overview();
          return condition(last) ? last : undefined;
        },
        timeoutMs,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message} Last /overview: ${JSON.stringify(last)}`);
    }
  }

  /** Waits until every registered slot is free again (the previous test's jobs have let go of theirs). */
  waitForAllSlotsFree(): Promise<Overview> {
    return this.waitForOverview('every slot to be free and no job running', (o) => o['slots-available'] === o['slots-total'] && o['jobs-running'] === 0);
  }

  job(jobId: string): Promise<JobDetails> {
    return this.get<JobDetails>(`/jobs/${jobId}`);
  }

  async waitForJobState(jobId: string, state: string, timeoutMs = 20_000): Promise<JobDetails> {
    let last: string | undefined;
    try {
      return await waitFor(
        `job ${jobId} to be ${state}`,
        async () => {
          const job = await this.job(jobId);
          last = job.state;
          return job.state === state ? job : undefined;
        },
        timeoutMs,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message} Last state: ${String(last)}`);
    }
  }

  /** The job state RUNNING comes before its tasks are deployed; this waits for every task to run. */
  waitForAllTasksRunning(jobId: string, timeoutMs = 20_000): Promise<JobDetails> {
    return waitFor(
      `every task of job ${jobId} to be RUNNING`,
      async () => {
        const job = await this.job(jobId);
        if (job.state !== 'RUNNING') return undefined;
        return job.vertices.every((v) => v.tasks.RUNNING === v.parallelism) ? job : undefined;
      },
      timeoutMs,
    );
  }

  async subtasks(jobId: string, vertexId: string): Promise<SubtaskDetails[]> {
    return (await this.get<{ subtasks: SubtaskDetails[] }>(`/jobs/${jobId}/vertices/${vertexId}`)).subtasks;
  }

  async taskManagerIds(): Promise<string[]> {
    return (await this.get<{ taskmanagers: { id: string }[] }>('/taskmanagers')).taskmanagers.map((tm) => tm.id).sort();
  }

  /**
   * Stops every TaskManager and the JobManager with `stop-all`, then asserts that every process
   * this cluster ever recorded is gone and that no pid file (or lock) is left. Processes still
   * running after a failed assertion are killed, and the temp dir is removed (kept with
   * FLINK_TS_KEEP_TEST_DIRS=1, for debugging).
   *
   * Processes that shut down cleanly remove their temporary files (BlobCache, uploads) from
   * `io.tmp.dirs`; a test that killed a process passes `killedProcesses` to skip that check.
   */
  async shutdown(options: { killedProcesses?: boolean } = {}): Promise<void> {
    try {
      this.pids('taskexecutor');
      this.pids('standalonesession');
      const tms = await this.cli('taskmanager', 'stop-all');
      assert.equal(tms.code, 0, `taskmanager stop-all: ${describeResult(tms)}`);
      const jm = await this.cli('jobmanager', 'stop-all');
      assert.equal(jm.code, 0, `jobmanager stop-all: ${describeResult(jm)}`);
      // `stop` returns once the process has released its memory (its command line is empty);
      // the kernel may need a moment more before it is a zombie or gone.
      for (const pid of this.daemonPids) await waitFor(`process ${pid} to be gone after stop-all`, () => isGone(pid), 5000);
      const leftovers = existsSync(this.pidDir) ? readdirSync(this.pidDir) : [];
      assert.deepEqual(leftovers, [], `files left in the pid dir ${this.pidDir}`);
      if (options.killedProcesses !== true) assert.deepEqual(readdirSync(this.tmpDir), [], `files left in io.tmp.dirs ${this.tmpDir}`);
    } finally {
      await this.tracker.cleanUp();
      if (process.env.FLINK_TS_KEEP_TEST_DIRS !== '1') rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

/**
 * Sends raw bytes to a port and resolves with the server's response. With `untilClosed`, it
 * resolves only once the server has closed the connection (and fails if it does not); otherwise
 * as soon as one complete response (headers and Content-Length bytes of body) has arrived.
 */
export function rawHttp(port: number, chunks: readonly (string | Buffer)[], options: { untilClosed: boolean; timeoutMs?: number }): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    const done = (error?: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      if (error === undefined) resolve(received.toString('utf8'));
      else reject(error);
    };
    const timer = setTimeout(() => {
      const what = options.untilClosed ? 'close the connection' : 'send a complete response';
      done(new Error(`the server did not ${what} within ${timeoutMs} ms; received so far:\n${received.toString('utf8')}`));
    }, timeoutMs);
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (!options.untilClosed && isCompleteResponse(received)) done();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // A reset after the answer still counts: what arrived before it is what the test checks.
      if (received.length > 0 && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) return;
      done(error);
    });
    socket.on('close', () => {
      if (options.untilClosed || isCompleteResponse(received)) done();
      else done(new Error(`the server closed the connection before a complete response:\n${received.toString('utf8')}`));
    });
  });
}

function isCompleteResponse(bytes: Buffer): boolean {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const length = /\r\ncontent-length: *(\d+)\r\n/i.exec(bytes.subarray(0, end + 2).toString('latin1'));
  return length?.[1] !== undefined && bytes.length >= end + 4 + Number(length[1]);
}

/** `text` as a literal inside a RegExp. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

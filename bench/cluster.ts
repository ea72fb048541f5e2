/**
 * A throw-away session cluster for benchmarks, started and stopped through the real CLI
 * (`flink-ts jobmanager start`, `taskmanager start`), as a user would. Everything it writes (conf,
 * cluster secret, pid files, logs, blob caches) goes into one temp directory, and its ports are
 * picked free, so a benchmark never touches `conf/`, `/tmp/flink-*.pid` or a cluster someone else
 * runs on 8081.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT } from './cli.js';

const BIN = join(ROOT, 'bin', 'flink-ts');
/** Fixed, so pid file names do not depend on who runs the benchmark. */
const IDENT = 'bench';

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export interface Overview {
  readonly taskmanagers: number;
  readonly 'slots-total': number;
  readonly 'slots-available': number;
}

/** A port nobody listens on right now: bind port 0, read the port, release it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export class BenchCluster {
  readonly dir: string;
  readonly confDir: string;
  readonly pidDir: string;
  readonly logDir: string;

  private constructor(
    readonly restPort: number,
    readonly rpcPort: number,
    /** Extra environment for every CLI command and daemon (e.g. NODE_OPTIONS for profiling). */
    private readonly extraEnv: NodeJS.ProcessEnv,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'flink-ts-bench-cluster-'));
    this.confDir = join(this.dir, 'conf');
    this.pidDir = join(this.dir, 'pids');
    this.logDir = join(this.dir, 'log');
    mkdirSync(this.confDir);
    mkdirSync(join(this.dir, 'tmp'));
    // Only what differs from the defaults: ports, where files go, loopback binding.
    writeFileSync(
      join(this.confDir, 'config.yaml'),
      [
        'jobmanager.bind-host: localhost',
        'jobmanager.rpc.address: localhost',
        `jobmanager.rpc.port: ${rpcPort}`,
        'taskmanager.bind-host: localhost',
        'taskmanager.host: localhost',
        'taskmanager.numberOfTaskSlots: 1',
        'rest.address: localhost',
        'rest.bind-address: localhost',
        `rest.port: ${restPort}`,
        `env.pid.dir: ${this.pidDir}`,
        `env.log.dir: ${this.logDir}`,
        `io.tmp.dirs: ${join(this.dir, 'tmp')}`,
        '',
      ].join('\n'),
    );
  }

  /** A fresh cluster directory with free REST and RPC ports; nothing runs yet. */
  static async create(extraEnv: NodeJS.ProcessEnv = {}): Promise<BenchCluster> {
    const restPort = await freePort();
    let rpcPort = await freePort();
    while (rpcPort === restPort) rpcPort = await freePort();
    const cluster = new BenchCluster(restPort, rpcPort, extraEnv);
    ACTIVE.add(cluster);
    stopOnSignals();
    return cluster;
  }

  get address(): string {
    return `localhost:${this.restPort}`;
  }

  env(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, FLINK_TS_CONF_DIR: this.confDir, FLINK_IDENT_STRING: IDENT, ...this.extraEnv };
    // A properties override from the caller's shell would make runs differ from the conf above.
    delete env.FLINK_TS_PROPERTIES;
    return env;
  }

  /** Runs `flink-ts <args>` against this cluster's conf dir. */
  cli(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
    return new Promise((resolve, reject) => {
      const start = performance.now();
      const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...this.env(), ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - start }));
    });
  }

  /** `env` reaches the daemon too (the launcher passes its environment on): e.g. NODE_OPTIONS=--cpu-prof. */
  async startJobManager(properties: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
    return checked(await this.cli(['jobmanager', 'start', ...properties.flatMap((p) => ['-D', p])], env), 'jobmanager start');
  }

  /** `env` reaches the daemon too, e.g. FLINK_TS_WORKER_PROFILE=<dir> for CPU profiles of its slot workers. */
  async startTaskManager(properties: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
    return checked(await this.cli(['taskmanager', 'start', ...properties.flatMap((p) => ['-D', p])], env), 'taskmanager start');
  }

  /** 1 JobManager, then `taskManagers` TaskManagers of one slot each (started concurrently), until all slots are registered. */
  async start(taskManagers: number, properties: readonly string[] = [], taskManagerEnv: NodeJS.ProcessEnv = {}): Promise<void> {
    await this.startJobManager(properties);
    await Promise.all(Array.from({ length: taskManagers }, () => this.startTaskManager(properties, taskManagerEnv)));
    await this.waitForSlots(taskManagers, taskManagers);
  }

  async overview(): Promise<Overview | undefined> {
    try {
      const response = await fetch(`http://localhost:${this.restPort}/overview`, { signal: AbortSignal.timeout(2_000) });
      if (!response.ok) return undefined;
      return (await response.json()) as Overview;
    } catch {
      // Not listening yet, or restarting: the caller polls.
      return undefined;
    }
  }

  /** Polls `/overview` until it shows the TaskManagers and free slots; resolves with when that was seen. */
  async waitForSlots(taskManagers: number, freeSlots: number, timeoutMs = 30_000): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const o = await this.overview();
      if (o !== undefined && o.taskmanagers >= taskManagers && o['slots-available'] >= freeSlots) return performance.now();
      if (performance.now() > deadline) {
        throw new Error(`The cluster did not show ${taskManagers} TaskManagers with ${freeSlots} free slots within ${timeoutMs} ms (last: ${JSON.stringify(o)}). Logs: ${this.logDir}`);
      }
      // Short: the startup benchmark reads its end time from this loop.
      await sleep(5);
    }
  }

  /** Pids of the running daemons of a kind, oldest first, from the pid file. */
  pids(daemon: 'standalonesession' | 'taskexecutor'): number[] {
    const file = join(this.pidDir, `flink-${IDENT}-${daemon}.pid`);
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map(Number);
  }

  /** `flink-ts run -m <this cluster> …`; throws with the output when the job did not finish. */
  async run(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
    return checked(await this.cli(['run', '-m', this.address, ...args], extraEnv), 'run');
  }

  /** Stops every daemon of this cluster (TaskManagers first, as Flink's stop-cluster.sh). Never throws. */
  async stop(): Promise<void> {
    for (const daemon of ['taskmanager', 'jobmanager']) {
      const result = await this.cli([daemon, 'stop-all']).catch((e: unknown) => ({ code: -1, stdout: '', stderr: String(e), ms: 0 }));
      if (result.code !== 0) console.error(`${daemon} stop-all failed (${result.code}): ${result.stderr}`);
    }
    await this.killLeftovers();
  }

  /**
   * When `stop-all` itself failed (a broken build, a crash), the daemons must not outlive the
   * benchmark: signal every pid still in this cluster's own pid files whose command line names
   * this cluster's conf dir, so only processes this cluster started are touched.
   */
  private async killLeftovers(): Promise<void> {
    const ours = (pid: number): boolean => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(this.confDir);
      } catch {
        return false;
      }
    };
    const left = [...this.pids('taskexecutor'), ...this.pids('standalonesession')].filter(ours);
    if (left.length === 0) return;
    console.error(`Stopping leftover daemons of the benchmark cluster: ${left.join(', ')}`);
    for (const pid of left) process.kill(pid, 'SIGTERM');
    const deadline = performance.now() + 30_000;
    while (left.some(ours) && performance.now() < deadline) await sleep(100);
    for (const pid of left.filter(ours)) process.kill(pid, 'SIGKILL');
  }

  /** Stops everything, then removes the directory unless `keep` (for reading logs after a failure). */
  async dispose(keep = false): Promise<void> {
    ACTIVE.delete(this);
    await this.stop();
    if (keep) console.error(`Cluster files kept in ${this.dir}`);
    else rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Clusters not disposed yet: what a Ctrl-C must stop, since the daemons run detached and would outlive this process. */
const ACTIVE = new Set<BenchCluster>();
let signalsHandled = false;

function stopOnSignals(): void {
  if (signalsHandled) return;
  signalsHandled = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`${signal}: stopping the benchmark clusters.`);
      void Promise.allSettled([...ACTIVE].map((c) => c.dispose(true))).then(() => process.exit(130));
    });
  }
}

/** Runs `body` on a started cluster and always stops it, also when `body` throws. */
export async function withCluster<T>(
  taskManagers: number,
  body: (cluster: BenchCluster) => Promise<T>,
  options: { properties?: readonly string[]; env?: NodeJS.ProcessEnv; taskManagerEnv?: NodeJS.ProcessEnv } = {},
): Promise<T> {
  const cluster = await BenchCluster.create(options.env ?? {});
  let failed = true;
  try {
    await cluster.start(taskManagers, options.properties ?? [], { ...profilingEnv(), ...options.taskManagerEnv });
    const result = await body(cluster);
    failed = false;
    return result;
  } finally {
    // On failure the logs are what explains it; keep them.
    await cluster.dispose(failed || process.env.FLINK_TS_BENCH_KEEP === '1');
  }
}

/**
 * `FLINK_TS_BENCH_PROFILE=<dir>`: TaskManagers started by withCluster write V8 CPU profiles when
 * they end: the process's main thread (RPC, data connections) to `<dir>/taskmanager`, each slot
 * worker thread to `<dir>/workers` (the runtime's FLINK_TS_WORKER_PROFILE). Open them in Chrome
 * DevTools or VS Code.
 *
 * Node refuses `--cpu-prof` in NODE_OPTIONS, and the launcher spawns the daemon with a fixed
 * command line, so the main thread is profiled by a preloaded script that drives the inspector's
 * profiler; its post() runs synchronously, so the profile can be written from the 'exit' event.
 */
function profilingEnv(): NodeJS.ProcessEnv {
  const dir = process.env.FLINK_TS_BENCH_PROFILE;
  if (dir === undefined || dir === '') return {};
  const main = join(dir, 'taskmanager');
  const workers = join(dir, 'workers');
  mkdirSync(main, { recursive: true });
  mkdirSync(workers, { recursive: true });
  const preload = join(dir, 'cpu-profile-preload.cjs');
  writeFileSync(
    preload,
    [
      "const inspector = require('node:inspector');",
      "const { writeFileSync } = require('node:fs');",
      "const { basename } = require('node:path');",
      'const session = new inspector.Session();',
      'session.connect();',
      "session.post('Profiler.enable');",
      "session.post('Profiler.start');",
      "process.on('exit', () => {",
      "  session.post('Profiler.stop', (error, result) => {",
      '    if (error) return;',
      "    const name = `${basename(process.argv[1] || 'node', '.js')}-${process.pid}.cpuprofile`;",
      `    writeFileSync(${JSON.stringify(main)} + '/' + name, JSON.stringify(result.profile));`,
      '  });',
      '});',
      '',
    ].join('\n'),
  );
  // NODE_OPTIONS also reaches the `taskmanager start` command itself: its profile is the one
  // named flink-ts-<pid>.
  return { NODE_OPTIONS: `--require ${preload}`, FLINK_TS_WORKER_PROFILE: workers };
}

function checked(result: CommandResult, what: string): CommandResult {
  if (result.code !== 0) throw new Error(`flink-ts ${what} failed (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** Resident memory of a process in MB, from `/proc/<pid>/status` (VmRSS); NaN when it is gone. */
export function vmRssMb(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? Number.NaN : Number(match[1]) / 1024;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU time (user + system, all threads) a process has used so far, in ms, from `/proc/<pid>/stat`;
 * NaN when it is gone.
 */
export function processCpuMs(pid: number): number {
  const fields = statFields(pid);
  return fields === undefined ? Number.NaN : (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/**
 * CPU time of this process's children that have ended and been waited for (cutime + cstime), in
 * ms: the CLI commands a benchmark ran, once they exited. Detached daemons are not in it.
 */
export function reapedChildrenCpuMs(): number {
  const fields = statFields('self');
  return fields === undefined ? Number.NaN : (Number(fields[13]) + Number(fields[14])) * TICK_MS;
}

/** Clock ticks of /proc/<pid>/stat: USER_HZ, 100 on Linux for x86 and arm. */
const TICK_MS = 10;

/** The fields of `/proc/<pid>/stat` after the command name (which may hold spaces): [0] is field 3, state. */
function statFields(pid: number | 'self'): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * The launcher's agent, run on a host once per operation: reads an {@link AgentRequest} from
 * stdin, performs its actions with the daemon functions of `flink-ts jobmanager|taskmanager`
 * (so pid files, log files, rotation, readiness and failure reports are exactly theirs), and
 * prints one {@link AgentResponse}.
 *
 * Every cluster has its own directory on the host, `~/.flink-ts/clusters/<cluster>/<host>/`
 * (and every pool one for its agents, `~/.flink-ts/pools/<pool>/<host>/`), with
 * `conf/config.yaml` (the launcher's configuration, 0600: it holds the cluster secret),
 * `pid/`, `log/` and `tmp/`. Unlike Flink's /tmp pid files, nothing of two clusters mixes, and a
 * reboot that clears /tmp does not make `stop-cluster` forget running processes. The host level
 * exists because home directories are often shared between hosts (NFS): each host keeps its pid
 * files to itself.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { LOG_DIR, TMP_DIRS, loadConfiguration } from '../../config/index.js';
import { ensureError } from '../../core/errors.js';
import { identString, startDaemon } from '../../entrypoints/daemon/daemon-launcher.js';
import { tailLines } from '../../entrypoints/daemon/log-files.js';
import { PidFile, pidFilePath, readPids } from '../../entrypoints/daemon/pid-file.js';
import { isDaemonAlive, stopProcess } from '../../entrypoints/daemon/processes.js';
import type { DaemonName } from '../../entrypoints/daemons.js';
import { flinkTsVersion } from '../../entrypoints/installation.js';
import type {
  AgentAction,
  AgentActionFailure,
  AgentActionResult,
  AgentRequest,
  AgentResponse,
  ClusterPaths,
  ProcessLaunch,
  StartedProcess,
  StoppedProcess,
} from './agent-protocol.js';
import { AGENT_PROTOCOL, HOST_KEYS_KEY, LAUNCH_ID_KEY, RESPONSE_MARKER, SCOPE_DIRS, describeScope } from './agent-protocol.js';
import { renderConfigYaml } from './config-yaml.js';

const DAEMON_NAMES: readonly DaemonName[] = ['taskexecutor', 'standalonesession', 'poolagent'];
const DEFAULT_STOP_TIMEOUT_MS = 30_000;
const SAFE_NAME = /^[A-Za-z0-9._-]+$/;

class AgentFailure extends Error {
  constructor(
    message: string,
    readonly code?: string,
    readonly pids?: readonly number[],
  ) {
    super(message);
  }
}

/** Collects what a daemon function prints. */
class CapturedOutput {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  out(line: string): void {
    this.stdout.push(line);
  }
  err(line: string): void {
    this.stderr.push(line);
  }
}

class Agent {
  readonly notes: string[] = [];
  paths: ClusterPaths;
  /** The environment the daemons get: the login's, with the cluster's conf dir and nothing that could change its configuration. */
  readonly env: NodeJS.ProcessEnv;

  /** `cluster '<id>'` or `pool '<id>'`, for messages. */
  readonly scope: string;

  constructor(readonly request: AgentRequest) {
    const { scope, hostDir } = request;
    if (!Object.hasOwn(SCOPE_DIRS, scope.kind) || !SAFE_NAME.test(scope.id) || !SAFE_NAME.test(hostDir) || scope.id.startsWith('.') || hostDir.startsWith('.')) {
      throw new AgentFailure(`Invalid scope or host directory name: ${JSON.stringify([scope.kind, scope.id, hostDir])}.`);
    }
    this.scope = describeScope(scope);
    const base = join(homedir(), '.flink-ts', SCOPE_DIRS[scope.kind], scope.id, hostDir);
    const conf = join(base, 'conf');
    const configured = readWrittenConfiguration(conf, base);
    this.paths = {
      base,
      conf,
      pid: join(base, 'pid'),
      log: resolve(base, configured?.get(LOG_DIR) ?? join(base, 'log')),
      tmp: resolve(base, configured?.get(TMP_DIRS)?.[0] ?? join(base, 'tmp')),
    };
    const env: NodeJS.ProcessEnv = { ...process.env, FLINK_TS_CONF_DIR: conf };
    delete env.FLINK_TS_PROPERTIES;
    this.env = env;
  }

  async run(action: AgentAction): Promise<AgentActionResult> {
    switch (action.kind) {
      case 'prepare':
        return this.prepare(action.configuration);
      case 'ensure-not-running':
        this.ensureNotRunning();
        return { kind: 'ensure-not-running' };
      case 'start':
        return { kind: 'start', processes: await Promise.all(action.processes.map((launch) => this.start(launch))) };
      case 'stop': {
        const timeoutMs = action.timeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
        const stopped = await Promise.all(action.targets.map((target) => this.stop(target.daemon, target.pids, timeoutMs)));
        return { kind: 'stop', processes: stopped.flat() };
      }
      case 'status':
        return { kind: 'status', alive: await this.status(action.daemon, action.pids) };
      case 'tail':
        return { kind: 'tail', files: Object.fromEntries(action.files.map((file) => [file, tailLines(file, action.lines)])) };
      case 'clean-up':
        return this.cleanUp(action.removeLogs === true);
    }
  }

  private prepare(configuration: Readonly<Record<string, string>>): AgentActionResult {
    const { base, conf, pid } = this.paths;
    const entries: Record<string, string> = { ...configuration, 'env.pid.dir': pid };
    const hostKeys = ['env.pid.dir'];
    // Logs and temporary files stay where the user put them, if they did.
    for (const [key, dir] of [['env.log.dir', 'log'], ['io.tmp.dirs', 'tmp']] as const) {
      if (entries[key] !== undefined) continue;
      entries[key] = join(base, dir);
      hostKeys.push(key);
    }
    entries[HOST_KEYS_KEY] = hostKeys.join(',');
    const log = resolve(base, entries['env.log.dir'] ?? 'log');
    const tmp = resolve(base, entries['io.tmp.dirs']?.split(/[;,]/)[0] ?? 'tmp');
    for (const dir of [base, conf]) mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const dir of [pid, log, tmp]) mkdirSync(dir, { recursive: true });
    const text = renderConfigYaml(entries, [
      `Written by the flink-ts launcher for ${this.scope} on host '${this.request.hostDir}'.`,
      'Every start rewrites it from the launcher\'s configuration: edit conf/ where the launcher runs instead.',
    ]);
    const file = join(conf, 'config.yaml');
    const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    let written = false;
    if (current !== text) {
      // Replaced in one rename: a process starting meanwhile reads the old or the new file, never half of one.
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, text, { mode: 0o600 });
      renameSync(temp, file);
      written = true;
    }
    this.paths = { ...this.paths, log, tmp };
    return { kind: 'prepare', paths: this.paths, written };
  }

  private pidFile(daemon: DaemonName): PidFile {
    return new PidFile(pidFilePath(this.paths.pid, identString(this.env), daemon), daemon, (line) => this.notes.push(line));
  }

  private async livePids(daemon: DaemonName): Promise<number[]> {
    // A missing pid dir means nothing was started (or the cluster was cleaned up); reading must
    // not create it again.
    if (!existsSync(this.paths.pid)) return [];
    return this.pidFile(daemon).running();
  }

  private ensureNotRunning(): void {
    const running = DAEMON_NAMES.flatMap((daemon) =>
      existsSync(this.paths.pid) ? readPids(pidFilePath(this.paths.pid, identString(this.env), daemon)).filter((p) => isDaemonAlive(p, daemon)).map((p) => ({ daemon, pid: p })) : [],
    );
    if (running.length > 0) {
      throw new AgentFailure(
        `processes of ${this.scope} are already running on this host (${running.map((r) => `${r.daemon} pid ${r.pid}`).join(', ')})`,
        'ERR_CLUSTER_RUNNING',
        running.map((r) => r.pid),
      );
    }
  }

  private async start(launch: ProcessLaunch): Promise<StartedProcess> {
    const { daemon } = launch;
    const output = new CapturedOutput();
    const exitCode = await startDaemon({
      daemon,
      dynamicProperties: [...launch.dynamicProperties, `${LAUNCH_ID_KEY}=${launch.launchId}`],
      env: this.env,
      cwd: this.paths.base,
      output,
    });
    const launched = exitCode === 0 ? this.findLaunched(daemon, launch.launchId) : undefined;
    return { launchId: launch.launchId, exitCode, ...launched, stdout: output.stdout, stderr: output.stderr };
  }

  /** The pid and log files of the process started with `launchId`: the one whose command line carries it. */
  private findLaunched(daemon: DaemonName, launchId: string): { pid: number; logFile?: string; outFile?: string } | undefined {
    const marker = `${LAUNCH_ID_KEY}=${launchId}`;
    for (const pid of readPids(pidFilePath(this.paths.pid, identString(this.env), daemon)).reverse()) {
      const args = commandLine(pid);
      if (args === undefined || !args.includes(marker)) continue;
      const logFile = args[args.indexOf('--logFile') + 1];
      if (logFile === undefined || !args.includes('--logFile')) return { pid };
      return { pid, logFile, outFile: logFile.replace(/\.log$/, '.out') };
    }
    return undefined;
  }

  private async stop(daemon: DaemonName, pids: readonly number[] | undefined, timeoutMs: number): Promise<StoppedProcess[]> {
    if (!existsSync(this.paths.pid)) return (pids ?? []).map((pid) => ({ daemon, pid, how: 'gone' }));
    const pidFile = this.pidFile(daemon);
    let taken: number[];
    let gone: number[] = [];
    if (pids === undefined) {
      taken = await pidFile.takeAll();
    } else {
      const wanted = new Set(pids);
      taken = await pidFile.update((live) => ({ pids: live.filter((p) => !wanted.has(p)), value: live.filter((p) => wanted.has(p)) }), wanted);
      gone = pids.filter((pid) => !taken.includes(pid));
    }
    const stopped = await Promise.all(
      taken.map(async (pid): Promise<StoppedProcess> => {
        try {
          const outcome = await stopProcess(pid, daemon, timeoutMs, () => {
            this.notes.push(`The ${daemon} daemon (pid: ${pid}) did not stop within ${timeoutMs / 1000} s after SIGTERM; killing it (SIGKILL).`);
          });
          return { daemon, pid, how: outcome.how };
        } catch (error) {
          return { daemon, pid, how: 'failed', message: ensureError(error).message };
        }
      }),
    );
    return [...stopped, ...gone.map((pid): StoppedProcess => ({ daemon, pid, how: 'gone' }))];
  }

  private async status(daemon: DaemonName, pids: readonly number[] | undefined): Promise<number[]> {
    if (pids === undefined) return this.livePids(daemon);
    return pids.filter((pid) => isDaemonAlive(pid, daemon));
  }

  private async cleanUp(removeLogs: boolean): Promise<AgentActionResult> {
    const running: number[] = [];
    for (const daemon of DAEMON_NAMES) running.push(...(await this.livePids(daemon)));
    if (running.length > 0) {
      throw new AgentFailure(`processes of ${this.scope} still run on this host (pids ${running.join(', ')}); not removing its files`, 'ERR_CLUSTER_RUNNING', running);
    }
    const { base, conf, pid, tmp, log } = this.paths;
    const removed: string[] = [];
    // Only what the launcher created below the cluster's directory: a tmp or log dir the user
    // configured elsewhere is theirs.
    for (const dir of [conf, pid, tmp]) {
      if (!isInside(dir, base) || !existsSync(dir)) continue;
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    }
    if (removeLogs && existsSync(base)) {
      // Everything else below the host's directory was written by the processes started there.
      rmSync(base, { recursive: true, force: true });
      removed.push(base);
    } else if (isInside(log, base) && existsSync(log) && readdirSync(log).length === 0) rmdirSync(log);
    // Empty parents go too: nothing but logs stays behind.
    removeIfEmpty(base);
    removeIfEmpty(dirname(base));
    return { kind: 'clean-up', removed, logDir: log };
  }
}

/** The configuration an earlier `prepare` wrote (for where logs and temporary files go), if any. */
function readWrittenConfiguration(conf: string, base: string): ReturnType<typeof loadConfiguration> | undefined {
  if (!existsSync(join(conf, 'config.yaml'))) return undefined;
  try {
    return loadConfiguration({ confDir: conf, env: {}, cwd: base });
  } catch {
    // Damaged by hand: the next prepare replaces it; until then the defaults apply.
    return undefined;
  }
}

function isInside(path: string, dir: string): boolean {
  return path.startsWith(`${dir}/`);
}

function removeIfEmpty(dir: string): void {
  try {
    if (readdirSync(dir).length === 0) rmdirSync(dir);
  } catch {
    // Gone already, or not empty after all (a concurrent start): either is fine.
  }
}

/** The argv of a process, or undefined when it is gone. */
function commandLine(pid: number): string[] | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter((arg) => arg !== '');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || existsSync('/proc/self/cmdline')) return undefined;
  }
  // No /proc (macOS, BSD): ps prints the arguments joined by spaces, which is enough to find the
  // marker and a log path without spaces.
  try {
    return execFileSync('ps', ['-ww', '-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).trim().split(/\s+/);
  } catch {
    return undefined;
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function failure(action: AgentAction, error: unknown): AgentActionFailure {
  const err = ensureError(error);
  return {
    kind: 'error',
    action: action.kind,
    code: err instanceof AgentFailure ? err.code : undefined,
    message: err.message,
    pids: err instanceof AgentFailure ? err.pids : undefined,
  };
}

async function handle(request: AgentRequest): Promise<AgentResponse> {
  const version = flinkTsVersion();
  // Typed as the current protocol, but sent by a launcher that may be older or newer: checked
  // before anything reads the rest of the request, whose shape may differ.
  const protocol: unknown = request.protocol;
  if (protocol !== AGENT_PROTOCOL) {
    const none: ClusterPaths = { base: '', conf: '', pid: '', log: '', tmp: '' };
    const refused = { reason: 'protocol', message: `the agent speaks protocol ${AGENT_PROTOCOL}, the launcher ${String(protocol)}` } as const;
    return { protocol: AGENT_PROTOCOL, version, node: process.versions.node, hostname: hostname(), notes: [], paths: none, results: [], refused };
  }
  const agent = new Agent(request);
  const base = { protocol: AGENT_PROTOCOL, version, node: process.versions.node, hostname: hostname(), notes: agent.notes } as const;
  if (request.version !== version) {
    return { ...base, paths: agent.paths, results: [], refused: { reason: 'version', message: `flink-ts ${version} is installed there, the launcher is flink-ts ${request.version}` } };
  }
  const results: (AgentActionResult | AgentActionFailure)[] = [];
  for (const action of request.actions) {
    try {
      results.push(await agent.run(action));
    } catch (error) {
      results.push(failure(action, error));
      break;
    }
  }
  return { ...base, paths: agent.paths, results };
}

const text = await readStdin();
let request: AgentRequest;
try {
  request = JSON.parse(text) as AgentRequest;
} catch (error) {
  process.stderr.write(`flink-ts launcher agent: the request on stdin is not JSON: ${ensureError(error).message}\n`);
  process.exit(1);
}
let response: AgentResponse;
try {
  response = await handle(request);
} catch (error) {
  // A request no action could run for (e.g. an unusable directory name): said on stderr, exit 1.
  process.stderr.write(`flink-ts launcher agent: ${ensureError(error).message}\n`);
  process.exit(1);
}
// Exit once the line is out: nothing else should keep the agent alive, and the launcher waits for it.
process.stdout.write(`${RESPONSE_MARKER}${JSON.stringify(response)}\n`, () => process.exit(0));

/**
 * Starting, stopping and watching JobManager, TaskManager and pool agent processes on hosts, through the
 * launcher's agent (agent-protocol.ts) over each host's executor. This is the API the standalone
 * cluster commands use, and what an active ResourceManager driver uses to run TaskManagers on
 * worker hosts:
 *
 * ```ts
 * const daemons = RemoteDaemons.create(clusterConfiguration);
 * const tm = await daemons.startTaskManager({ host: 'worker1' }, { resourceId: 'tm-1', dynamicProperties: ['taskmanager.numberOfTaskSlots=2'] });
 * await daemons.isAlive(tm.host, 'taskmanager', tm.pid);   // true while it runs
 * await daemons.stopTaskManager(tm.host, tm.pid);
 * await daemons.close();
 * ```
 *
 * An instance acts for one scope: a cluster ({@link RemoteDaemons.create}: its JobManager and
 * TaskManagers) or a pool ({@link RemoteDaemons.forPool}: the node agents of its hosts). Each
 * scope has its own directories on each host.
 *
 * Every start first writes the cluster's configuration to the host (only when it changed), so a
 * process never runs with another configuration than the launcher's. Failures never leave a
 * host half-done silently: each result says what happened, with the remote exit code and the
 * end of the process's `.out` and `.log` files when a start failed.
 */
import { randomUUID } from 'node:crypto';
import type { Configuration } from '../config/index.js';
import { POOL_AGENT_WORK_DIR, POOL_NAME, TASK_MANAGER_RESOURCE_ID } from '../config/index.js';
import { FlinkTsError, ensureError, isFlinkTsError } from '../core/errors.js';
import type { DaemonName } from '../entrypoints/daemons.js';
import { flinkTsVersion } from '../entrypoints/installation.js';
import { AGENT_HOST_KEY } from '../entrypoints/pool-agent/agent-settings.js';
import type { AgentAction, AgentActionFailure, AgentActionResult, AgentRequest, AgentResponse, AgentScope, ProcessLaunch, StartedProcess, StopTarget, StoppedProcess } from './agent/agent-protocol.js';
import { AGENT_EXIT, AGENT_MAIN, AGENT_PROTOCOL, RESPONSE_MARKER } from './agent/agent-protocol.js';
import { HostExecutors } from './executor/host-executors.js';
import type { RemoteExecutor } from './executor/remote-executor.js';
import type { NoticeSink } from './executor/ssh-executor.js';
import type { HostSpec } from './host-spec.js';
import { formatHostSpec } from './host-spec.js';
import { Installations } from './installation.js';
import { ClusterRunningError, RemoteExitError, RemoteInstallError, RemoteNodeError, shortReason } from './launcher-errors.js';
import type { LauncherSettings } from './launcher-options.js';
import { resolveLauncherSettings } from './launcher-options.js';
import { clusterConfigurationMap, clusterIdOf, dirName, hostDirName, taskManagerHostProperties } from './remote-configuration.js';
import { shScript } from './shell-quote.js';

/**
 * What a process is, in the words of the CLI (`flink-ts jobmanager|taskmanager`, and `poolagent`,
 * the daemon of `flink-ts pool agent`).
 */
export type DaemonRole = 'jobmanager' | 'taskmanager' | 'poolagent';

export const DAEMON_OF_ROLE: Readonly<Record<DaemonRole, DaemonName>> = {
  jobmanager: 'standalonesession',
  taskmanager: 'taskexecutor',
  poolagent: 'poolagent',
};

/**
 * Where a pool agent started by the launcher keeps its containers, unless `pool.agent.work-dir`
 * is set: relative to the pool's directory on the host (the daemons' working directory), so that
 * the host's files of a pool are all in one place.
 */
export const LAUNCHED_AGENT_WORK_DIR = 'work';

// What `flink-ts jobmanager|taskmanager start|stop` wait (daemon-launcher.ts), repeated here so that
// a process using this API (an active ResourceManager) does not load the daemon launcher.
const DEFAULT_START_TIMEOUT_MS = 60_000;
const DEFAULT_STOP_TIMEOUT_MS = 30_000;
/** The agent's start waits up to 60 s for readiness per process; the command gets some slack on top. */
const START_COMMAND_TIMEOUT_MS = DEFAULT_START_TIMEOUT_MS + 30_000;
/** A stop waits 30 s for SIGTERM, then up to 10 s after SIGKILL. */
const STOP_COMMAND_TIMEOUT_MS = DEFAULT_STOP_TIMEOUT_MS + 30_000;
const QUICK_COMMAND_TIMEOUT_MS = 30_000;

// The agent's wrapper: finds the installation and Node.js before anything can fail obscurely.
// $1 is the install dir (`~/` expanded here, on the host). Exit codes: AGENT_EXIT.
const AGENT_SCRIPT = [
  'd=$1',
  'case $d in "~") d=$HOME ;; "~/"*) d=$HOME/${d#"~/"} ;; esac',
  `[ -f "$d/bin/flink-ts" ] || exit ${AGENT_EXIT.notInstalled}`,
  `[ -f "$d/${AGENT_MAIN}" ] || exit ${AGENT_EXIT.notBuilt}`,
  // The login's own PATH first; non-interactive SSH logins often lack the PATH of a login shell
  // (nvm, /opt/node/bin in a profile), so that comes next.
  'n=$(PATH=$FLINK_TS_LOGIN_PATH command -v node 2>/dev/null) || n=$("${SHELL:-/bin/sh}" -lc "command -v node" 2>/dev/null | tail -n 1)',
  `[ -n "$n" ] && [ -x "$n" ] || exit ${AGENT_EXIT.noNode}`,
  `exec "$n" "$d/${AGENT_MAIN}"`,
].join('\n');

/** How one process start went on a host. */
export interface DaemonStartResult {
  readonly host: HostSpec;
  readonly role: DaemonRole;
  readonly ok: boolean;
  readonly pid?: number | undefined;
  /** The `taskmanager.resource-id` it was started with, when one was given. */
  readonly resourceId?: string | undefined;
  /** The host's own name (`hostname`), as in its log file names. */
  readonly hostname?: string | undefined;
  readonly logFile?: string | undefined;
  readonly outFile?: string | undefined;
  /** One line for a summary table: `started`, or why not. */
  readonly summary: string;
  /** Everything known about a failure: the reason, the exit code, the end of the `.out` and `.log` files. */
  readonly details: readonly string[];
  /** The failure, when `ok` is false. */
  readonly error?: FlinkTsError | undefined;
}

/** A started process (see {@link RemoteDaemons.startTaskManager}). */
export interface StartedDaemon {
  readonly host: HostSpec;
  readonly role: DaemonRole;
  readonly pid: number;
  readonly resourceId?: string | undefined;
  readonly hostname?: string | undefined;
  readonly logFile?: string | undefined;
  readonly outFile?: string | undefined;
}

/** How one process stop went on a host. */
export interface DaemonStopResult {
  readonly host: HostSpec;
  readonly role: DaemonRole;
  /** Undefined when the host could not be asked (then `ok` is false) or ran no such process. */
  readonly pid?: number | undefined;
  readonly ok: boolean;
  /** `stopped`, `killed (…)`, `not running`, or why it failed. */
  readonly summary: string;
  readonly error?: FlinkTsError | undefined;
}

/** What stopping all of a cluster's processes on a host did, and whether its files were removed. */
export interface HostStopReport {
  readonly host: HostSpec;
  readonly stops: readonly DaemonStopResult[];
  /** True when the cluster's conf, pid and tmp directories were removed. */
  readonly cleanedUp: boolean;
  /** Where the logs stay, when known. */
  readonly logDir?: string | undefined;
  readonly error?: FlinkTsError | undefined;
}

/**
 * A process for {@link RemoteDaemons.startProcesses}. `dynamicProperties` are `-D`s over the
 * scope's configuration, for this process only: how the clusters of `ssh-session`,
 * `run -t ssh-per-job|ssh-application` pass a JobManager what the hosts' config.yaml never holds
 * (`$internal.` keys: the ResourceManager driver, the application), and how a pool agent gets its
 * host's slots, memory and labels.
 */
export type ProcessRequest =
  | { readonly role: 'jobmanager'; readonly dynamicProperties?: readonly string[] | undefined }
  | { readonly role: 'taskmanager'; readonly launch: TaskManagerLaunch }
  | { readonly role: 'poolagent'; readonly dynamicProperties?: readonly string[] | undefined };

/** A TaskManager to start. */
export interface TaskManagerLaunch {
  /** Its `taskmanager.resource-id`; generated by the TaskManager (`<host>:<port>-<hex>`) when absent. */
  readonly resourceId?: string | undefined;
  /** More `-D key=value` (without `-D`), over the cluster's configuration. */
  readonly dynamicProperties?: readonly string[] | undefined;
}

export interface RemoteDaemonsOptions {
  /** Where SSH_AUTH_SOCK and HOME are read, and the environment of local commands. @default process.env */
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** Against which relative launcher paths (identity file, known_hosts) resolve. @default process.cwd() */
  readonly cwd?: string | undefined;
  /** Notes for the user, e.g. a host key added to known_hosts. */
  readonly notice?: NoticeSink | undefined;
  /** Replaces the executors (tests). */
  readonly executors?: HostExecutors | undefined;
  /** Replaces where the installation is found or shipped (tests). */
  readonly installations?: Installations | undefined;
}

interface PendingStart {
  readonly launch: TaskManagerLaunch;
  readonly resolve: (result: DaemonStartResult) => void;
}

export class RemoteDaemons {
  private readonly configurationMap: Readonly<Record<string, string>>;
  /** TaskManager starts on a host requested in the same tick travel in one agent command. */
  private readonly pendingStarts = new Map<string, { host: HostSpec; starts: PendingStart[] }>();

  private constructor(
    readonly configuration: Configuration,
    readonly scope: AgentScope,
    readonly settings: LauncherSettings,
    private readonly executors: HostExecutors,
    private readonly installations: Installations,
  ) {
    this.configurationMap = clusterConfigurationMap(configuration);
  }

  /** The id of the scope: the cluster's id ({@link create}), or the pool's name ({@link forPool}). */
  get clusterId(): string {
    return this.scope.id;
  }

  /**
   * For a cluster's configuration (see `clusterConfiguration`): SSH and installation settings
   * come from its `launcher.*` keys, the cluster's directories on the hosts from its
   * `high-availability.cluster-id`.
   */
  static create(configuration: Configuration, options: RemoteDaemonsOptions = {}): RemoteDaemons {
    return RemoteDaemons.withScope(configuration, { kind: 'cluster', id: clusterIdOf(configuration) }, options);
  }

  /**
   * For the agents of a pool (`flink-ts pool hosts add|remove`): the launcher's configuration
   * (its `pool.*` keys name the pool the agents join) is written to the hosts as for a cluster, into
   * `~/.flink-ts/pools/<pool.name>/<host>/`.
   */
  static forPool(configuration: Configuration, options: RemoteDaemonsOptions = {}): RemoteDaemons {
    return RemoteDaemons.withScope(configuration, { kind: 'pool', id: dirName(configuration.get(POOL_NAME)) }, options);
  }

  private static withScope(configuration: Configuration, scope: AgentScope, options: RemoteDaemonsOptions): RemoteDaemons {
    const env = options.env ?? process.env;
    const settings = resolveLauncherSettings(configuration, env, options.cwd ?? process.cwd());
    const executors = options.executors ?? new HostExecutors({ ssh: settings.ssh, parallelism: settings.parallelism, notice: options.notice, localEnv: env });
    const installations = options.installations ?? new Installations(settings);
    return new RemoteDaemons(configuration, scope, settings, executors, installations);
  }

  /**
   * Starts a JobManager on `host` with the cluster's configuration. With `ensureNotRunning`,
   * refuses when processes of this cluster already run there. `dynamicProperties` (`key=value`)
   * are given to this JobManager only, over the configuration.
   */
  async startJobManager(host: HostSpec, options: { ensureNotRunning?: boolean; dynamicProperties?: readonly string[] | undefined } = {}): Promise<DaemonStartResult> {
    const [result] = await this.startProcesses(host, [{ role: 'jobmanager', dynamicProperties: options.dynamicProperties }], options);
    return result ?? failedStart(host, 'jobmanager', undefined, new FlinkTsError('ERR_ILLEGAL_STATE', 'The agent reported no start.'));
  }

  /**
   * Starts TaskManagers on `host`, all at once; one result per launch, in order. Never rejects:
   * a host that cannot be reached gives a failed result for each launch.
   */
  async startTaskManagers(host: HostSpec, launches: readonly TaskManagerLaunch[], options: { ensureNotRunning?: boolean } = {}): Promise<DaemonStartResult[]> {
    return this.startProcesses(host, launches.map((launch): ProcessRequest => ({ role: 'taskmanager', launch })), options);
  }

  /**
   * Starts processes on `host` with one command there, all at the same time (a TaskManager
   * started next to its JobManager retries its registration until the JobManager is up). One
   * result per request, in order; never rejects. With `ensureNotRunning`, nothing starts when
   * processes of this cluster already run on the host.
   */
  async startProcesses(host: HostSpec, requests: readonly ProcessRequest[], options: { ensureNotRunning?: boolean } = {}): Promise<DaemonStartResult[]> {
    if (requests.length === 0) return [];
    const processes = requests.map((request): ProcessLaunch => ({ daemon: DAEMON_OF_ROLE[request.role], launchId: randomUUID(), dynamicProperties: this.launchProperties(host, request) }));
    const actions: AgentAction[] = [{ kind: 'prepare', configuration: this.configurationMap }];
    if (options.ensureNotRunning === true) actions.push({ kind: 'ensure-not-running' });
    actions.push({ kind: 'start', processes });
    const resourceIdOf = (index: number): string | undefined => {
      // Only TaskManagers have resource ids the launcher chooses.
      const request = requests[index];
      return request?.role === 'taskmanager' ? request.launch.resourceId : undefined;
    };
    let response: AgentResponse;
    try {
      response = await this.agent(host, actions, START_COMMAND_TIMEOUT_MS);
    } catch (error) {
      return requests.map((request, index) => failedStart(host, request.role, resourceIdOf(index), asFlinkTsError(error)));
    }
    const failure = response.results.find((result): result is AgentActionFailure => result.kind === 'error');
    if (failure !== undefined) return requests.map((request, index) => failedStart(host, request.role, resourceIdOf(index), agentFailure(failure, host)));
    const started = expectResult(response, 'start', host);
    return processes.map((launch, index) => ({
      ...startResult(host, roleOf(launch.daemon), response.hostname, started.processes.find((p) => p.launchId === launch.launchId)),
      resourceId: resourceIdOf(index),
    }));
  }

  /**
   * The `-D`s of one process: what places it on its host (a TaskManager's address, a pool
   * agent's `--host`), then the request's own.
   */
  private launchProperties(host: HostSpec, request: ProcessRequest): string[] {
    switch (request.role) {
      case 'jobmanager':
        return [...(request.dynamicProperties ?? [])];
      case 'taskmanager': {
        const { launch } = request;
        return [
          ...taskManagerHostProperties(this.configuration, host),
          ...(launch.resourceId === undefined ? [] : [`${TASK_MANAGER_RESOURCE_ID.key}=${launch.resourceId}`]),
          ...(launch.dynamicProperties ?? []),
        ];
      }
      case 'poolagent':
        // The host's id in the pool and the address its containers bind: the address the
        // launcher reaches it by. It also marks the process (`pool agent stop --host`).
        return [
          `${AGENT_HOST_KEY}=${host.host}`,
          ...(this.configuration.has(POOL_AGENT_WORK_DIR.key) ? [] : [`${POOL_AGENT_WORK_DIR.key}=${LAUNCHED_AGENT_WORK_DIR}`]),
          ...(request.dynamicProperties ?? []),
        ];
    }
  }

  /**
   * Starts one TaskManager on `host` and resolves once it runs (not yet registered: it registers
   * at the ResourceManager with `launch.resourceId`). Starts requested for the same host in the
   * same tick share one command on the host.
   * @throws FlinkTsError: `ERR_REMOTE_EXIT` (the start failed; `stderrLines` hold the reason and
   *   the end of its `.out`/`.log`), `ERR_SSH_*`, `ERR_REMOTE_INSTALL`, `ERR_REMOTE_NODE`.
   */
  async startTaskManager(host: HostSpec, launch: TaskManagerLaunch = {}): Promise<StartedDaemon> {
    const result = await new Promise<DaemonStartResult>((resolve) => {
      const key = formatHostSpec(host);
      let batch = this.pendingStarts.get(key);
      if (batch === undefined) {
        const created = { host, starts: [] as PendingStart[] };
        this.pendingStarts.set(key, created);
        batch = created;
        setImmediate(() => {
          this.pendingStarts.delete(key);
          void this.startTaskManagers(created.host, created.starts.map((s) => s.launch)).then((results) => {
            created.starts.forEach((start, index) => start.resolve(results[index] ?? failedStart(host, 'taskmanager', start.launch.resourceId, new FlinkTsError('ERR_ILLEGAL_STATE', 'The agent reported no start.'))));
          });
        });
      }
      batch.starts.push({ launch, resolve });
    });
    if (!result.ok || result.pid === undefined) {
      throw result.error ?? new RemoteExitError(result.summary, host.host, 1, null, result.details);
    }
    return { host, role: 'taskmanager', pid: result.pid, resourceId: result.resourceId, hostname: result.hostname, logFile: result.logFile, outFile: result.outFile };
  }

  /**
   * Stops processes of a role on `host`: the given pids (those of this cluster's pid file; others
   * are reported `not running`), or all of them. SIGTERM, then SIGKILL after 30 s.
   */
  async stop(host: HostSpec, role: DaemonRole, pids?: readonly number[]): Promise<DaemonStopResult[]> {
    try {
      const response = await this.agent(host, [{ kind: 'stop', targets: [{ daemon: DAEMON_OF_ROLE[role], pids }] }], STOP_COMMAND_TIMEOUT_MS);
      const result = expectResult(response, 'stop', host);
      return result.processes.map((process) => stopResult(host, process));
    } catch (error) {
      return [{ host, role, ok: false, summary: `failed: ${shortReason(ensureError(error))}`, error: asFlinkTsError(error) }];
    }
  }

  /** Stops one TaskManager by pid. */
  async stopTaskManager(host: HostSpec, pid: number): Promise<DaemonStopResult> {
    const [result] = await this.stop(host, 'taskmanager', [pid]);
    return result ?? { host, role: 'taskmanager', pid, ok: true, summary: 'not running' };
  }

  /**
   * The pids of the role's processes of this cluster that are alive on `host` (of `pids`, when given).
   * @throws FlinkTsError when the host cannot be asked.
   */
  async alivePids(host: HostSpec, role: DaemonRole, pids?: readonly number[]): Promise<number[]> {
    const response = await this.agent(host, [{ kind: 'status', daemon: DAEMON_OF_ROLE[role], pids }], QUICK_COMMAND_TIMEOUT_MS);
    return [...expectResult(response, 'status', host).alive];
  }

  /** Whether the process is still alive (and still a flink-ts process of that role). */
  async isAlive(host: HostSpec, role: DaemonRole, pid: number): Promise<boolean> {
    return (await this.alivePids(host, role, [pid])).includes(pid);
  }

  /** The last `lines` lines of files on `host` (e.g. `logFile` and `outFile` of a process that died). */
  async tail(host: HostSpec, files: readonly string[], lines = 20): Promise<Record<string, readonly string[]>> {
    const response = await this.agent(host, [{ kind: 'tail', files, lines }], QUICK_COMMAND_TIMEOUT_MS);
    return { ...expectResult(response, 'tail', host).files };
  }

  /**
   * Stops every process of the cluster on `host` (its TaskManagers and, with `jobManager`, its
   * JobManager, all at once) and removes the cluster's conf, pid and tmp directories there; logs stay.
   */
  async stopAllAndCleanUp(host: HostSpec, options: { jobManager: boolean }): Promise<HostStopReport> {
    return this.stopAndCleanUp(host, options.jobManager ? [{ role: 'taskmanager' }, { role: 'jobmanager' }] : [{ role: 'taskmanager' }]);
  }

  /**
   * Stops the given processes on `host` (by role, all of the role's or the given pids), then
   * removes the cluster's conf, pid and tmp directories there unless other processes of the
   * cluster still run on it (then `cleanedUp` is false and `error` says which).
   */
  async stopAndCleanUp(
    host: HostSpec,
    targets: readonly { readonly role: DaemonRole; readonly pids?: readonly number[] | undefined }[],
    options: { readonly removeLogs?: boolean } = {},
  ): Promise<HostStopReport> {
    const stopTargets = targets.map((target): StopTarget => ({ daemon: DAEMON_OF_ROLE[target.role], pids: target.pids }));
    const actions: AgentAction[] = [{ kind: 'stop', targets: stopTargets }, { kind: 'clean-up', removeLogs: options.removeLogs }];
    // The role a failure is reported under: the most important one stopped.
    const mainRole = (['jobmanager', 'poolagent', 'taskmanager'] as const).find((role) => targets.some((t) => t.role === role)) ?? 'taskmanager';
    let response: AgentResponse;
    try {
      response = await this.agent(host, actions, 2 * STOP_COMMAND_TIMEOUT_MS);
    } catch (error) {
      const failed: DaemonStopResult = { host, role: mainRole, ok: false, summary: `failed: ${shortReason(ensureError(error))}`, error: asFlinkTsError(error) };
      return { host, stops: [failed], cleanedUp: false, error: asFlinkTsError(error) };
    }
    const stops: DaemonStopResult[] = [];
    let cleanedUp = false;
    let logDir: string | undefined;
    let error: FlinkTsError | undefined;
    for (const result of response.results) {
      if (result.kind === 'error') {
        error = agentFailure(result, host);
        if (result.action === 'stop') stops.push({ host, role: mainRole, ok: false, summary: `failed: ${result.message}`, error });
      } else if (result.kind === 'stop') {
        // TaskManagers first in the table, as they are listed in conf/workers.
        stops.push(...[...result.processes].sort((a, b) => (a.daemon === b.daemon ? 0 : a.daemon === 'taskexecutor' ? -1 : 1)).map((process) => stopResult(host, process)));
      } else if (result.kind === 'clean-up') {
        cleanedUp = true;
        logDir = result.logDir;
      }
    }
    return { host, stops, cleanedUp, logDir: logDir ?? response.paths.log, error };
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    await this.executors.close();
  }

  /** Runs the agent on the host with `actions`; the host counts against `launcher.ssh.parallelism` meanwhile. */
  private agent(host: HostSpec, actions: readonly AgentAction[], timeoutMs: number): Promise<AgentResponse> {
    return this.executors.run(host, async (executor) => {
      const installDir = await this.installations.installDir(executor);
      const request: AgentRequest = { protocol: AGENT_PROTOCOL, version: flinkTsVersion(), scope: this.scope, hostDir: hostDirName(host), actions };
      const result = await executor.exec(shScript(AGENT_SCRIPT, installDir), { stdin: JSON.stringify(request), timeoutMs });
      const line = result.stdout.split('\n').find((l) => l.startsWith(RESPONSE_MARKER));
      if (result.exitCode === 0 && line !== undefined) {
        const response = JSON.parse(line.slice(RESPONSE_MARKER.length)) as AgentResponse;
        if (response.refused !== undefined) {
          throw new RemoteInstallError(
            `flink-ts at ${installDir} on host ${executor.displayName} cannot act for this launcher: ${response.refused.message}. Install the same version there, or set launcher.ship-distribution: true.`,
            host.host,
            installDir,
          );
        }
        return response;
      }
      throw agentExitError(executor, installDir, result.exitCode, result.signal, result.stderr);
    });
  }
}

function agentExitError(executor: RemoteExecutor, installDir: string, exitCode: number | null, signal: string | null, stderr: string): FlinkTsError {
  const host = executor.host.host;
  const name = executor.displayName;
  switch (exitCode ?? -1) {
    case AGENT_EXIT.notInstalled:
      return new RemoteInstallError(
        `flink-ts is not installed at ${installDir} on host ${name} (no ${installDir}/bin/flink-ts): install it there, set launcher.install-dir, or set launcher.ship-distribution: true.`,
        host,
        installDir,
      );
    case AGENT_EXIT.notBuilt:
      return new RemoteInstallError(
        `flink-ts at ${installDir} on host ${name} is not built or older than the launcher (no ${installDir}/${AGENT_MAIN}): run npm install there, install the launcher's version, or set launcher.ship-distribution: true.`,
        host,
        installDir,
      );
    case AGENT_EXIT.noNode:
      return new RemoteNodeError(`Node.js was not found on host ${name} (not on the PATH of an SSH command, nor of a login shell): install Node.js 20.11 or newer there.`, host, 'no Node.js found');
    case AGENT_EXIT.oldNode: {
      const version = stderr.trim() || '(unknown version)';
      return new RemoteNodeError(`Node.js ${version} on host ${name} is too old: flink-ts needs Node.js 20.11 or newer.`, host, `Node.js ${version} is too old`);
    }
    default: {
      const lines = stderr.split('\n').filter((l) => l.trim() !== '');
      const how = exitCode === null ? `was killed by ${signal ?? 'a signal'}` : `exited with code ${exitCode}`;
      return new RemoteExitError(`The flink-ts launcher agent on host ${name} ${how} without a response.`, host, exitCode, signal, lines.slice(-20));
    }
  }
}

function expectResult<K extends AgentActionResult['kind']>(response: AgentResponse, kind: K, host: HostSpec): Extract<AgentActionResult, { kind: K }> {
  const failure = response.results.find((result): result is AgentActionFailure => result.kind === 'error');
  if (failure !== undefined) throw agentFailure(failure, host);
  const result = response.results.find((r) => r.kind === kind);
  if (result === undefined) throw new FlinkTsError('ERR_ILLEGAL_STATE', `The agent on ${formatHostSpec(host)} did not answer the ${kind} action.`);
  return result as Extract<AgentActionResult, { kind: K }>;
}

function agentFailure(failure: AgentActionFailure, host: HostSpec): FlinkTsError {
  const name = formatHostSpec(host);
  if (failure.code === 'ERR_CLUSTER_RUNNING') return new ClusterRunningError(`On host ${name}: ${failure.message}.`, host.host, failure.pids ?? []);
  return new RemoteExitError(`The ${failure.action} action failed on host ${name}: ${failure.message}`, host.host, 1, null, [failure.message]);
}

const ROLE_OF_DAEMON: Readonly<Record<DaemonName, DaemonRole>> = {
  standalonesession: 'jobmanager',
  taskexecutor: 'taskmanager',
  poolagent: 'poolagent',
};

function roleOf(daemon: DaemonName): DaemonRole {
  return ROLE_OF_DAEMON[daemon];
}

/** The full story of a failure: its message, then what the remote side printed (log tails), without repeating a line. */
export function failureDetails(error: Error): string[] {
  const lines = error.message.split('\n');
  if (error instanceof RemoteExitError) for (const line of error.stderrLines) if (!lines.includes(line)) lines.push(line);
  return lines;
}

function failedStart(host: HostSpec, role: DaemonRole, resourceId: string | undefined, error: FlinkTsError): DaemonStartResult {
  return { host, role, ok: false, resourceId, summary: `failed: ${shortReason(error)}`, details: failureDetails(error), error };
}

function startResult(host: HostSpec, role: DaemonRole, hostname: string, process: StartedProcess | undefined): DaemonStartResult {
  if (process === undefined) return failedStart(host, role, undefined, new FlinkTsError('ERR_ILLEGAL_STATE', 'The agent reported nothing for this start.'));
  const files = { hostname, logFile: process.logFile, outFile: process.outFile };
  if (process.exitCode === 0 && process.pid !== undefined) {
    return { host, role, ok: true, pid: process.pid, ...files, summary: 'started', details: [] };
  }
  const reason =
    process.exitCode === 0
      ? `The ${DAEMON_OF_ROLE[role]} process on ${formatHostSpec(host)} reported its start, but it is gone.`
      : (process.stderr[0] ?? `flink-ts ${role} start on ${formatHostSpec(host)} exited with code ${process.exitCode}.`);
  const error = new RemoteExitError(reason, host.host, process.exitCode, null, process.stderr);
  return { host, role, ok: false, ...files, summary: `failed: ${shortReason(error)}`, details: failureDetails(error), error };
}

function stopResult(host: HostSpec, process: StoppedProcess): DaemonStopResult {
  const role = roleOf(process.daemon);
  switch (process.how) {
    case 'SIGTERM':
      return { host, role, pid: process.pid, ok: true, summary: 'stopped' };
    case 'SIGKILL':
      return { host, role, pid: process.pid, ok: true, summary: `killed (still running ${DEFAULT_STOP_TIMEOUT_MS / 1000} s after SIGTERM)` };
    case 'gone':
      return { host, role, pid: process.pid, ok: true, summary: 'not running' };
    case 'failed':
      return { host, role, pid: process.pid, ok: false, summary: `failed: ${process.message ?? 'could not be stopped'}`, error: new RemoteExitError(process.message ?? 'could not be stopped', host.host, 1, null, []) };
  }
}

function asFlinkTsError(error: unknown): FlinkTsError {
  if (isFlinkTsError(error)) return error;
  const err = ensureError(error);
  return new FlinkTsError('ERR_ILLEGAL_STATE', err.message, { cause: err });
}

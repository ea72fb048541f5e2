/**
 * What the launcher and its agent on a host say to each other. The launcher runs
 * `node <install>/dist/launcher/agent/launcher-agent.js` on the host with one JSON request on
 * stdin; the agent performs its actions in order and prints one response line, prefixed with
 * {@link RESPONSE_MARKER}, on stdout.
 *
 * Why an agent instead of one `flink-ts taskmanager start` per process: starting the CLI costs
 * ~0.5 s of CPU (oclif, the command tree) and every exec ~90 ms of sshd session setup, on every
 * host and for every process. One agent per host and operation writes the configuration, checks
 * what runs, and starts all of the host's processes at once, through the same functions the
 * `jobmanager|taskmanager start|stop` commands use (pid files, log files, readiness, failure
 * output), and it reports each process's pid, which the commands do not print.
 */
import type { DaemonName } from '../../entrypoints/daemons.js';

/** Bumped when a request or response changes shape; the agent refuses other versions. */
export const AGENT_PROTOCOL = 2;
/** Starts the response line, so that stray output before it cannot be mistaken for it. */
export const RESPONSE_MARKER = '@@flink-ts-agent@@ ';
/** Path of the agent main inside an installation. */
export const AGENT_MAIN = 'dist/launcher/agent/launcher-agent.js';
/** The dynamic property that marks a started process, so the agent can find its pid. */
export const LAUNCH_ID_KEY = '$internal.launcher.launch-id';

/**
 * Lists (comma-separated) the keys of a host's `config.yaml` that the agent set for that host
 * (its pid, log and tmp dirs), so that whoever reads the file back as the cluster's configuration
 * (an active ResourceManager starting TaskManagers elsewhere) can leave them out.
 */
export const HOST_KEYS_KEY = '$internal.launcher.host-keys';

/** Exit codes of the agent's shell wrapper and entry, for failures before a response exists. */
export const AGENT_EXIT = {
  /** No `bin/flink-ts` at the install path. */
  notInstalled: 97,
  /** `bin/flink-ts` is there, but not the agent: not built, or an older flink-ts. */
  notBuilt: 96,
  /** No `node` on the PATH of the login (nor of a login shell). */
  noNode: 98,
  /** `node` is older than flink-ts needs; its version is on stderr. */
  oldNode: 99,
} as const;

/**
 * Whose processes and files a request is about: a cluster's (`~/.flink-ts/clusters/<id>/`, the
 * JobManagers and TaskManagers of start-cluster and the ssh targets) or a pool's
 * (`~/.flink-ts/pools/<pool name>/`, the pool agents `flink-ts pool hosts add` starts).
 */
export interface AgentScope {
  readonly kind: 'cluster' | 'pool';
  readonly id: string;
}

/** The directory below `~/.flink-ts/` of each scope kind. */
export const SCOPE_DIRS: Readonly<Record<AgentScope['kind'], string>> = { cluster: 'clusters', pool: 'pools' };

/** `cluster 'default'`, `pool 'default'`: the scope in messages. */
export function describeScope(scope: AgentScope): string {
  return `${scope.kind} '${scope.id}'`;
}

export interface AgentRequest {
  readonly protocol: typeof AGENT_PROTOCOL;
  /** The launcher's flink-ts version; the agent refuses to act for another version. */
  readonly version: string;
  /** Names `~/.flink-ts/<clusters|pools>/<id>/`. */
  readonly scope: AgentScope;
  /** Names this host's directory below it (hosts may share a home directory over NFS). */
  readonly hostDir: string;
  readonly actions: readonly AgentAction[];
}

/** One process to start. */
export interface ProcessLaunch {
  readonly daemon: DaemonName;
  /** Unique per launch; passed as {@link LAUNCH_ID_KEY} and used to find the pid. */
  readonly launchId: string;
  /** `-D` values, without `-D`. */
  readonly dynamicProperties: readonly string[];
}

export type AgentAction =
  /** Writes `conf/config.yaml` (0600) and creates `pid/`, `log/`, `tmp/`. */
  | { readonly kind: 'prepare'; readonly configuration: Readonly<Record<string, string>> }
  /** Fails when processes of the cluster run on the host (a second start-cluster). */
  | { readonly kind: 'ensure-not-running' }
  /** Starts all the processes at once (a JobManager and TaskManagers too: TaskManagers retry until it is up). */
  | { readonly kind: 'start'; readonly processes: readonly ProcessLaunch[] }
  /** Stops, all at once, the given pids of each daemon (those in its pid file), or all of them. */
  | { readonly kind: 'stop'; readonly targets: readonly StopTarget[]; readonly timeoutMs?: number | undefined }
  /** The live pids of the daemon, or which of `pids` are alive. */
  | { readonly kind: 'status'; readonly daemon: DaemonName; readonly pids?: readonly number[] | undefined }
  /** The last lines of files (e.g. the log of a TaskManager that died). */
  | { readonly kind: 'tail'; readonly files: readonly string[]; readonly lines: number }
  /**
   * Removes `conf/`, `pid/` and `tmp/`; keeps `log/` (and whatever else the processes wrote below
   * the host's directory, e.g. a pool agent's `work/` with its containers' logs), unless
   * `removeLogs`: then the whole host directory goes (a start that failed and was reported
   * with its log tails leaves nothing behind). Refused while processes of the scope run.
   */
  | { readonly kind: 'clean-up'; readonly removeLogs?: boolean | undefined };

export interface StopTarget {
  readonly daemon: DaemonName;
  /** Only these (when in the pid file); all when absent. */
  readonly pids?: readonly number[] | undefined;
}

/** Where the cluster's files are on the host (absolute paths there). */
export interface ClusterPaths {
  readonly base: string;
  readonly conf: string;
  readonly pid: string;
  readonly log: string;
  readonly tmp: string;
}

export interface StartedProcess {
  readonly launchId: string;
  /** 0 started, 1 not (as `flink-ts jobmanager|taskmanager start`). */
  readonly exitCode: number;
  readonly pid?: number | undefined;
  readonly logFile?: string | undefined;
  readonly outFile?: string | undefined;
  /** What the start printed on stdout and stderr (a failure: the reason, exit code, log tails). */
  readonly stdout: readonly string[];
  readonly stderr: readonly string[];
}

export interface StoppedProcess {
  readonly daemon: DaemonName;
  readonly pid: number;
  /** `SIGTERM` stopped in time, `SIGKILL` forced, `gone` already ended, `failed` could not be signalled. */
  readonly how: 'SIGTERM' | 'SIGKILL' | 'gone' | 'failed';
  readonly message?: string | undefined;
}

export type AgentActionResult =
  | { readonly kind: 'prepare'; readonly paths: ClusterPaths; readonly written: boolean }
  | { readonly kind: 'ensure-not-running' }
  | { readonly kind: 'start'; readonly processes: readonly StartedProcess[] }
  | { readonly kind: 'stop'; readonly processes: readonly StoppedProcess[] }
  | { readonly kind: 'status'; readonly alive: readonly number[] }
  | { readonly kind: 'tail'; readonly files: Readonly<Record<string, readonly string[]>> }
  | { readonly kind: 'clean-up'; readonly removed: readonly string[]; readonly logDir: string };

/** An action that failed; the actions after it were not run. */
export interface AgentActionFailure {
  readonly kind: 'error';
  readonly action: AgentAction['kind'];
  /** `ERR_CLUSTER_RUNNING` for ensure-not-running and clean-up with live processes (of a cluster or a pool). */
  readonly code?: string | undefined;
  readonly message: string;
  readonly pids?: readonly number[] | undefined;
}

export interface AgentResponse {
  readonly protocol: typeof AGENT_PROTOCOL;
  /** flink-ts version of the installation the agent runs from. */
  readonly version: string;
  readonly node: string;
  /** `os.hostname()` of the host: the name in its log file names. */
  readonly hostname: string;
  readonly paths: ClusterPaths;
  readonly results: readonly (AgentActionResult | AgentActionFailure)[];
  /** Lines the actions printed as notes (stale pids removed, …). */
  readonly notes: readonly string[];
  /** Set when the request itself was refused (version, protocol); no action ran. */
  readonly refused?: { readonly reason: 'version' | 'protocol'; readonly message: string } | undefined;
}

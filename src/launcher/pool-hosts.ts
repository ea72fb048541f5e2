/**
 * `flink-ts pool hosts add|remove`: a pool agent started or stopped on a host over SSH, by the
 * launcher, as `taskmanager start --host` adds a TaskManager to a cluster.
 *
 * The host is reached and prepared exactly as for a cluster (remote-daemons.ts): the same install
 * path, or the shipped distribution; the launcher's effective configuration (conf file,
 * FLINK_TS_PROPERTIES, `-D`), with the `pool.*` keys naming the pool the agent joins, written to
 * `~/.flink-ts/pools/<pool>/<host>/conf/config.yaml` there; the agent started detached with
 * `--host <the host's address>`, its pid and log files in that directory. The agent's start
 * counts only once it has registered its host with the pool; a start that fails is undone, so
 * that nothing of it stays on the host.
 */
import type { Configuration } from '../config/index.js';
import { POOL_AGENT_LABELS, POOL_AGENT_MEMORY, POOL_AGENT_SLOTS, POOL_NAME, POOL_REDIS_URL, loadConfiguration } from '../config/index.js';
import { redactedUrl } from '../resourcemanager/pool/redis-connection.js';
import type { HostSpec } from './host-spec.js';
import { formatHostSpec } from './host-spec.js';
import { HostsFileError, parseWorkers } from './hosts-file.js';
import { ClusterRunningError } from './launcher-errors.js';
import type { LauncherOutput } from './launcher-report.js';
import { reportCommandError, reportStartFailures, startRow, stopRow } from './launcher-report.js';
import type { DaemonStartResult } from './remote-daemons.js';
import { RemoteDaemons } from './remote-daemons.js';
import type { SummaryRow } from './summary-table.js';
import { summaryTable } from './summary-table.js';

export interface PoolHostCommandOptions {
  /** `[user@]host[:sshport]`, as in conf/workers. The host's address is its id in the pool. */
  readonly host: string;
  /** `-D` values, without `-D`: over the launcher's configuration, for the host too. */
  readonly dynamicProperties?: readonly string[] | undefined;
  /** Where FLINK_TS_CONF_DIR, FLINK_TS_PROPERTIES, HOME and SSH_AUTH_SOCK come from. @default process.env */
  readonly env?: NodeJS.ProcessEnv | undefined;
  readonly output: LauncherOutput;
}

export interface AddPoolHostOptions extends PoolHostCommandOptions {
  /** `pool.agent.slots` of this host's agent. */
  readonly slots?: number | undefined;
  /** `pool.agent.memory` of this host's agent, e.g. `16g`. */
  readonly memory?: string | undefined;
  /** `pool.agent.labels` of this host's agent, comma-separated. */
  readonly labels?: string | undefined;
}

interface PoolHostPlan {
  readonly spec: HostSpec;
  readonly configuration: Configuration;
  readonly daemons: RemoteDaemons;
  /** `pool 'default' at redis://127.0.0.1:6379`. */
  readonly pool: string;
}

/** `--slots`, `--memory`, `--labels` as the agent's own `-D`s: they differ per host, the configuration file does not. */
export function agentCapacityProperties(options: AddPoolHostOptions): string[] {
  const properties: string[] = [];
  if (options.slots !== undefined) properties.push(`${POOL_AGENT_SLOTS.key}=${options.slots}`);
  if (options.memory !== undefined) properties.push(`${POOL_AGENT_MEMORY.key}=${options.memory}`);
  if (options.labels !== undefined) properties.push(`${POOL_AGENT_LABELS.key}=${options.labels}`);
  return properties;
}

/** @throws HostsFileError, ConfigurationError: a bad host or configuration, before any host is contacted. */
function plan(options: PoolHostCommandOptions, agentProperties: readonly string[] = []): PoolHostPlan {
  const [entry, ...more] = parseWorkers(options.host, 'host argument');
  if (entry === undefined || more.length > 0) throw new HostsFileError(`Expected one host, [user@]host[:sshport], got '${options.host}'.`, 'host argument');
  const env = options.env ?? process.env;
  const dynamicProperties = options.dynamicProperties ?? [];
  // The agent's own values are checked here too, so that a bad --memory fails before the host is touched.
  loadConfiguration({ dynamicProperties: [...dynamicProperties, ...agentProperties], env });
  const configuration = loadConfiguration({ dynamicProperties, env });
  const daemons = RemoteDaemons.forPool(configuration, { env, notice: (line) => options.output.err(line) });
  return { spec: entry.spec, configuration, daemons, pool: `pool '${configuration.get(POOL_NAME)}' at ${redactedUrl(configuration.get(POOL_REDIS_URL))}` };
}

/**
 * `flink-ts pool hosts add`; resolves with the exit code: 0 once the host's agent runs and has
 * registered the host, 1 otherwise (with the reason; nothing of the attempt stays on the host).
 */
export async function addPoolHost(options: AddPoolHostOptions): Promise<number> {
  const { output } = options;
  const agentProperties = agentCapacityProperties(options);
  let added: PoolHostPlan;
  try {
    added = plan(options, agentProperties);
  } catch (error) {
    return reportCommandError(error, output);
  }
  const { spec, daemons, pool } = added;
  const name = formatHostSpec(spec);
  try {
    output.out(`Adding host ${spec.host} to ${pool}.`);
    const [started] = await daemons.startProcesses(spec, [{ role: 'poolagent', dynamicProperties: agentProperties }], { ensureNotRunning: true });
    if (started === undefined) return 1;
    const result = started.error instanceof ClusterRunningError ? alreadyRunning(started, added) : started;
    let undone: string | undefined;
    // The start ran on the host (it answered) and failed: its files go, logs included, since
    // their ends are printed below. An agent already running there is left alone.
    if (!result.ok && result.hostname !== undefined && !(started.error instanceof ClusterRunningError)) undone = await undoStart(daemons, result);
    for (const line of summaryTable([startRow(result)])) output.out(line);
    reportStartFailures([result], output);
    if (result.ok) {
      output.out(`Host ${spec.host} joined ${pool}: its agent runs on ${name} (pid ${result.pid ?? '?'}), log ${result.logFile ?? 'unknown'}.`);
      return 0;
    }
    output.err('');
    output.err(`Host ${spec.host} was not added to the pool.${undone === undefined ? '' : ` ${undone}`}`);
    return 1;
  } finally {
    await daemons.close();
  }
}

function alreadyRunning(result: DaemonStartResult, added: PoolHostPlan): DaemonStartResult {
  const pids = result.error instanceof ClusterRunningError ? result.error.pids.join(', ') : '?';
  const message = `An agent of ${added.pool} already runs on ${formatHostSpec(result.host)} (pid ${pids}). Remove it first: flink-ts pool hosts remove ${formatHostSpec(result.host)}`;
  return { ...result, summary: `failed: an agent already runs there (pid ${pids})`, details: [message] };
}

/** Removes what a failed start left on the host; says what could not be removed, if anything. */
async function undoStart(daemons: RemoteDaemons, result: DaemonStartResult): Promise<string | undefined> {
  const report = await daemons.stopAndCleanUp(result.host, [{ role: 'poolagent', pids: result.pid === undefined ? [] : [result.pid] }], { removeLogs: true });
  if (report.cleanedUp && report.error === undefined) return undefined;
  return `Its files on the host could not all be removed: ${report.error?.message ?? 'unknown reason'}`;
}

/**
 * `flink-ts pool hosts remove`: stops the host's agent (SIGTERM: it kills its containers, reports
 * them and deregisters the host) and removes its conf, pid and tmp directories there; its logs
 * and its containers' logs stay. Resolves with 0, also when no agent ran there, or 1.
 */
export async function removePoolHost(options: PoolHostCommandOptions): Promise<number> {
  const { output } = options;
  let removed: PoolHostPlan;
  try {
    removed = plan(options);
  } catch (error) {
    return reportCommandError(error, output);
  }
  const { spec, daemons, pool } = removed;
  const name = formatHostSpec(spec);
  try {
    output.out(`Removing host ${spec.host} from ${pool}.`);
    const report = await daemons.stopAndCleanUp(spec, [{ role: 'poolagent' }]);
    const rows: SummaryRow[] =
      report.stops.length > 0 ? report.stops.map(stopRow) : [{ host: name, role: 'poolagent', result: report.error === undefined ? 'no agent running' : `failed: ${report.error.message}` }];
    for (const line of summaryTable(rows)) output.out(line);
    const error = report.error ?? report.stops.find((s) => !s.ok)?.error;
    if (error !== undefined || !report.cleanedUp) {
      output.err('');
      output.err(`${name}: ${error?.message ?? 'the agent files were not removed'}`);
      output.err(`Host ${spec.host} was not removed from the pool cleanly; run the command again once the host is reachable.`);
      return 1;
    }
    output.out(`Host ${spec.host} left ${pool}. Logs are kept: ${name}:${report.logDir ?? ''}`);
    return 0;
  } finally {
    await daemons.close();
  }
}

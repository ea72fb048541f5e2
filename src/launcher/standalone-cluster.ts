/**
 * `flink-ts start-cluster` and `stop-cluster`: Flink's standalone cluster on the hosts of
 * conf/masters and conf/workers, and `jobmanager|taskmanager start --host` to add a process.
 *
 * Where Flink's start-cluster.sh works host after host, needs the same conf/ on every host,
 * keeps pid files in /tmp and reports success for processes that die a second later, this:
 * - starts the JobManager on the first master and every TaskManager of every worker at once
 *   (one command per host, `launcher.ssh.parallelism` hosts at a time);
 * - gives every process the launcher's configuration (see remote-configuration.ts);
 * - counts a process as started only once it reported that it runs, and then waits until the
 *   JobManager has registered all started TaskManagers' slots;
 * - prints one row per process, with the failures' reasons and log tails after the table, and
 *   exits 1 unless everything started;
 * - stop-cluster stops everything on every host at once and removes the cluster's conf, pid and
 *   tmp directories there (logs stay).
 */
import { homedir } from 'node:os';
import type { Configuration } from '../config/index.js';
import { NUM_TASK_SLOTS, REST_ADDRESS, REST_PORT, loadConfiguration, resolveConfDir } from '../config/index.js';
import { addedHostsFile, readAddedHosts, recordAddedHost, removeAddedHosts } from './added-hosts.js';
import { waitForOverview } from './cluster-overview.js';
import type { HostSpec } from './host-spec.js';
import { formatHostSpec, hostKey, isLocalHost } from './host-spec.js';
import type { MasterEntry, WorkerHost } from './hosts-file.js';
import { HostsFileError, groupWorkers, parseWorkers, readMasters, readWorkers } from './hosts-file.js';
import { clusterConfiguration, clusterIdOf } from './remote-configuration.js';
import type { DaemonRole, DaemonStartResult, HostStopReport } from './remote-daemons.js';
import { RemoteDaemons } from './remote-daemons.js';
import type { LauncherOutput } from './launcher-report.js';
import { reportCommandError, reportStartFailures, startRow, stopRow } from './launcher-report.js';
import type { SummaryRow } from './summary-table.js';
import { summaryTable } from './summary-table.js';

export type { LauncherOutput } from './launcher-report.js';

/** How long start-cluster waits for the started TaskManagers to register. */
export const DEFAULT_REGISTRATION_TIMEOUT_MS = 60_000;

export interface ClusterCommandOptions {
  /** `-D` values, without `-D`. */
  readonly dynamicProperties?: readonly string[] | undefined;
  /** Where FLINK_TS_CONF_DIR, FLINK_TS_PROPERTIES, HOME and SSH_AUTH_SOCK come from. @default process.env */
  readonly env?: NodeJS.ProcessEnv | undefined;
  readonly output: LauncherOutput;
  /** @default DEFAULT_REGISTRATION_TIMEOUT_MS */
  readonly registrationTimeoutMs?: number | undefined;
}

interface ClusterPlan {
  readonly configuration: Configuration;
  readonly confDir: string;
  readonly master: MasterEntry;
  readonly masterSpec: HostSpec;
  readonly workers: readonly WorkerHost[];
  readonly addedHostsFile: string;
}

/**
 * Reads the configuration and the hosts files into what the commands act on. `master` replaces
 * the first line of conf/masters (a JobManager started with `--host`).
 */
function plan(options: ClusterCommandOptions, master?: MasterEntry): ClusterPlan {
  const env = options.env ?? process.env;
  // As every client command loads it (cli-config.ts), without importing the CLI framework here.
  const loaded = loadConfiguration({ dynamicProperties: options.dynamicProperties ?? [], env });
  const confDir = resolveConfDir({ env }).dir;
  let jobManagerHost = master;
  if (jobManagerHost === undefined) {
    const [first, ...others] = readMasters(confDir);
    if (first === undefined) throw new HostsFileError(`${confDir}/masters lists no host.`, `${confDir}/masters`);
    jobManagerHost = first;
    if (others.length > 0) {
      options.output.err(`Note: ${confDir}/masters lists ${others.length + 1} hosts; the JobManager runs on the first, ${jobManagerHost.host} (standby JobManagers need high availability).`);
    }
  }
  const workers = groupWorkers(readWorkers(confDir));
  const configuration = clusterConfiguration(loaded, jobManagerHost, confDir);
  const home = env.HOME !== undefined && env.HOME !== '' ? env.HOME : homedir();
  return {
    configuration,
    confDir,
    master: jobManagerHost,
    // conf/masters names no SSH login: the one conf/workers gives the same address, if any.
    masterSpec: workers.find((w) => w.spec.host === jobManagerHost.host)?.spec ?? { host: jobManagerHost.host },
    workers,
    addedHostsFile: addedHostsFile(home, clusterIdOf(configuration)),
  };
}

function daemonsFor(configuration: Configuration, options: ClusterCommandOptions): RemoteDaemons {
  return RemoteDaemons.create(configuration, { env: options.env ?? process.env, notice: (line) => options.output.err(line) });
}

function restAddress(configuration: Configuration, master: MasterEntry): { host: string; port: number } {
  return { host: configuration.get(REST_ADDRESS) ?? master.host, port: configuration.get(REST_PORT) };
}

function warnUnreachableMaster(plan: ClusterPlan, output: LauncherOutput): void {
  if (!isLocalHost(plan.masterSpec)) return;
  const remote = plan.workers.filter((w) => !isLocalHost(w.spec) && w.spec.host !== 'localhost' && w.spec.host !== '127.0.0.1');
  if (remote.length > 0) {
    output.err(
      `Warning: the JobManager's host in conf/masters is ${plan.master.host}, which TaskManagers on other hosts (${remote.map((w) => formatHostSpec(w.spec)).join(', ')}) cannot reach: name the master by an address they can reach.`,
    );
  }
}

/** What start-cluster starts on one host. */
interface HostStart {
  readonly spec: HostSpec;
  jobManager: boolean;
  taskManagers: number;
}

/**
 * The hosts to start on, each once: conf/masters has no SSH login of its own, so a master that
 * conf/workers lists too (by the same address) is logged in to as that line says.
 */
function startsByHost(cluster: ClusterPlan): HostStart[] {
  const byHost = new Map<string, HostStart>();
  for (const worker of cluster.workers) {
    const known = byHost.get(worker.spec.host);
    if (known === undefined) byHost.set(worker.spec.host, { spec: worker.spec, jobManager: false, taskManagers: worker.taskManagers });
    // The same machine under two logins: one command there, or two would race on its pid files.
    else known.taskManagers += worker.taskManagers;
  }
  const master = byHost.get(cluster.master.host);
  if (master !== undefined) master.jobManager = true;
  else byHost.set(cluster.master.host, { spec: cluster.masterSpec, jobManager: true, taskManagers: 0 });
  // The JobManager's host first, as in the table.
  return [...byHost.values()].sort((a, b) => Number(b.jobManager) - Number(a.jobManager));
}

/**
 * `flink-ts start-cluster`; resolves with the exit code (0 all started and registered, 1 otherwise).
 *
 * Every host gets one command that starts all its processes, and all hosts start at once:
 * TaskManagers do not wait for the JobManager's start (they retry their registration every
 * 100 ms at first, as they would after a JobManager failover), which saves the JobManager's
 * start-up time and keeps both cores busy. If the JobManager fails, the TaskManagers that
 * started are stopped again.
 */
export async function startCluster(options: ClusterCommandOptions): Promise<number> {
  const { output } = options;
  let cluster: ClusterPlan;
  try {
    cluster = plan(options);
  } catch (error) {
    return reportCommandError(error, output);
  }
  warnUnreachableMaster(cluster, output);
  const daemons = daemonsFor(cluster.configuration, options);
  try {
    const taskManagers = cluster.workers.reduce((n, w) => n + w.taskManagers, 0);
    output.out(`Starting cluster '${daemons.clusterId}': a JobManager on ${cluster.master.host}, ${taskManagers} TaskManager(s) on ${cluster.workers.length} host(s).`);
    const hosts = startsByHost(cluster);
    const perHost = await Promise.all(
      hosts.map((host) =>
        daemons.startProcesses(
          host.spec,
          [...(host.jobManager ? [{ role: 'jobmanager' as const }] : []), ...Array.from({ length: host.taskManagers }, () => ({ role: 'taskmanager' as const, launch: {} }))],
          { ensureNotRunning: true },
        ),
      ),
    );
    let results = perHost.flat();
    const jobManager = results.find((r) => r.role === 'jobmanager');
    if (jobManager?.ok !== true) results = await stopOrphans(daemons, results);
    for (const line of summaryTable(results.map(startRow))) output.out(line);
    reportStartFailures(results, output);
    if (jobManager?.ok !== true) {
      output.err(`The cluster did not start: the JobManager failed on ${cluster.master.host}.`);
      return 1;
    }
    const failed = results.filter((r) => !r.ok).length;
    const registered = await awaitRegistration(cluster, results.filter((r) => r.ok && r.role === 'taskmanager').length, options);
    if (failed > 0) {
      output.err(`${failed} of ${results.length} processes did not start; the others run. Fix the cause and add them with \`flink-ts taskmanager start --host <host>\`, or stop everything with \`flink-ts stop-cluster\`.`);
      return 1;
    }
    return registered ? 0 : 1;
  } finally {
    await daemons.close();
  }
}

/** Without a JobManager, the TaskManagers that started have nothing to join: they are stopped again. */
async function stopOrphans(daemons: RemoteDaemons, results: readonly DaemonStartResult[]): Promise<DaemonStartResult[]> {
  const started = results.filter((r) => r.ok && r.pid !== undefined && r.role === 'taskmanager');
  const byHost = new Map<string, { host: HostSpec; pids: number[] }>();
  for (const result of started) {
    const entry = byHost.get(hostKey(result.host)) ?? { host: result.host, pids: [] };
    entry.pids.push(result.pid ?? -1);
    byHost.set(hostKey(result.host), entry);
  }
  // Their hosts' cluster files go too, unless something else of the cluster runs there.
  const reports = await Promise.all([...byHost.values()].map(({ host, pids }) => daemons.stopAndCleanUp(host, [{ role: 'taskmanager', pids }])));
  const stops = reports.flatMap((report) => report.stops);
  return results.map((result): DaemonStartResult => {
    if (!started.includes(result)) return result;
    const stop = stops.find((s) => s.pid === result.pid && hostKey(s.host) === hostKey(result.host));
    const summary = stop?.ok === true ? 'stopped again: the JobManager did not start' : `still running (could not be stopped: ${stop?.summary ?? 'unknown'}); run stop-cluster`;
    return { ...result, ok: false, summary, details: [] };
  });
}

async function awaitRegistration(cluster: ClusterPlan, taskManagers: number, options: ClusterCommandOptions): Promise<boolean> {
  const { output } = options;
  const slots = taskManagers * cluster.configuration.get(NUM_TASK_SLOTS);
  const rest = restAddress(cluster.configuration, cluster.master);
  const url = `http://${rest.host.includes(':') ? `[${rest.host}]` : rest.host}:${rest.port}`;
  const timeoutMs = options.registrationTimeoutMs ?? DEFAULT_REGISTRATION_TIMEOUT_MS;
  const wait = await waitForOverview(rest.host, rest.port, (o) => o.taskmanagers >= taskManagers && o['slots-total'] >= slots, timeoutMs);
  if (wait.kind === 'ready') {
    output.out(`Cluster is running: ${wait.overview.taskmanagers} TaskManager(s) with ${wait.overview['slots-total']} slot(s) registered. REST endpoint: ${url}`);
    return true;
  }
  const seen = wait.last === undefined ? `the REST endpoint did not answer (${wait.lastError ?? 'no answer'})` : `${wait.last.taskmanagers} TaskManager(s) with ${wait.last['slots-total']} slot(s) are registered`;
  output.err(`Timed out after ${timeoutMs / 1000} s waiting for ${taskManagers} TaskManager(s) with ${slots} slot(s) to register at ${url}: ${seen}. See the TaskManagers' logs.`);
  return false;
}

interface StopTarget {
  readonly spec: HostSpec;
  jobManager: boolean;
}

/** `flink-ts stop-cluster`; resolves with the exit code (0 everything stopped and cleaned up, 1 otherwise). */
export async function stopCluster(options: ClusterCommandOptions): Promise<number> {
  const { output } = options;
  let cluster: ClusterPlan;
  try {
    cluster = plan(options);
  } catch (error) {
    return reportCommandError(error, output);
  }
  // One command per machine (by address), as start-cluster does; the master is logged in to as
  // conf/workers says for the same address.
  const targets = new Map<string, StopTarget>();
  const add = (spec: HostSpec, jobManager: boolean): void => {
    const known = targets.get(spec.host);
    if (known === undefined) targets.set(spec.host, { spec, jobManager });
    else known.jobManager ||= jobManager;
  };
  for (const worker of cluster.workers) add(worker.spec, false);
  for (const added of readAddedHosts(cluster.addedHostsFile)) add(added.spec, added.role === 'jobmanager');
  add(cluster.masterSpec, true);
  const daemons = daemonsFor(cluster.configuration, options);
  try {
    output.out(`Stopping cluster '${daemons.clusterId}' on ${targets.size} host(s).`);
    const reports = await Promise.all([...targets.values()].map((t) => daemons.stopAllAndCleanUp(t.spec, { jobManager: t.jobManager })));
    const rows: SummaryRow[] = reports.flatMap((report): SummaryRow[] =>
      report.stops.length > 0 ? report.stops.map(stopRow) : [{ host: formatHostSpec(report.host), role: '-', result: report.error === undefined ? 'no process running' : `failed: ${report.error.message}` }],
    );
    for (const line of summaryTable(rows)) output.out(line);
    const failed = reports.filter((r) => r.error !== undefined || !r.cleanedUp || r.stops.some((s) => !s.ok));
    reportStopFailures(failed, output);
    const logs = reports.filter((r) => r.cleanedUp && r.logDir !== undefined);
    if (logs.length > 0) output.out(`Logs are kept: ${logs.map((r) => `${formatHostSpec(r.host)}:${r.logDir ?? ''}`).join(', ')}`);
    if (failed.length > 0) {
      output.err(`The cluster was not stopped on ${failed.length} of ${reports.length} host(s): ${failed.map((r) => formatHostSpec(r.host)).join(', ')}. Run stop-cluster again once they are reachable.`);
      return 1;
    }
    removeAddedHosts(cluster.addedHostsFile);
    return 0;
  } finally {
    await daemons.close();
  }
}

function reportStopFailures(failed: readonly HostStopReport[], output: LauncherOutput): void {
  for (const report of failed) {
    const error = report.error ?? report.stops.find((s) => !s.ok)?.error;
    output.err('');
    output.err(`${formatHostSpec(report.host)}: ${error?.message ?? 'the cluster files were not removed'}`);
  }
}

export interface StartOnHostOptions extends ClusterCommandOptions {
  readonly role: DaemonRole;
  /** `[user@]host[:sshport]`, as in conf/workers. */
  readonly host: string;
  /** JobManager only: its REST port (`--webui-port`), as a master's `:webuiport`. */
  readonly webUiPort?: number | undefined;
}

/**
 * `flink-ts taskmanager start --host <h>` (and `jobmanager start --host <h> --remote`): starts one
 * process on that host through the launcher, with the same configuration start-cluster gives, to
 * add it to the running cluster. The host is remembered so that stop-cluster stops it too.
 */
export async function startOnHost(options: StartOnHostOptions): Promise<number> {
  const { output } = options;
  let cluster: ClusterPlan;
  let spec: HostSpec;
  try {
    const [entry] = parseWorkers(options.host, '--host');
    if (entry === undefined) throw new HostsFileError(`--host: expected [user@]host[:sshport], got '${options.host}'.`, '--host');
    spec = entry.spec;
    // A JobManager started this way is the one TaskManagers must find: it takes the master's place.
    cluster = plan(options, options.role === 'jobmanager' ? { host: spec.host, webUiPort: options.webUiPort, line: 0 } : undefined);
  } catch (error) {
    return reportCommandError(error, output);
  }
  const daemons = daemonsFor(cluster.configuration, options);
  try {
    const [result] = options.role === 'jobmanager' ? [await daemons.startJobManager(spec, { ensureNotRunning: true })] : await daemons.startTaskManagers(spec, [{}]);
    if (result === undefined) return 1;
    // Even a failed start may have left a process behind (it timed out); stop-cluster must look there.
    recordAddedHost(cluster.addedHostsFile, options.role, spec);
    for (const line of summaryTable([startRow(result)])) output.out(line);
    reportStartFailures([result], output);
    return result.ok ? 0 : 1;
  } finally {
    await daemons.close();
  }
}

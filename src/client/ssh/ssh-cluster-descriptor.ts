/**
 * Clusters that live as long as a client wants them, on the hosts of conf/masters and
 * conf/workers (Flink's ClusterDescriptor for YARN, with SSH hosts instead of a YARN cluster):
 *
 * - {@link deploySessionCluster} for `flink-ts ssh-session`;
 * - {@link deployPerJobCluster} for `run -t ssh-per-job` (one job, then gone);
 * - {@link deployApplicationCluster} for `run -t ssh-application` (the JobManager runs the job's
 *   main and ends with it).
 *
 * Each starts only the JobManager, on the first master. Its ResourceManager is the active one
 * with the ssh driver (`$internal.resourcemanager.driver=ssh`): it starts TaskManagers on the
 * worker hosts when jobs need slots, replaces lost ones and releases idle ones. The returned
 * {@link SshCluster} knows every host the cluster may have processes on, and `shutDown()` stops
 * them all and removes the cluster's files there (logs stay), as stop-cluster does.
 *
 * Nothing is left behind on a failure path: a deployment that fails after the JobManager's host
 * was touched cleans that host up before it throws.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { homedir } from 'node:os';
import type { Configuration } from '../../config/index.js';
import {
  HA_CLUSTER_ID,
  JOB_MANAGER_RPC_BIND_PORT,
  JOB_MANAGER_RPC_PORT,
  REST_ADDRESS,
  REST_BIND_PORT,
  REST_PORT,
  resolveConfDir,
} from '../../config/index.js';
import { FlinkTsError, ensureError } from '../../core/errors.js';
import { addedHostsFile, readAddedHosts, recordAddedHost, removeAddedHosts } from '../../launcher/added-hosts.js';
import { fetchOverview } from '../../launcher/cluster-overview.js';
import type { DaemonStartResult, DaemonStopResult, HostSpec, MasterEntry, RemoteExecutor, WorkerEntry } from '../../launcher/index.js';
import {
  ClusterRunningError,
  HostExecutors,
  HostsFileError,
  RemoteDaemons,
  clusterConfiguration,
  formatHostSpec,
  readMasters,
  readWorkers,
  resolveLauncherSettings,
} from '../../launcher/index.js';
import { hostDirName } from '../../launcher/remote-configuration.js';
import { shScript } from '../../launcher/shell-quote.js';
import { RESOURCE_MANAGER_DRIVER_KEY, SSH_WORKERS_KEY } from '../../launcher/ssh-resource-manager-driver.js';
import { APPLICATION_ARGS_KEY, APPLICATION_ARTIFACT_KEY } from '../../entrypoints/application-cluster-component.js';
import type { JobArtifact } from '../program/job-bundler.js';
import type { DeployedCluster, ShutdownReport } from '../deployment/deployed-cluster.js';

export type SshClusterKind = 'session' | 'per-job' | 'application';

/** The prefix of generated cluster ids, per kind (`high-availability.cluster-id`). */
const ID_PREFIX: Readonly<Record<SshClusterKind, string>> = { session: 'session', 'per-job': 'perjob', application: 'application' };

/**
 * Ports are chosen from here when the configuration sets none: below Linux's ephemeral range
 * (32768–60999), so that outgoing connections on the master rarely hold one. A port that is
 * taken anyway makes the JobManager fail at once, and the deployment retries with others.
 */
const CHOSEN_PORT_MIN = 20_000;
const CHOSEN_PORT_MAX = 32_000;
const PORT_ATTEMPTS = 3;
/** The JobManager reported its start, so its REST endpoint listens; this bounds the check that it answers. */
const REST_READY_TIMEOUT_MS = 30_000;

export interface SshDeployOptions {
  /** Where FLINK_TS_CONF_DIR, HOME and SSH_AUTH_SOCK are read. @default process.env */
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** Progress and notes for the user (a host key recorded in known_hosts, a second master ignored). */
  readonly log: (line: string) => void;
  /**
   * Record the cluster's hosts where the client runs (`~/.flink-ts/clusters/<id>/added-hosts`),
   * so that `flink-ts stop-cluster -D high-availability.cluster-id=<id>` finds every host even
   * after conf/workers changed. For clusters that outlive the client (sessions, detached
   * applications). @default false
   */
  readonly recordHosts?: boolean | undefined;
}

/** What the deployment reads before anything starts: hosts, ids, the cluster's configuration. */
export interface SshClusterPlan {
  readonly kind: SshClusterKind;
  readonly clusterId: string;
  /** What every process of the cluster runs with (written to each host's config.yaml). */
  readonly configuration: Configuration;
  readonly confDir: string;
  readonly master: MasterEntry;
  /** The master as logged in to: conf/workers' login for the same address, if any. */
  readonly masterSpec: HostSpec;
  /** The lines of conf/workers: the hosts the ssh driver may start TaskManagers on. */
  readonly workers: readonly WorkerEntry[];
  /** Hosts recorded for the cluster by an earlier client (sessions): they are stopped too. */
  readonly recordedHosts: readonly HostSpec[];
  /** `http://host:port` of the JobManager's REST endpoint. */
  readonly restAddress: string;
  /** True when the ports were chosen here (none configured), so another choice may be tried. */
  readonly portsChosen: boolean;
  /** Where the client records the hosts (see {@link SshDeployOptions.recordHosts}). */
  readonly hostsRecord: string;
}

/** How the deployment of a cluster failed; everything it started was stopped again. */
export class SshDeploymentError extends FlinkTsError {
  constructor(
    message: string,
    /** The JobManager's start result, with the host's output, when the start itself failed. */
    readonly details: readonly string[] = [],
    options: { cause?: unknown } = {},
  ) {
    super('ERR_REMOTE_EXIT', details.length > 0 ? `${message}\n${details.map((line) => `  ${line}`).join('\n')}` : message, options);
  }
}
Object.defineProperty(SshDeploymentError.prototype, 'name', { value: 'SshDeploymentError' });

/** A short random id: enough to keep concurrent clusters of one user apart. */
export function newClusterId(kind: SshClusterKind): string {
  return `${ID_PREFIX[kind]}-${randomBytes(4).toString('hex')}`;
}

/**
 * Reads the conf dir's masters and workers and turns the client's configuration into the
 * cluster's: what start-cluster does (the master's address, the cluster secret), plus the
 * cluster id and ports.
 *
 * The id is always a new one (`clusterId` only names an existing cluster: an attached session,
 * a retry). A `high-availability.cluster-id` of the configuration names start-cluster's cluster:
 * reusing it would put this cluster into that one's directories, and stopping this one would stop
 * that one's processes.
 * @throws HostsFileError for a missing or malformed hosts file, or no worker host.
 */
export function planSshCluster(kind: SshClusterKind, clientConfiguration: Configuration, options: SshDeployOptions, clusterId: string = newClusterId(kind)): SshClusterPlan {
  const env = options.env ?? process.env;
  const confDir = resolveConfDir({ env }).dir;
  const [master, ...otherMasters] = readMasters(confDir);
  if (master === undefined) throw new HostsFileError(`${confDir}/masters lists no host.`, `${confDir}/masters`);
  if (otherMasters.length > 0) {
    options.log(`Note: ${confDir}/masters lists ${otherMasters.length + 1} hosts; the JobManager runs on the first, ${master.host} (standby JobManagers need high availability).`);
  }
  const workers = readWorkers(confDir);
  if (workers.length === 0) {
    throw new HostsFileError(`${confDir}/workers lists no host: the cluster starts its TaskManagers on those hosts, so it needs at least one.`, `${confDir}/workers`);
  }
  const portsChosen = !hasConfiguredPorts(clientConfiguration, master);
  const withIds = clientConfiguration.withOverrides({ [HA_CLUSTER_ID.key]: clusterId, ...choosePorts(clientConfiguration, master) }, `${kind} cluster`);
  const configuration = clusterConfiguration(withIds, master, confDir);
  const home = env.HOME !== undefined && env.HOME !== '' ? env.HOME : homedir();
  const hostsRecord = addedHostsFile(home, clusterId);
  const restHost = configuration.get(REST_ADDRESS) ?? master.host;
  return {
    kind,
    clusterId,
    configuration,
    confDir,
    master,
    masterSpec: workers.find((w) => w.spec.host === master.host)?.spec ?? { host: master.host },
    workers,
    recordedHosts: readAddedHosts(hostsRecord).map((h) => h.spec),
    restAddress: `http://${restHost.includes(':') ? `[${restHost}]` : restHost}:${configuration.get(REST_PORT)}`,
    portsChosen,
    hostsRecord,
  };
}

function hasConfiguredPorts(configuration: Configuration, master: MasterEntry): boolean {
  return (
    master.webUiPort !== undefined ||
    [REST_PORT, REST_BIND_PORT, JOB_MANAGER_RPC_PORT, JOB_MANAGER_RPC_BIND_PORT].some((option) => configuration.has(option.key))
  );
}

/**
 * The REST and RPC ports, where neither conf/masters nor the configuration gives them: chosen at
 * random, so that clusters of several users and runs share the hosts (Flink's 8081 and 6123
 * would make the second cluster on a master fail). Ports set by the user are theirs.
 */
function choosePorts(configuration: Configuration, master: MasterEntry): Record<string, number> {
  const ports: Record<string, number> = {};
  const rest = randomInt(CHOSEN_PORT_MIN, CHOSEN_PORT_MAX);
  if (master.webUiPort === undefined && !configuration.has(REST_PORT.key) && !configuration.has(REST_BIND_PORT.key)) ports[REST_PORT.key] = rest;
  if (!configuration.has(JOB_MANAGER_RPC_PORT.key) && !configuration.has(JOB_MANAGER_RPC_BIND_PORT.key)) {
    let rpc = randomInt(CHOSEN_PORT_MIN, CHOSEN_PORT_MAX);
    while (rpc === rest) rpc = randomInt(CHOSEN_PORT_MIN, CHOSEN_PORT_MAX);
    ports[JOB_MANAGER_RPC_PORT.key] = rpc;
  }
  return ports;
}

/** A running cluster of this client: where it is, and how to take it down. */
export class SshCluster implements DeployedCluster {
  private stopping: Promise<SshShutdownReport> | undefined;
  private readonly reportedFailures = new Set<string>();

  private constructor(
    readonly plan: SshClusterPlan,
    private readonly daemons: RemoteDaemons,
    private readonly executors: HostExecutors,
    /** The JobManager's start, when this client started it. */
    readonly jobManager: DaemonStartResult | undefined,
  ) {}

  get clusterId(): string {
    return this.plan.clusterId;
  }

  get restAddress(): string {
    return this.plan.restAddress;
  }

  /** The master, then each worker host once (by address: one command per machine, as stop-cluster does). */
  get hosts(): { readonly spec: HostSpec; readonly jobManager: boolean }[] {
    const byAddress = new Map<string, { spec: HostSpec; jobManager: boolean }>();
    byAddress.set(this.plan.masterSpec.host, { spec: this.plan.masterSpec, jobManager: true });
    for (const spec of [...this.plan.workers.map((w) => w.spec), ...this.plan.recordedHosts]) {
      if (!byAddress.has(spec.host)) byAddress.set(spec.host, { spec, jobManager: false });
    }
    return [...byAddress.values()];
  }

  /** Creates the connections for a plan, without starting anything. */
  static open(plan: SshClusterPlan, options: SshDeployOptions, jobManager?: DaemonStartResult): SshCluster {
    const env = options.env ?? process.env;
    const settings = resolveLauncherSettings(plan.configuration, env);
    const notice = (line: string): void => options.log(line);
    // One set of connections for the launcher's agent and the artifact upload: the master is
    // logged in to once.
    const executors = new HostExecutors({ ssh: settings.ssh, parallelism: settings.parallelism, notice, localEnv: env });
    const daemons = RemoteDaemons.create(plan.configuration, { env, notice, executors });
    return new SshCluster(plan, daemons, executors, jobManager);
  }

  /** Starts the JobManager; resolves with the result (never rejects, as RemoteDaemons). */
  startJobManager(dynamicProperties: readonly string[]): Promise<DaemonStartResult> {
    return this.daemons.startJobManager(this.plan.masterSpec, { ensureNotRunning: true, dynamicProperties });
  }

  withJobManager(jobManager: DaemonStartResult): SshCluster {
    return new SshCluster(this.plan, this.daemons, this.executors, jobManager);
  }

  /** Runs a command on the master through the cluster's connection there. */
  onMaster<T>(action: (executor: RemoteExecutor) => Promise<T>): Promise<T> {
    return this.executors.run(this.plan.masterSpec, action);
  }

  /** Whether the JobManager this client started still runs. @throws when the master cannot be asked. */
  async jobManagerAlive(): Promise<boolean> {
    const pid = this.jobManager?.pid;
    const alive = await this.daemons.alivePids(this.plan.masterSpec, 'jobmanager', pid === undefined ? undefined : [pid]);
    return alive.length > 0;
  }

  /** The last lines of the JobManager's log ([] when unknown or unreadable). */
  async jobManagerLog(lines: number): Promise<readonly string[]> {
    const file = this.jobManager?.logFile;
    if (file === undefined) return [];
    try {
      return (await this.daemons.tail(this.plan.masterSpec, [file], lines))[file] ?? [];
    } catch {
      return [];
    }
  }

  /**
   * Why the JobManager could not start TaskManagers, from its log: lines the ResourceManager
   * wrote since the last call (none when it started them all). A JobManager that cannot log in
   * to the workers otherwise only shows as a job waiting for slots.
   */
  async taskManagerStartFailures(): Promise<string[]> {
    // Once stopping, the connections are closing: asking now would open them again.
    if (this.stopping !== undefined) return [];
    const marker = ' - Could not start a TaskManager: ';
    const fresh: string[] = [];
    for (const line of await this.jobManagerLog(500)) {
      const at = line.indexOf(marker);
      if (at === -1) continue;
      // The ResourceManager retries: each reason is told once, not once per attempt.
      const reason = line.slice(at + marker.length);
      if (this.reportedFailures.has(reason)) continue;
      this.reportedFailures.add(reason);
      fresh.push(reason);
    }
    return fresh;
  }

  /** Where the JobManager's `.log` and `.out` files are, as `host:path`. */
  jobManagerFiles(): string[] {
    const host = formatHostSpec(this.plan.masterSpec);
    return [this.jobManager?.logFile, this.jobManager?.outFile].filter((f): f is string => f !== undefined).map((f) => `${host}:${f}`);
  }

  /** Remembers the cluster's hosts where the client runs, for stop-cluster (see {@link SshDeployOptions.recordHosts}). */
  recordHosts(): void {
    for (const host of this.hosts) recordAddedHost(this.plan.hostsRecord, host.jobManager ? 'jobmanager' : 'taskmanager', host.spec);
  }

  /**
   * Stops every process of the cluster on every host (SIGTERM, SIGKILL after 30 s) and removes
   * its conf, pid and tmp directories there; logs stay. Every host at once. Idempotent: later
   * calls get the first call's report.
   */
  shutDown(): Promise<SshShutdownReport> {
    this.stopping ??= this.stopEverywhere().then((report) => {
      const lines = shutdownLines(report, `${this.plan.kind} cluster`);
      return { ...report, lines: [...lines.out, ...lines.err] };
    });
    return this.stopping;
  }

  /** Closes the connections, leaving the cluster running (a detached session or application). */
  async detach(): Promise<void> {
    await this.daemons.close();
  }

  /**
   * The JobManager first, then every host. Stopping a TaskManager while the JobManager runs
   * makes its ResourceManager release that TaskManager over SSH without waiting for it, and that
   * command can reach the host after its files were removed, and create them again. A JobManager
   * that stops releases all of its TaskManagers itself and waits for that before it exits; the
   * second round then finds only what it could not stop, and removes every host's files.
   */
  private async stopEverywhere(): Promise<Omit<SshShutdownReport, 'lines'>> {
    try {
      const hosts = this.hosts;
      const workers = hosts.filter((h) => !h.jobManager);
      // Asked over REST first, the JobManager shuts down (the same way as on SIGTERM) while the
      // agent that waits for it starts on the master. Only a JobManager this client started, and
      // only when the address still is this cluster's: another cluster may have its port by now.
      if (this.jobManager !== undefined) await requestShutdown(this.restAddress, this.clusterId);
      // Meanwhile the connections to the workers are opened: the second round then pays no handshake.
      const warm = Promise.all(workers.map((h) => this.executors.run(h.spec, (executor) => executor.exec(shScript(':'), { timeoutMs: 10_000 })).catch(() => undefined)));
      const master = await this.daemons.stopAndCleanUp(this.plan.masterSpec, [{ role: 'jobmanager' }]);
      await warm;
      let reports = [master, ...(await Promise.all(workers.map((h) => this.daemons.stopAllAndCleanUp(h.spec, { jobManager: false }))))];
      if (!master.cleanedUp && master.error instanceof ClusterRunningError) {
        // TaskManagers the JobManager did not stop (it could not reach them, or it was gone already).
        const second = await this.daemons.stopAllAndCleanUp(this.plan.masterSpec, { jobManager: true });
        reports = [{ ...second, stops: [...master.stops.filter((s) => s.ok), ...second.stops] }, ...reports.slice(1)];
      }
      const failed = reports.filter((r) => r.error !== undefined || !r.cleanedUp || r.stops.some((s) => !s.ok));
      if (failed.length === 0) removeAddedHosts(this.plan.hostsRecord);
      return {
        clusterId: this.clusterId,
        ok: failed.length === 0,
        stops: reports.flatMap((r) => r.stops).filter((s) => s.pid !== undefined && s.summary !== 'not running'),
        failures: failed.map((r) => `${formatHostSpec(r.host)}: ${(r.error ?? r.stops.find((s) => !s.ok)?.error)?.message ?? 'the cluster files were not removed'}`),
        logDirs: reports.filter((r) => r.logDir !== undefined).map((r) => `${formatHostSpec(r.host)}:${r.logDir ?? ''}`),
      };
    } catch (error) {
      return { clusterId: this.clusterId, ok: false, stops: [], failures: [ensureError(error).message], logDirs: [] };
    } finally {
      await this.daemons.close();
    }
  }
}

/**
 * `DELETE /cluster` (Flink's shutDownCluster) when `GET /jobmanager/config` names `clusterId`:
 * answered at once, the JobManager goes down right after. Never rejects: the agent's stop that
 * follows is what counts.
 */
async function requestShutdown(restAddress: string, clusterId: string): Promise<void> {
  const call = (method: 'GET' | 'DELETE', path: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const req = httpRequest(`${restAddress}${path}`, { method, agent: false, timeout: 2_000, headers: { 'Content-Length': 0 } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`HTTP ${res.statusCode ?? '?'}`))));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end();
    });
  try {
    const entries = JSON.parse(await call('GET', '/jobmanager/config')) as { key: string; value: string }[];
    if (!entries.some((e) => e.key === HA_CLUSTER_ID.key && e.value === clusterId)) return;
    await call('DELETE', '/cluster');
  } catch {
    // Gone already, or not answering: the stop on the master finds out.
  }
}

/** What {@link SshCluster.shutDown} did. */
export interface SshShutdownReport extends ShutdownReport {
  readonly clusterId: string;
  /** True when every host was reached, every process stopped and every host's files removed. */
  readonly ok: boolean;
  /** The processes that were running and were stopped (or failed to stop). */
  readonly stops: readonly DaemonStopResult[];
  /** One line per host where something is left: what went wrong. */
  readonly failures: readonly string[];
  /** `host:dir` of the logs kept on each host. */
  readonly logDirs: readonly string[];
}

/** Lines for the user about a shutdown: where the logs are, or what is left and how to remove it. */
export function shutdownLines(report: Omit<SshShutdownReport, 'lines'>, what: string): { readonly out: string[]; readonly err: string[] } {
  if (report.ok) return { out: [`Removed the ${what} '${report.clusterId}' from its hosts; logs are kept: ${report.logDirs.join(', ')}`], err: [] };
  return {
    out: [],
    err: [
      `The ${what} '${report.clusterId}' was not removed everywhere:`,
      ...report.failures.map((failure) => `  ${failure}`),
      `Remove what is left with: flink-ts stop-cluster -D high-availability.cluster-id=${report.clusterId}`,
    ],
  };
}

function isPortConflict(result: DaemonStartResult): boolean {
  return result.details.some((line) => /EADDRINUSE|address already in use/i.test(line));
}

/** `-D`s of the JobManager: the ssh ResourceManager driver with its worker hosts, and `extra`. */
function jobManagerProperties(plan: SshClusterPlan, extra: readonly string[]): string[] {
  return [`${RESOURCE_MANAGER_DRIVER_KEY}=ssh`, `${SSH_WORKERS_KEY}=${plan.workers.map((w) => formatHostSpec(w.spec)).join(',')}`, ...extra];
}

/** What a deployment does on the master before its JobManager starts (the application's artifact). */
type BeforeStart = (cluster: SshCluster) => Promise<readonly string[]>;

/**
 * Starts the JobManager of `plan` and waits until its REST endpoint answers. On a port that is
 * taken (ports chosen here only), tries again with other ports. On failure, the master is
 * cleaned up and the error says why, with the host's output.
 */
async function deploy(initial: SshClusterPlan, clientConfiguration: Configuration, options: SshDeployOptions, beforeStart?: BeforeStart): Promise<SshCluster> {
  let plan = initial;
  const workers = [...new Set(plan.workers.map((w) => formatHostSpec(w.spec)))].join(', ');
  options.log(`Deploying the ${plan.kind} cluster '${plan.clusterId}': a JobManager on ${formatHostSpec(plan.masterSpec)}, TaskManagers on demand on ${workers}.`);
  for (let attempt = 1; ; attempt++) {
    const opened = SshCluster.open(plan, options);
    let started: DaemonStartResult;
    try {
      const extra = beforeStart === undefined ? [] : await beforeStart(opened);
      started = await opened.startJobManager(jobManagerProperties(plan, extra));
    } catch (error) {
      const left = await cleanUpAfterFailure(opened);
      throw new SshDeploymentError(`Could not deploy the ${plan.kind} cluster '${plan.clusterId}' on ${formatHostSpec(plan.masterSpec)}: ${ensureError(error).message}`, left, { cause: error });
    }
    if (!started.ok) {
      // A start that failed or timed out may have left its directories (and, timed out, was stopped).
      const left = await cleanUpAfterFailure(opened);
      if (left.length === 0 && plan.portsChosen && attempt < PORT_ATTEMPTS && isPortConflict(started)) {
        // Same id, other ports; quiet, as the notes were printed the first time.
        plan = planSshCluster(plan.kind, clientConfiguration, { ...options, log: () => undefined }, plan.clusterId);
        continue;
      }
      throw new SshDeploymentError(`The JobManager of the ${plan.kind} cluster '${plan.clusterId}' did not start on ${formatHostSpec(plan.masterSpec)}.`, [...started.details, ...left]);
    }
    const cluster = opened.withJobManager(started);
    const ready = await waitForRest(cluster);
    // An application whose main ended at once (it threw) takes its JobManager with it: the
    // client learns how from the JobManager's log, as for any application.
    if (ready.kind === 'ended' && plan.kind === 'application') return cluster;
    if (ready.kind === 'ended') {
      const log = await cluster.jobManagerLog(20);
      const left = await cleanUpAfterFailure(cluster);
      throw new SshDeploymentError(`The JobManager of the ${plan.kind} cluster '${plan.clusterId}' ended right after its start on ${formatHostSpec(plan.masterSpec)}; the end of its log:`, [...log, ...left]);
    }
    if (ready.kind === 'timeout') {
      const left = await cleanUpAfterFailure(cluster);
      throw new SshDeploymentError(
        `The JobManager of the ${plan.kind} cluster '${plan.clusterId}' started on ${formatHostSpec(plan.masterSpec)}, but its REST endpoint ${plan.restAddress} did not answer within ${REST_READY_TIMEOUT_MS / 1000} s (${ready.lastError}); the cluster was stopped again. Check rest.address and rest.bind-address.`,
        left,
      );
    }
    if (options.recordHosts === true) cluster.recordHosts();
    return cluster;
  }
}

/**
 * Waits until the JobManager's REST endpoint answers (it listens once the JobManager reported
 * its start, so this is quick), or the JobManager is gone: refused connections are looked into
 * on the master, once a second.
 */
async function waitForRest(cluster: SshCluster): Promise<{ readonly kind: 'ready' | 'ended' } | { readonly kind: 'timeout'; readonly lastError: string }> {
  const url = new URL(cluster.restAddress);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const began = Date.now();
  let lastError = 'no answer';
  let lastLook = began;
  let delay = 20;
  for (;;) {
    try {
      await fetchOverview(host, Number(url.port));
      return { kind: 'ready' };
    } catch (error) {
      lastError = ensureError(error).message;
    }
    if (Date.now() - lastLook >= 1_000) {
      lastLook = Date.now();
      // A master that cannot be asked says nothing: keep waiting for the endpoint.
      if (!(await cluster.jobManagerAlive().catch(() => true))) return { kind: 'ended' };
    }
    if (Date.now() - began >= REST_READY_TIMEOUT_MS) return { kind: 'timeout', lastError };
    await sleep(delay);
    delay = Math.min(delay * 2, 250);
  }
}

/** Stops what a failed deployment started; lines saying what is left, if anything. */
async function cleanUpAfterFailure(cluster: SshCluster): Promise<string[]> {
  const report = await cluster.shutDown();
  if (report.ok) return [];
  return [
    'Cleaning up after the failure did not succeed everywhere:',
    ...report.failures.map((f) => `  ${f}`),
    `Remove what is left with: flink-ts stop-cluster -D high-availability.cluster-id=${report.clusterId}`,
  ];
}

/** A session cluster: a JobManager that takes jobs until it is stopped; TaskManagers on demand. */
export async function deploySessionCluster(clientConfiguration: Configuration, options: SshDeployOptions): Promise<SshCluster> {
  return deploy(planSshCluster('session', clientConfiguration, options), clientConfiguration, options);
}

/** A cluster for one job: the caller submits the job to it and shuts it down when the job ended. */
export async function deployPerJobCluster(clientConfiguration: Configuration, options: SshDeployOptions): Promise<SshCluster> {
  return deploy(planSshCluster('per-job', clientConfiguration, options), clientConfiguration, options);
}

/**
 * An application cluster: the job's artifact is copied into the cluster's conf directory on the
 * master (mode 0600; it goes with the conf directory at shutdown), and the JobManager runs its
 * main with `args`. With `execution.shutdown-on-application-finish` (the default), the JobManager
 * ends when main has returned and its jobs have ended.
 */
export async function deployApplicationCluster(
  clientConfiguration: Configuration,
  application: { readonly artifact: JobArtifact; readonly args: readonly string[] },
  options: SshDeployOptions,
): Promise<SshCluster> {
  const plan = planSshCluster('application', clientConfiguration, options);
  return deploy(plan, clientConfiguration, options, async (cluster) => {
    const path = await uploadArtifact(cluster, application.artifact);
    return [`${APPLICATION_ARTIFACT_KEY}=${path}`, `${APPLICATION_ARGS_KEY}=${JSON.stringify(application.args)}`];
  });
}

// `$1` cluster id, `$2` host directory name, `$3` file name. The home directory is the host's,
// as the launcher's agent uses it; the path is printed for the JobManager's -D.
const UPLOAD_SCRIPT = [
  'umask 077',
  'd="$HOME/.flink-ts/clusters/$1/$2/conf/usrlib"',
  'mkdir -p "$d" && cat > "$d/$3.tmp" && mv -f "$d/$3.tmp" "$d/$3" && printf "%s\\n" "$d/$3"',
].join('\n');

/**
 * Copies the artifact to the master with one command on the connection the agent uses. It goes
 * through stdin rather than SFTP: that works the same for local and SSH hosts and costs no
 * extra channel, and the artifact is a text module.
 */
async function uploadArtifact(cluster: SshCluster, artifact: JobArtifact): Promise<string> {
  const code = await readFile(artifact.artifactPath, 'utf8');
  const hostDir = hostDirName(cluster.plan.masterSpec);
  const result = await cluster.onMaster((executor) => executor.exec(shScript(UPLOAD_SCRIPT, cluster.clusterId, hostDir, `${artifact.artifactHash}.mjs`), { stdin: code, timeoutMs: 60_000 }));
  const path = result.stdout.trim().split('\n').pop() ?? '';
  if (result.exitCode !== 0 || !path.startsWith('/')) {
    throw new FlinkTsError('ERR_REMOTE_EXIT', `Could not copy the job's artifact to ${formatHostSpec(cluster.plan.masterSpec)} (exit ${String(result.exitCode)}): ${result.stderr.trim() || 'no output'}`);
  }
  return path;
}

/**
 * A session cluster this client did not start (`ssh-session -id <id>`): the conf dir's hosts
 * with that cluster id, and the REST address a context recorded.
 */
export function attachSshCluster(clientConfiguration: Configuration, clusterId: string, restAddress: string, options: SshDeployOptions): SshCluster {
  const plan = planSshCluster('session', clientConfiguration, options, clusterId);
  return SshCluster.open({ ...plan, restAddress }, options);
}

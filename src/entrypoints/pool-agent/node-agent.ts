/**
 * The node agent (YARN's NodeManager): it offers its host's slots and memory to the resource
 * pool, and runs the containers the pool places there as JobManager and TaskManager processes.
 *
 * - **Registration**: at start, with the host's capacity, labels and the address of its log
 *   endpoint. A host the pool has lost (HOST_UNKNOWN on a heartbeat: its lease expired) registers
 *   again, after killing its containers, which the pool has written off by then.
 * - **Heartbeat** every `pool.heartbeat.interval`: renews the host's lease and answers the
 *   containers that should run here. The agent launches those it does not run and kills those it
 *   runs that are not listed. This reconciliation alone would be enough; the commands make it fast.
 * - **Commands** (the host's pub/sub channel, on a connection of its own): `launch` and `kill` as
 *   the pool places and releases containers. One missed while disconnected is made good by the
 *   next heartbeat.
 * - **Reports**: `containerStarted` once a process runs (an answer of false kills it),
 *   `containerExited` with the exit code and the end of its logs. Reports that cannot be sent are
 *   kept and sent again.
 * - **Redis going away** does not stop anything: containers keep running, the agent logs once that
 *   the pool is unreachable, retries, and logs again when it is back.
 * - **Stop** (SIGTERM): kills every container (SIGTERM, SIGKILL after the grace period), reports
 *   them, and deregisters the host.
 *
 * It is a {@link ClusterComponent}, so the entrypoint gives it the process's signals, exit codes and
 * log file, as it does for the JobManager and the TaskManager.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { ContainerKind, ResourcePoolApi } from '../../resourcemanager/pool/pool-model.js';
import { tailLines } from '../daemon/log-files.js';
import type { ClusterComponent, ComponentTermination } from '../cluster-component.js';
import { AgentLock } from './agent-lock.js';
import type { NodeAgentSettings } from './agent-settings.js';
import { containerConfiguration } from './container-configuration.js';
import type { ContainerMetadata, ContainerPaths, LocalContainerState } from './container-directory.js';
import { containerPaths, prepareContainerDirectory, writeArtifact, writeMetadata } from './container-directory.js';
import { EXIT_KILLED_BEFORE_START, EXIT_LAUNCH_FAILED } from './container-exit-codes.js';
import { CONTAINER_ID_FORMAT, isContainerId, quoteForMessage } from './container-ids.js';
import { ContainerLogServer } from './container-log-server.js';
import type { ContainerExit } from './container-process.js';
import { ContainerProcess, containerEnvironment } from './container-process.js';
import { killLeftoverContainers } from './leftover-containers.js';
import { LaunchSpecRejectedError, validateLaunchSpec } from './launch-spec-validation.js';
import { isPoolUnreachable, poolErrorCode } from './pool-failures.js';

/** How long one wait for a command lasts before the loop looks at the agent's state again. */
export const DEFAULT_INBOX_WAIT_MS = 5_000;
/** Bound on one call to the pool, so that a hanging connection cannot stall the heartbeat. */
const POOL_CALL_TIMEOUT_MS = 10_000;
/** Bound on the reports and the deregistration at stop when the pool does not answer. */
const STOP_REPORT_TIMEOUT_MS = 5_000;
/** Lines of each log file that go into a container's diagnostics. */
const DIAGNOSTIC_LINES = 20;
/** Ids of ended containers remembered, so that a late heartbeat listing one does not start it again. */
const FINISHED_MEMORY = 10_000;

export interface NodeAgentOptions {
  readonly settings: NodeAgentSettings;
  /** Opens a connection to the pool. The agent opens two: the commands channel has its own. */
  readonly connect: () => Promise<ResourcePoolApi>;
  readonly logger: Logger;
  /** Names the pool in messages (e.g. `pool 'default' at redis://10.0.0.1:6379`), without secrets. */
  readonly poolDescription?: string | undefined;
  /** The environment containers start from (cleaned). @default process.env */
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** Process mains to run instead of flink-ts's (tests). */
  readonly mainOverride?: Partial<Record<ContainerKind, string>> | undefined;
  /** @default DEFAULT_INBOX_WAIT_MS */
  readonly inboxWaitMs?: number | undefined;
}

interface LocalContainer {
  readonly id: string;
  /** Launch order: a heartbeat only kills containers launched before it was sent. */
  readonly seq: number;
  state: LocalContainerState;
  metadata?: ContainerMetadata;
  paths?: ContainerPaths;
  process?: ContainerProcess;
  startedReported: boolean;
  /** Why the agent kills it, once it decided to. */
  killReason?: string;
  /** Settles once its end is recorded and queued for the pool. */
  done?: Promise<void>;
}

/** A failure to ask the pool while launching: the heartbeat tries the launch again later. */
class PoolUnreachableDuringLaunch extends Error {}

export class NodeAgent implements ClusterComponent {
  readonly terminated: Promise<ComponentTermination>;
  private resolveTerminated: (termination: ComponentTermination) => void = () => undefined;
  private readonly settings: NodeAgentSettings;
  private readonly logger: Logger;
  private readonly containers = new Map<string, LocalContainer>();
  private readonly finished = new Set<string>();
  private readonly pendingExits = new Map<string, { exitCode: number; diagnostics: string }>();
  private readonly abort = new AbortController();
  private pool: ResourcePoolApi | undefined;
  private inbox: ResourcePoolApi | undefined;
  private logServer: ContainerLogServer | undefined;
  private lock: AgentLock | undefined;
  private loops: Promise<void>[] = [];
  private launchSeq = 0;
  private poolReachable = true;
  private stopping: Promise<void> | undefined;
  private flushing: Promise<void> | undefined;

  constructor(private readonly options: NodeAgentOptions) {
    this.settings = options.settings;
    this.logger = options.logger.child('NodeAgent');
    this.terminated = new Promise((resolve) => {
      this.resolveTerminated = resolve;
    });
  }

  /** `http://host:port` of the log endpoint, once started. */
  get restAddress(): string | undefined {
    return this.logServer?.address;
  }

  async start(): Promise<void> {
    const { settings } = this;
    this.lock = AgentLock.acquire(settings.workDir, settings.hostId);
    const leftovers = await killLeftoverContainers(settings.workDir, settings.killGraceMs, this.logger);
    if (leftovers.length > 0) this.logger.info(`Killed ${leftovers.length} container(s) left running by an earlier run: ${leftovers.join(', ')}.`);
    this.logServer = await ContainerLogServer.start(settings.workDir, settings.hostId, settings.restPort).catch((error: unknown) => {
      throw new Error(`Could not start the agent's log endpoint on ${settings.hostId}:${settings.restPort}: ${ensureError(error).message}. Set pool.agent.rest.port to a free port (0 picks one).`, { cause: error });
    });
    this.logger.info(`Container log endpoint listening at ${this.logServer.address}; work dir ${settings.workDir}.`);
    this.pool = await this.options.connect();
    this.inbox = await this.options.connect();
    await this.register();
    this.loops = [this.heartbeatLoop(), this.inboxLoop()];
  }

  shutdown(): Promise<void> {
    this.stopping ??= this.stop();
    return this.stopping;
  }

  // ------------------------------------------------------------------------------------ lifecycle

  private async register(): Promise<void> {
    const { settings } = this;
    const pool = this.requirePool();
    await pool.registerHost({
      hostId: settings.hostId,
      address: settings.hostId,
      slots: settings.slots,
      memoryBytes: settings.memoryBytes,
      labels: settings.labels,
      agentRestAddress: this.logServer?.address ?? '',
    });
    const labels = settings.labels.length === 0 ? 'no labels' : `labels ${settings.labels.join(', ')}`;
    this.logger.info(
      `Registered host ${settings.hostId} with ${this.options.poolDescription ?? 'the pool'}: ${settings.slots} slot(s), ${formatBytes(settings.memoryBytes)} memory, ${labels}.`,
    );
  }

  private async stop(): Promise<void> {
    this.abort.abort();
    const live = [...this.containers.values()];
    if (live.length > 0) this.logger.info(`Stopping: killing ${live.length} container(s).`);
    // The inbox's blocking read would hold the stop for up to its wait time.
    await this.inbox?.close().catch(() => undefined);
    await Promise.all(live.map((container) => this.killAndWait(container, 'The agent stopped.')));
    await Promise.allSettled(this.loops);
    await withTimeout(this.flushReports(), STOP_REPORT_TIMEOUT_MS).catch(() => {
      this.logger.warn(`Could not report the end of ${this.pendingExits.size} container(s) to the pool before stopping: ${[...this.pendingExits.keys()].join(', ')}.`);
    });
    if (this.pool !== undefined) {
      try {
        await withTimeout(this.pool.deregisterHost(this.settings.hostId), STOP_REPORT_TIMEOUT_MS);
        this.logger.info(`Deregistered host ${this.settings.hostId} from the pool.`);
      } catch (error) {
        this.logger.warn(`Could not deregister host ${this.settings.hostId} from the pool (its lease expires on its own): ${ensureError(error).message}`);
      }
      await this.pool.close().catch(() => undefined);
    }
    await this.logServer?.close();
    this.lock?.release();
    this.resolveTerminated({ code: 0, reason: 'the agent stopped' });
  }

  private get isStopping(): boolean {
    return this.abort.signal.aborted;
  }

  private requirePool(): ResourcePoolApi {
    if (this.pool === undefined) throw new Error('The agent is not connected to the pool.');
    return this.pool;
  }

  // ------------------------------------------------------------------------------------ heartbeat

  private async heartbeatLoop(): Promise<void> {
    while (!this.isStopping) {
      await this.heartbeat();
      if (!(await this.pause(this.settings.heartbeatIntervalMs))) return;
    }
  }

  private async heartbeat(): Promise<void> {
    const pool = this.requirePool();
    const sentAfterLaunch = this.launchSeq;
    let wanted: string[];
    try {
      wanted = await withTimeout(pool.heartbeatHost(this.settings.hostId), POOL_CALL_TIMEOUT_MS);
    } catch (error) {
      if (this.isStopping) return;
      if (poolErrorCode(error) === 'HOST_UNKNOWN') {
        this.poolIsBack();
        await this.rejoin();
        return;
      }
      this.poolUnreachable(error);
      return;
    }
    this.poolIsBack();
    await this.flushReports();
    this.reconcile(wanted, sentAfterLaunch);
  }

  /** Launches what should run and is not running here; kills what runs here and should not. */
  private reconcile(wanted: readonly string[], launchedBefore: number): void {
    if (this.isStopping) return;
    const listed = new Set(wanted);
    for (const id of listed) {
      const container = this.containers.get(id);
      if (container === undefined) this.launch(id);
      else if (container.state === 'RUNNING' && !container.startedReported) void this.reportStarted(container);
    }
    for (const container of this.containers.values()) {
      // A container launched from the inbox after the heartbeat was sent is not in its answer yet.
      if (listed.has(container.id) || container.seq > launchedBefore) continue;
      this.kill(container, 'The pool no longer lists it for this host (released, or its application ended).');
    }
  }

  /** The pool lost this host (its lease expired): its containers are LOST there, so they go here too. */
  private async rejoin(): Promise<void> {
    const live = [...this.containers.values()];
    this.logger.warn(
      `The pool does not know host ${this.settings.hostId} any more (its lease expired): killing its ${live.length} container(s), which the pool has written off, and registering again.`,
    );
    await Promise.all(live.map((container) => this.killAndWait(container, 'The pool lost its host (the host lease expired).')));
    try {
      await withTimeout(this.register(), POOL_CALL_TIMEOUT_MS);
    } catch (error) {
      this.poolUnreachable(error);
      return;
    }
    await this.flushReports();
  }

  // ---------------------------------------------------------------------------------------- inbox

  private async inboxLoop(): Promise<void> {
    const waitMs = this.options.inboxWaitMs ?? DEFAULT_INBOX_WAIT_MS;
    let backoff = this.settings.heartbeatIntervalMs;
    while (!this.isStopping) {
      const inbox = this.inbox;
      if (inbox === undefined) return;
      let command;
      try {
        // Bounded: a connection waiting for Redis to come back would hold the read forever. A
        // command popped by an abandoned read is lost; the heartbeat's reconciliation covers it.
        command = await withTimeout(inbox.nextHostCommand(this.settings.hostId, waitMs), waitMs + POOL_CALL_TIMEOUT_MS);
        backoff = this.settings.heartbeatIntervalMs;
      } catch (error) {
        if (this.isStopping) return;
        this.poolUnreachable(error);
        if (!(await this.pause(backoff))) return;
        backoff = Math.min(backoff * 2, 5_000);
        continue;
      }
      if (command === undefined || this.isStopping) continue;
      if (command.kind === 'launch') {
        this.launch(command.containerId);
      } else {
        const container = this.containers.get(command.containerId);
        if (container !== undefined) this.kill(container, 'Released by the pool.');
      }
    }
  }

  // ------------------------------------------------------------------------------------- launches

  private launch(containerId: string): void {
    if (this.isStopping || this.containers.has(containerId) || this.finished.has(containerId)) return;
    const container: LocalContainer = { id: containerId, seq: ++this.launchSeq, state: 'STARTING', startedReported: false };
    this.containers.set(containerId, container);
    container.done = this.runLaunch(container);
  }

  private async runLaunch(container: LocalContainer): Promise<void> {
    const { id } = container;
    let process: ContainerProcess | undefined;
    try {
      process = await this.startProcess(container);
    } catch (error) {
      if (error instanceof PoolUnreachableDuringLaunch) {
        // Not a failure of the container: the next heartbeat that lists it launches it again.
        this.containers.delete(id);
        this.poolUnreachable(error.cause);
        return;
      }
      const err = ensureError(error);
      if (err instanceof LaunchSpecRejectedError) this.logger.error(err.message);
      else this.logger.error(`Could not launch container ${id}.`, err);
      this.finish(container, EXIT_LAUNCH_FAILED, err.message);
      return;
    }
    if (process === undefined) {
      this.finish(container, EXIT_KILLED_BEFORE_START, container.killReason ?? 'Released before its process started.');
      return;
    }
    void this.reportStarted(container);
    const exit = await process.exited;
    this.onExit(container, exit);
  }

  /** Prepares the container and starts its process; undefined when it was killed meanwhile. */
  private async startProcess(container: LocalContainer): Promise<ContainerProcess | undefined> {
    const { id } = container;
    if (!isContainerId(id)) throw new LaunchSpecRejectedError(id, `Rejected container id ${quoteForMessage(id)}: not a container id (${CONTAINER_ID_FORMAT}).`);
    const pool = this.requirePool();
    const spec = await this.askPool(() => pool.launchSpec(id));
    if (spec === undefined) {
      // CONTAINER_UNKNOWN: released and forgotten before the agent got to it.
      throw new LaunchSpecRejectedError(id, `The pool has no launch spec for container ${id} (released meanwhile).`);
    }
    const paths = containerPaths(this.settings.workDir, id);
    const validated = validateLaunchSpec(spec, id, paths.dir);
    container.paths = paths;
    const withArtifact = validated.kind === 'jobmanager' && validated.artifactSha256 !== undefined;
    prepareContainerDirectory(paths, containerConfiguration(validated, paths, this.settings.hostId, withArtifact), [
      `Written by the flink-ts pool agent of host ${this.settings.hostId} for container ${id} of ${validated.applicationId}.`,
    ]);
    this.record(container, { containerId: id, applicationId: validated.applicationId, kind: validated.kind, state: 'STARTING', startedAt: Date.now() });
    if (withArtifact && validated.artifactSha256 !== undefined) {
      const sha256 = validated.artifactSha256;
      const content = await this.askPool(() => pool.artifact(sha256));
      if (content === undefined) throw new Error(`The pool has no artifact ${sha256} for container ${id} of ${validated.applicationId}.`);
      const actual = createHash('sha256').update(content).digest('hex');
      if (actual !== sha256) throw new Error(`The artifact the pool returned for container ${id} has sha256 ${actual}, not ${sha256}: refusing to run it.`);
      writeArtifact(paths, content);
    }
    if (container.killReason !== undefined || this.isStopping) return undefined;
    const process = ContainerProcess.spawn({
      containerId: id,
      kind: validated.kind,
      paths,
      env: containerEnvironment(this.options.env ?? globalThis.process.env),
      mainOverride: this.options.mainOverride,
    });
    container.process = process;
    this.record(container, { state: 'RUNNING', pid: process.pid });
    this.logger.info(`Started container ${id} (${validated.kind} of ${validated.applicationId}) as process ${process.pid}; logs in ${paths.log}.`);
    return process;
  }

  /** A pool call during a launch: a missing answer is undefined, an unreachable pool a PoolUnreachableDuringLaunch. */
  private async askPool<T>(call: () => Promise<T | undefined>): Promise<T | undefined> {
    try {
      return await withTimeout(call(), POOL_CALL_TIMEOUT_MS);
    } catch (error) {
      if (poolErrorCode(error) === 'CONTAINER_UNKNOWN') return undefined;
      if (isPoolUnreachable(error)) throw new PoolUnreachableDuringLaunch(ensureError(error).message, { cause: error });
      throw error;
    }
  }

  private async reportStarted(container: LocalContainer): Promise<void> {
    const process = container.process;
    if (process === undefined || container.startedReported || container.killReason !== undefined) return;
    try {
      const wanted = await withTimeout(this.requirePool().containerStarted(this.settings.hostId, container.id, process.pid), POOL_CALL_TIMEOUT_MS);
      container.startedReported = true;
      if (!wanted) this.kill(container, 'The pool no longer wanted it when it started (released meanwhile).');
    } catch (error) {
      if (isPoolUnreachable(error)) {
        // Reported again by the next heartbeat that lists it; one that does not list it kills it.
        this.poolUnreachable(error);
        return;
      }
      container.startedReported = true;
      this.kill(container, `The pool refused its start: ${ensureError(error).message}`);
    }
  }

  // ---------------------------------------------------------------------------------- kills, exits

  private kill(container: LocalContainer, reason: string): void {
    if (container.killReason !== undefined || container.state === 'EXITED') return;
    container.killReason = reason;
    const process = container.process;
    if (process === undefined) return; // still starting: it will not spawn
    this.logger.info(`Killing container ${container.id} (process ${process.pid}): ${reason}`);
    void process.kill(this.settings.killGraceMs);
  }

  private async killAndWait(container: LocalContainer, reason: string): Promise<void> {
    this.kill(container, reason);
    await container.done;
  }

  private onExit(container: LocalContainer, exit: ContainerExit): void {
    const how = exit.signal !== null ? `was killed by ${exit.signal}` : `exited with code ${exit.exitCode}`;
    const lines = [container.killReason === undefined ? `The process ${how}.` : `${container.killReason} The process ${how}.`];
    const kind = container.metadata?.kind;
    if (container.paths !== undefined && kind !== undefined) {
      for (const file of [container.paths.logFile(kind), container.paths.outFile(kind)]) {
        const tail = tailLines(file, DIAGNOSTIC_LINES);
        if (tail.length === 0) continue;
        lines.push(`Last lines of ${file}:`, ...tail);
      }
    }
    const level = exit.exitCode === 0 || container.killReason !== undefined ? 'info' : 'warn';
    this.logger[level](`Container ${container.id} ended: ${lines[0] ?? ''}`);
    this.finish(container, exit.exitCode, lines.join('\n'));
  }

  /** Records the container's end and queues the report to the pool. */
  private finish(container: LocalContainer, exitCode: number, diagnostics: string): void {
    container.state = 'EXITED';
    this.containers.delete(container.id);
    this.finished.add(container.id);
    if (this.finished.size > FINISHED_MEMORY) {
      const oldest = this.finished.values().next().value;
      if (oldest !== undefined) this.finished.delete(oldest);
    }
    if (container.metadata !== undefined) this.record(container, { state: 'EXITED', exitCode, diagnostics, finishedAt: Date.now() });
    this.pendingExits.set(container.id, { exitCode, diagnostics });
    void this.flushReports();
  }

  private record(container: LocalContainer, update: Partial<ContainerMetadata>): void {
    const metadata = { ...container.metadata, ...update } as ContainerMetadata;
    container.metadata = metadata;
    if (container.paths === undefined) return;
    try {
      writeMetadata(container.paths, metadata);
    } catch (error) {
      this.logger.warn(`Could not record the state of container ${container.id}: ${ensureError(error).message}`);
    }
  }

  /** Sends the queued `containerExited` reports, oldest first; stops at the first the pool cannot take now. */
  private flushReports(): Promise<void> {
    if (this.flushing === undefined) {
      const flushing = this.sendReports();
      this.flushing = flushing;
      // Cleared once settled (not inside sendReports: with nothing to send it settles at once).
      void flushing.finally(() => {
        if (this.flushing === flushing) this.flushing = undefined;
      });
    }
    return this.flushing;
  }

  private async sendReports(): Promise<void> {
    for (const [id, report] of [...this.pendingExits]) {
      try {
        await withTimeout(this.requirePool().containerExited(this.settings.hostId, id, report.exitCode, report.diagnostics), POOL_CALL_TIMEOUT_MS);
      } catch (error) {
        if (isPoolUnreachable(error)) {
          this.poolUnreachable(error);
          return;
        }
        // CONTAINER_UNKNOWN, HOST_UNKNOWN: the pool has nothing to record it on.
        this.logger.debug(`The pool did not take the end of container ${id}: ${ensureError(error).message}`);
      }
      this.pendingExits.delete(id);
    }
  }

  // ----------------------------------------------------------------------------------- reachability

  private poolUnreachable(error: unknown): void {
    if (this.isStopping || !this.poolReachable) return;
    this.poolReachable = false;
    this.logger.warn(
      `Lost the connection to ${this.options.poolDescription ?? 'the pool'}: ${ensureError(error).message}. ` +
        `The ${this.containers.size} container(s) of this host keep running; retrying every ${this.settings.heartbeatIntervalMs} ms.`,
    );
  }

  private poolIsBack(): void {
    if (this.poolReachable) return;
    this.poolReachable = true;
    this.logger.info(`The pool is reachable again: resuming heartbeats for host ${this.settings.hostId}.`);
  }

  /** Waits `ms`; false when the agent stops meanwhile. */
  private async pause(ms: number): Promise<boolean> {
    try {
      await sleep(ms, undefined, { signal: this.abort.signal });
      return true;
    } catch {
      return false;
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`The pool did not answer within ${ms} ms.`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit] ?? ''}`;
}

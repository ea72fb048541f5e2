/**
 * A cluster in the resource pool, as the client sees it (Flink's YarnClusterDescriptor): it
 * submits an application, asks for its JobManager container, and waits until the JobManager has
 * registered its REST address. While attached, the client holds a lease on the application: a
 * client that dies (kill -9, a closed laptop) lets the lease expire, and the pool kills the
 * application, so nothing stays allocated for nobody. Detaching gives the lease up; the
 * JobManager's own lease then keeps the application.
 */
import { readFileSync } from 'node:fs';
import type { Configuration } from '../../config/index.js';
import type { ApplicationStatus, ApplicationType, ContainerStatus } from '../../resourcemanager/pool/pool-model.js';
import {
  INTERNAL_PREFIX,
  JOB_MANAGER_PROCESS_SIZE,
  LOG_DIR,
  PID_DIR,
  POOL_APPLICATION_ID,
  POOL_APPLICATION_NAME,
  POOL_APPLICATION_NODE_LABEL,
  POOL_APPLICATION_QUEUE,
  POOL_HEARTBEAT_INTERVAL,
  POOL_NAME,
  POOL_REDIS_URL,
  TMP_DIRS,
} from '../../config/index.js';
import { FlinkTsError, ensureError } from '../../core/errors.js';
import { FINAL_APPLICATION_STATES, FINAL_CONTAINER_STATES } from '../../resourcemanager/pool/pool-model.js';
import { isPoolError } from '../../resourcemanager/pool/pool-errors.js';
import { ResourcePool } from '../../resourcemanager/pool/resource-pool.js';
import { APPLICATION_ARGS_KEY } from '../../entrypoints/application-cluster-component.js';
import { currentUserName } from '../user-name.js';

/**
 * Keys that describe this client's call or machine, not the cluster: they stay out of the
 * application's configuration (the agents put directories into each container's own).
 */
const CLIENT_ONLY_KEYS = new Set(['execution.target', 'execution.attached', 'rest.address', 'rest.port', POOL_APPLICATION_ID.key, PID_DIR.key, LOG_DIR.key, TMP_DIRS.key]);
/** YARN's client says so after 60 s too: the pool may have no room for the JobManager. */
const SLOW_DEPLOYMENT_NOTE_MS = 60_000;
/** How long a shutdown waits for the agents to report the containers' processes gone. */
const RELEASE_WAIT_MS = 30_000;
const POLL_MS = 100;

export interface PoolDeployment {
  readonly type: ApplicationType;
  /** The application's name (`-nm`, `pool.application.name`), else this. */
  readonly defaultName: string;
  /** Application mode: the job artifact and main's arguments. */
  readonly application?: { readonly artifactPath: string; readonly args: readonly string[] } | undefined;
  readonly log: (line: string) => void;
  /** Whether to stop waiting (Ctrl-C during the deployment). */
  readonly interrupted?: () => boolean;
}

/** The configuration the application's processes run with, as a flat string map. */
export function applicationConfiguration(configuration: Configuration, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const map = configuration.toMap();
  for (const key of Object.keys(map)) if (key.startsWith(INTERNAL_PREFIX) || CLIENT_ONLY_KEYS.has(key)) delete map[key];
  return { ...map, ...extra };
}

export class PoolCluster {
  private timer: NodeJS.Timeout | undefined;
  private stopping: Promise<PoolShutdown> | undefined;
  private closed = false;

  private constructor(
    readonly pool: ResourcePool,
    readonly applicationId: string,
    private application: ApplicationStatus,
    private readonly ownsLease: boolean,
  ) {}

  get restAddress(): string {
    return this.application.restAddress ?? '';
  }

  get name(): string {
    return this.application.name;
  }

  get queue(): string {
    return this.application.queue;
  }

  /** `redis://host:port (pool 'name')`. */
  describePool(): string {
    return this.pool.describe();
  }

  /**
   * Submits the application and waits until its JobManager runs. A failure, or an interrupt,
   * ends the application again before this rejects: nothing stays in the pool.
   */
  static async deploy(configuration: Configuration, deployment: PoolDeployment): Promise<PoolCluster> {
    const pool = await ResourcePool.connect(configuration, { mode: 'service' });
    let applicationId: string | undefined;
    try {
      const extra: Record<string, string> = {};
      let artifactSha256: string | undefined;
      if (deployment.application !== undefined) {
        artifactSha256 = await pool.putArtifact(readFileSync(deployment.application.artifactPath));
        extra[APPLICATION_ARGS_KEY] = JSON.stringify(deployment.application.args);
      }
      applicationId = await pool.submitApplication({
        name: configuration.get(POOL_APPLICATION_NAME) ?? deployment.defaultName,
        user: currentUserName(),
        queue: configuration.get(POOL_APPLICATION_QUEUE),
        type: deployment.type,
        nodeLabel: configuration.get(POOL_APPLICATION_NODE_LABEL),
        configuration: applicationConfiguration(configuration, extra),
        artifactSha256,
        clientLease: true,
      });
      deployment.log(`Submitted application ${applicationId} to ${pool.describe()}, queue '${configuration.get(POOL_APPLICATION_QUEUE)}'.`);
      const cluster = new PoolCluster(pool, applicationId, (await pool.application(applicationId)) as ApplicationStatus, true);
      cluster.keepLease(configuration.get(POOL_HEARTBEAT_INTERVAL));
      await pool.requestContainers({ applicationId, kind: 'jobmanager', slots: 0, memoryBytes: configuration.get(JOB_MANAGER_PROCESS_SIZE), properties: {} }, 1);
      await cluster.waitUntilRunning(deployment);
      return cluster;
    } catch (error) {
      if (applicationId !== undefined) {
        const interrupted = deployment.interrupted?.() === true;
        await pool.finishApplication(applicationId, interrupted ? 'KILLED' : 'FAILED', interrupted ? 'The client was interrupted during the deployment.' : `The deployment failed: ${ensureError(error).message}`).catch(() => undefined);
      }
      await pool.close();
      throw error;
    }
  }

  /** A running application of the pool, without a lease (`-id`, list, cancel). */
  static async attach(configuration: Configuration, applicationId: string): Promise<PoolCluster> {
    const pool = await ResourcePool.connect(configuration, { mode: 'command' });
    try {
      const application = await pool.application(applicationId);
      if (application === undefined) {
        throw new FlinkTsError('ERR_INVALID_ARGUMENT', `The pool ${pool.describe()} has no application '${applicationId}': see \`flink-ts pool apps -a\`.`);
      }
      if (FINAL_APPLICATION_STATES.has(application.state)) {
        throw new FlinkTsError('ERR_ILLEGAL_STATE', `The pool application '${applicationId}' has ended (${application.state}${application.diagnostics === '' ? '' : `: ${application.diagnostics}`}).`);
      }
      if (application.restAddress === undefined) {
        throw new FlinkTsError('ERR_ILLEGAL_STATE', `The pool application '${applicationId}' is ${application.state}: its JobManager does not run yet.`);
      }
      return new PoolCluster(pool, applicationId, application, false);
    } catch (error) {
      await pool.close();
      throw error;
    }
  }

  /** The settings a context needs to find this application again. */
  contextProperties(configuration: Configuration): Record<string, string> {
    return { [POOL_REDIS_URL.key]: configuration.get(POOL_REDIS_URL), [POOL_NAME.key]: configuration.get(POOL_NAME), [POOL_APPLICATION_ID.key]: this.applicationId };
  }

  async refresh(): Promise<ApplicationStatus | undefined> {
    const application = await this.pool.application(this.applicationId);
    if (application !== undefined) this.application = application;
    return application;
  }

  /** Whether the application ended (or is gone from the pool). */
  async isGone(): Promise<boolean> {
    const application = await this.refresh();
    return application === undefined || FINAL_APPLICATION_STATES.has(application.state);
  }

  async jobManagerContainer(): Promise<ContainerStatus | undefined> {
    return (await this.pool.containers(this.applicationId)).find((c) => c.kind === 'jobmanager');
  }

  /** Lets go of the application: the lease goes, the application stays with its JobManager. */
  async detach(): Promise<void> {
    this.stopLease();
    if (this.ownsLease) await this.pool.releaseLease(this.applicationId, 'client').catch(() => undefined);
    await this.close();
  }

  /**
   * Ends the application (`state`, default KILLED) unless it ended already, then waits until the
   * agents report its containers' processes gone. Idempotent.
   */
  shutDown(state: 'FINISHED' | 'FAILED' | 'KILLED' = 'KILLED', diagnostics = 'Stopped by its client.'): Promise<PoolShutdown> {
    this.stopping ??= this.finish(state, diagnostics);
    return this.stopping;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopLease();
    await this.pool.close();
  }

  private async finish(state: 'FINISHED' | 'FAILED' | 'KILLED', diagnostics: string): Promise<PoolShutdown> {
    this.stopLease();
    try {
      const before = await this.refresh();
      if (before !== undefined && !FINAL_APPLICATION_STATES.has(before.state)) {
        await this.pool.finishApplication(this.applicationId, state, diagnostics).catch((e: unknown) => {
          if (!isPoolError(e, 'APPLICATION_ENDED')) throw e;
        });
      }
      const deadline = Date.now() + RELEASE_WAIT_MS;
      let running: ContainerStatus[] = [];
      for (;;) {
        // Ended in the pool, and no process reported still running by its agent. A lost host's
        // are gone with it, also those released (KILLED) before the host was found lost: their
        // agent died with them and reports no exit code anymore.
        const lostHosts = new Set((await this.pool.status()).hosts.filter((h) => h.state === 'LOST').map((h) => h.id));
        running = (await this.pool.containers(this.applicationId)).filter((c) => c.pid !== undefined && c.exitCode === undefined && c.state !== 'LOST' && !lostHosts.has(c.hostId));
        if (running.length === 0 || Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      const final = await this.refresh();
      return {
        ok: running.length === 0,
        applicationId: this.applicationId,
        state: final?.state ?? state,
        stillRunning: running.map((c) => `${c.id} on ${c.hostId} (pid ${c.pid ?? '?'})`),
      };
    } catch (error) {
      return { ok: false, applicationId: this.applicationId, state: undefined, stillRunning: [ensureError(error).message] };
    } finally {
      await this.close();
    }
  }

  private keepLease(intervalMs: number): void {
    const beat = (): void => {
      this.timer = setTimeout(() => {
        void this.pool.heartbeatApplication(this.applicationId, 'client').then(
          () => beat(),
          (e: unknown) => {
            // Ended: nothing to keep. Redis away: the service connection retries; keep going.
            if (!isPoolError(e, 'APPLICATION_ENDED') && !isPoolError(e, 'APPLICATION_UNKNOWN')) beat();
          },
        );
      }, intervalMs);
      // The lease must not keep a client alive that has nothing else to do.
      this.timer.unref();
    };
    beat();
  }

  private stopLease(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async waitUntilRunning(deployment: PoolDeployment): Promise<void> {
    const started = Date.now();
    let noted = false;
    for (;;) {
      if (deployment.interrupted?.() === true) throw new FlinkTsError('ERR_ILLEGAL_STATE', 'Interrupted while the application was deployed.');
      const application = await this.refresh();
      if (application === undefined) throw new FlinkTsError('ERR_ILLEGAL_STATE', `The application ${this.applicationId} vanished from the pool.`);
      if (application.state === 'RUNNING' && application.restAddress !== undefined) return;
      if (FINAL_APPLICATION_STATES.has(application.state)) {
        const jobManager = await this.jobManagerContainer();
        const why = jobManager === undefined || jobManager.diagnostics === '' ? application.diagnostics : `${application.diagnostics} ${jobManager.diagnostics}`.trim();
        throw new FlinkTsError('ERR_ILLEGAL_STATE', `The application ${this.applicationId} ended ${application.state} before its JobManager ran: ${why}`);
      }
      const jobManager = await this.jobManagerContainer();
      if (jobManager !== undefined && FINAL_CONTAINER_STATES.has(jobManager.state)) {
        throw new FlinkTsError(
          'ERR_ILLEGAL_STATE',
          `The JobManager container ${jobManager.id} on ${jobManager.hostId} ended ${jobManager.state}${jobManager.exitCode === undefined ? '' : ` (exit code ${jobManager.exitCode})`}: ${jobManager.diagnostics}`,
        );
      }
      if (!noted && Date.now() - started > SLOW_DEPLOYMENT_NOTE_MS) {
        noted = true;
        deployment.log(`The deployment takes more than ${SLOW_DEPLOYMENT_NOTE_MS / 1000} s: the pool may not have room for the JobManager (see \`flink-ts pool status\`). Still waiting; Ctrl-C gives up and takes the application back.`);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}

/** What {@link PoolCluster.shutDown} did. */
export interface PoolShutdown {
  /** True when the application ended and no container process is left. */
  readonly ok: boolean;
  readonly applicationId: string;
  readonly state: ApplicationStatus['state'] | undefined;
  /** Containers whose processes were still reported running (or what went wrong). */
  readonly stillRunning: readonly string[];
}

/** The lines that tell the user how a shutdown went. */
export function poolShutdownLines(report: PoolShutdown, what: string): { readonly ok: boolean; readonly out: string[]; readonly err: string[] } {
  if (report.ok) return { ok: true, out: [`Released the ${what} '${report.applicationId}' (${report.state ?? 'ended'}); its logs: flink-ts logs ${report.applicationId}`], err: [] };
  return {
    ok: false,
    out: [],
    err: [`The ${what} '${report.applicationId}' was not released cleanly:`, ...report.stillRunning.map((line) => `  ${line}`), `Its agents kill what is left when its leases expire; check with: flink-ts pool apps -a`],
  };
}

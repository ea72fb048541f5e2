import type { Logger } from '../../core/logger.js';
import type { ApplicationStatus, ResourceEventHandler, ResourceManagerDriver, Worker, WorkerResourceSpec } from '../active/resource-manager-driver.js';
import type { ContainerStatus, ResourcePoolApi } from './pool-model.js';
import { ensureError } from '../../core/errors.js';
import { FINAL_CONTAINER_STATES } from './pool-model.js';
import { isPoolError } from './pool-errors.js';

export interface PoolWorker extends Worker {
  readonly containerId: string;
}

export interface PoolDriverSettings {
  readonly applicationId: string;
  /** `pool.heartbeat.interval`: how often the JobManager renews its lease and looks at its containers. */
  readonly heartbeatIntervalMs: number;
  /** How often it looks while container requests are pending (YARN: container-request-interval). */
  readonly pendingIntervalMs: number;
  /** What every TaskManager container runs with on top of the application's configuration (the JobManager's RPC address, the cluster secret). */
  readonly taskManagerProperties: () => Readonly<Record<string, string>>;
  /** Called once when the pool says the application ended (killed, or its lease expired). */
  readonly onApplicationEnded: (diagnostics: string) => void;
}

interface PendingRequest {
  readonly spec: WorkerResourceSpec;
  readonly resolve: (worker: PoolWorker) => void;
  readonly reject: (error: Error) => void;
}

/**
 * The pool ResourceManager driver (YARN's YarnResourceManagerDriver, for the Redis pool): a
 * TaskManager is a container requested from the pool; the JobManager's heartbeat renews the
 * application's lease and brings back the state of its containers, so a container that ended
 * or whose host was lost is reported terminated. Containers answer requests in order: all
 * requests of one JobManager ask for the same TaskManager.
 */
export class PoolResourceManagerDriver implements ResourceManagerDriver<PoolWorker> {
  private events: ResourceEventHandler<PoolWorker> | undefined;
  private pool: ResourcePoolApi | undefined;
  /** Requests waiting for a container, in order. */
  private readonly pending: PendingRequest[] = [];
  /** Requests of this turn of the event loop, not sent to the pool yet. */
  private readonly unsent: PendingRequest[] = [];
  /** Containers handed out as workers, until they end or are released. */
  private readonly workers = new Map<string, PoolWorker>();
  /** Every container id this driver has seen: a container is handed out once. */
  private readonly seen = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private beating = false;
  private ended = false;
  private terminated = false;

  constructor(
    private readonly connect: () => Promise<ResourcePoolApi>,
    private readonly settings: PoolDriverSettings,
    private readonly logger: Logger,
  ) {}

  async initialize(events: ResourceEventHandler<PoolWorker>): Promise<void> {
    this.events = events;
    this.pool = await this.connect();
    // Containers of this application from before (none today: a JobManager is not restarted yet).
    for (const c of await this.pool.containers(this.settings.applicationId)) this.seen.add(c.id);
    await this.heartbeat();
    this.schedule();
  }

  /** The JobManager is up: its application is RUNNING at this REST address. */
  async registerApplicationMaster(restAddress: string): Promise<void> {
    await this.requirePool().registerApplicationMaster(this.settings.applicationId, restAddress);
    this.logger.info(`Registered application ${this.settings.applicationId} with the pool; its REST address is ${restAddress}.`);
  }

  /**
   * Asks the pool for a TaskManager container. Requests of one turn of the event loop (the
   * ResourceManager asks for all the TaskManagers it misses at once) go to the pool in one call,
   * as YARN's AM-RM client batches its asks.
   */
  requestResource(spec: WorkerResourceSpec): Promise<PoolWorker> {
    this.requirePool();
    const worker = new Promise<PoolWorker>((resolve, reject) => {
      const request: PendingRequest = { spec, resolve, reject };
      this.pending.push(request);
      this.unsent.push(request);
    });
    if (this.unsent.length === 1) setImmediate(() => void this.sendRequests());
    return worker;
  }

  private async sendRequests(): Promise<void> {
    const batch = this.unsent.splice(0);
    // One call per distinct TaskManager shape (there is one, unless the configuration changes).
    const bySpec = new Map<string, PendingRequest[]>();
    for (const request of batch) {
      const key = `${request.spec.numberOfSlots}/${request.spec.memoryBytes}`;
      bySpec.set(key, [...(bySpec.get(key) ?? []), request]);
    }
    await Promise.all(
      [...bySpec.values()].map(async (requests) => {
        const spec = (requests[0] as PendingRequest).spec;
        this.logger.info(`Requesting ${requests.length} TaskManager container(s) with ${spec.numberOfSlots} slot(s) each from the pool.`);
        try {
          await this.requirePool().requestContainers(
            {
              applicationId: this.settings.applicationId,
              kind: 'taskmanager',
              slots: spec.numberOfSlots,
              memoryBytes: spec.memoryBytes,
              properties: { ...this.settings.taskManagerProperties(), 'taskmanager.numberOfTaskSlots': String(spec.numberOfSlots) },
            },
            requests.length,
          );
        } catch (e) {
          for (const request of requests) {
            const index = this.pending.indexOf(request);
            if (index !== -1) this.pending.splice(index, 1);
            request.reject(ensureError(e));
          }
        }
      }),
    );
    // Placed at once when the pool has room: look now rather than at the next heartbeat.
    await this.heartbeat();
  }

  async releaseResource(worker: PoolWorker): Promise<void> {
    if (!this.workers.delete(worker.containerId)) return;
    try {
      await this.requirePool().releaseContainer(this.settings.applicationId, worker.containerId, 'Released by the ResourceManager.');
    } catch (e) {
      // An application that ended has released everything already.
      if (!isPoolError(e, 'APPLICATION_ENDED') && !isPoolError(e, 'APPLICATION_UNKNOWN')) throw e;
    }
  }

  async deregisterApplication(status: ApplicationStatus, diagnostics: string): Promise<void> {
    if (status === 'UNKNOWN') {
      // Nothing to say: the application's leases decide (Flink does not deregister either then).
      this.logger.info(`Leaving application ${this.settings.applicationId} to the pool's lease: ${diagnostics}`);
      return;
    }
    const state = status === 'SUCCEEDED' ? 'FINISHED' : status === 'CANCELED' ? 'KILLED' : 'FAILED';
    try {
      await this.requirePool().finishApplication(this.settings.applicationId, state, diagnostics);
      this.logger.info(`Deregistered application ${this.settings.applicationId} from the pool (${state}).`);
    } catch (e) {
      // Ended already (killed, or the client ended it with the job's state): nothing to do.
      if (!isPoolError(e, 'APPLICATION_ENDED')) throw e;
    }
  }

  async terminate(): Promise<void> {
    this.terminated = true;
    clearTimeout(this.timer);
    this.unsent.splice(0);
    for (const request of this.pending.splice(0)) request.reject(new Error('The ResourceManager stopped.'));
    await this.pool?.close();
  }

  private requirePool(): ResourcePoolApi {
    if (this.pool === undefined) throw new Error('The pool driver is not initialized.');
    return this.pool;
  }

  private schedule(): void {
    if (this.terminated || this.ended) return;
    const interval = this.pending.length > 0 ? this.settings.pendingIntervalMs : this.settings.heartbeatIntervalMs;
    this.timer = setTimeout(() => {
      void this.heartbeat().finally(() => this.schedule());
    }, interval);
    this.timer.unref();
  }

  /** Renews the lease and takes in what happened to the containers. Never rejects. */
  private async heartbeat(): Promise<void> {
    if (this.beating || this.terminated || this.ended || this.pool === undefined) return;
    this.beating = true;
    try {
      const { containers } = await this.pool.heartbeatApplication(this.settings.applicationId, 'am');
      this.takeIn(containers);
    } catch (e) {
      if (isPoolError(e, 'APPLICATION_ENDED') || isPoolError(e, 'APPLICATION_UNKNOWN')) {
        this.ended = true;
        const application = await this.pool.application(this.settings.applicationId).catch(() => undefined);
        const why = `The pool ended application ${this.settings.applicationId} (${application?.state ?? 'unknown'}: ${application?.diagnostics ?? ensureError(e).message}).`;
        this.logger.warn(why);
        this.settings.onApplicationEnded(why);
      } else {
        this.logger.warn(`Heartbeat to the pool failed (retrying): ${ensureError(e).message}`);
      }
    } finally {
      this.beating = false;
    }
  }

  private takeIn(containers: readonly ContainerStatus[]): void {
    for (const c of containers) {
      if (c.kind !== 'taskmanager') continue;
      const worker = this.workers.get(c.id);
      if (worker !== undefined && FINAL_CONTAINER_STATES.has(c.state)) {
        this.workers.delete(c.id);
        this.events?.onWorkerTerminated(c.id, `container ${c.id} on ${c.hostId} is ${c.state}${c.diagnostics === '' ? '' : `: ${c.diagnostics}`}`);
        continue;
      }
      if (this.seen.has(c.id)) continue;
      this.seen.add(c.id);
      const request = this.pending.shift();
      if (request === undefined) {
        // Placed after its request was given up: give it back.
        void this.pool?.releaseContainer(this.settings.applicationId, c.id, 'Not needed anymore.').catch(() => undefined);
        continue;
      }
      const placed: PoolWorker = { resourceId: c.id, containerId: c.id, host: c.hostAddress };
      if (FINAL_CONTAINER_STATES.has(c.state)) {
        request.reject(new Error(`Container ${c.id} ended before it was used: ${c.state} ${c.diagnostics}`));
        continue;
      }
      this.workers.set(c.id, placed);
      request.resolve(placed);
    }
  }
}

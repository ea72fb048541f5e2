import { randomBytes } from 'node:crypto';
import type { Logger } from '../core/logger.js';
import type { HostSpec } from './host-spec.js';
import type { RemoteDaemons } from './remote-daemons.js';
import type {
  ResourceEventHandler,
  ResourceManagerDriver,
  Worker,
  WorkerResourceSpec,
} from '../resourcemanager/active/resource-manager-driver.js';
import { INTERNAL_PREFIX } from '../config/index.js';
import { FlinkTsError } from '../core/errors.js';
import { formatHostSpec, hostKey } from './host-spec.js';

/** Which driver a JobManager's ResourceManager uses: absent for standalone, `ssh` here. */
export const RESOURCE_MANAGER_DRIVER_KEY = `${INTERNAL_PREFIX}resourcemanager.driver`;
/** The worker hosts of an ssh cluster, as `conf/workers` lines joined by `,`. */
export const SSH_WORKERS_KEY = `${INTERNAL_PREFIX}resourcemanager.ssh.workers`;

export interface SshWorker extends Worker {
  readonly spec: HostSpec;
  readonly pid: number;
}

export interface SshDriverSettings {
  readonly hosts: readonly HostSpec[];
  /** `resourcemanager.ssh.max-taskmanagers-per-host`. */
  readonly maxPerHost: number;
  /** How often the processes of started TaskManagers are checked (they may die without a word). */
  readonly checkIntervalMs: number;
}

/**
 * The ssh ResourceManager driver: starts TaskManagers on the worker hosts over SSH (through the
 * launcher's per-host agent) when the ResourceManager needs slots, stops them when it releases
 * them, and notices processes that died by checking their pids on each host. A new TaskManager
 * goes to the host running the fewest, never beyond the per-host limit.
 */
export class SshResourceManagerDriver implements ResourceManagerDriver<SshWorker> {
  private events: ResourceEventHandler<SshWorker> | undefined;
  private readonly running = new Map<string, SshWorker>();
  /** Starts under way per host, so concurrent requests spread over the hosts. */
  private readonly starting = new Map<string, number>();
  private readonly released = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  private counter = 0;

  constructor(
    private readonly daemons: RemoteDaemons,
    private readonly settings: SshDriverSettings,
    private readonly logger: Logger,
  ) {
    if (settings.hosts.length === 0) {
      throw new FlinkTsError('ERR_INVALID_ARGUMENT', 'The ssh ResourceManager has no worker hosts: list them in conf/workers.');
    }
  }

  initialize(events: ResourceEventHandler<SshWorker>): Promise<void> {
    this.events = events;
    this.timer = setInterval(() => void this.checkProcesses(), this.settings.checkIntervalMs);
    this.timer.unref();
    return Promise.resolve();
  }

  async requestResource(spec: WorkerResourceSpec): Promise<SshWorker> {
    const host = this.pickHost();
    const key = hostKey(host);
    this.starting.set(key, (this.starting.get(key) ?? 0) + 1);
    try {
      const resourceId = `${this.daemons.clusterId}-${host.host}-${++this.counter}-${randomBytes(3).toString('hex')}`;
      const started = await this.daemons.startTaskManager(host, {
        resourceId,
        dynamicProperties: [`taskmanager.numberOfTaskSlots=${spec.numberOfSlots}`],
      });
      const worker: SshWorker = { resourceId, host: formatHostSpec(host), spec: host, pid: started.pid };
      this.running.set(resourceId, worker);
      return worker;
    } finally {
      this.starting.set(key, (this.starting.get(key) ?? 1) - 1);
    }
  }

  async releaseResource(worker: SshWorker): Promise<void> {
    if (!this.running.delete(worker.resourceId)) return;
    this.released.add(worker.resourceId);
    const result = await this.daemons.stopTaskManager(worker.spec, worker.pid);
    if (!result.ok) this.logger.warn(`Stopping TaskManager ${worker.resourceId} (pid ${worker.pid}) on ${worker.host}: ${result.summary}`);
  }

  deregisterApplication(): Promise<void> {
    // Nothing is registered anywhere for an ssh cluster: releasing the workers is all there is.
    return Promise.resolve();
  }

  async terminate(): Promise<void> {
    clearInterval(this.timer);
    await this.daemons.close();
  }

  private pickHost(): HostSpec {
    let best: HostSpec | undefined;
    let bestLoad = Number.POSITIVE_INFINITY;
    for (const host of this.settings.hosts) {
      const key = hostKey(host);
      const load = [...this.running.values()].filter((w) => hostKey(w.spec) === key).length + (this.starting.get(key) ?? 0);
      if (load < this.settings.maxPerHost && load < bestLoad) {
        best = host;
        bestLoad = load;
      }
    }
    if (best === undefined) {
      throw new FlinkTsError(
        'ERR_NO_RESOURCE',
        `Every worker host already runs resourcemanager.ssh.max-taskmanagers-per-host (${this.settings.maxPerHost}) TaskManagers: ` +
          'add hosts to conf/workers or raise the limit.',
      );
    }
    return best;
  }

  /** One pid check per host: a TaskManager whose process is gone is reported terminated. */
  private async checkProcesses(): Promise<void> {
    if (this.checking || this.events === undefined) return;
    this.checking = true;
    try {
      const byHost = new Map<string, SshWorker[]>();
      for (const w of this.running.values()) byHost.set(hostKey(w.spec), [...(byHost.get(hostKey(w.spec)) ?? []), w]);
      for (const workers of byHost.values()) {
        const host = (workers[0] as SshWorker).spec;
        let alive: number[];
        try {
          alive = await this.daemons.alivePids(host, 'taskmanager', workers.map((w) => w.pid));
        } catch (e) {
          // An unreachable host says nothing about its processes; heartbeats decide about those.
          this.logger.debug(`Could not check TaskManager processes on ${formatHostSpec(host)}: ${String(e)}`);
          continue;
        }
        for (const w of workers) {
          if (alive.includes(w.pid) || this.released.has(w.resourceId) || !this.running.has(w.resourceId)) continue;
          this.running.delete(w.resourceId);
          this.events.onWorkerTerminated(w.resourceId, `its process ${w.pid} on ${w.host} is gone`);
        }
      }
    } finally {
      this.checking = false;
    }
  }
}

import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Configuration } from '../../config/index.js';
import type {
  ApplicationStatus,
  ApplicationSubmission,
  ContainerLaunchSpec,
  ContainerRequest,
  ContainerStatus,
  HostCommand,
  HostRegistration,
  HostStatus,
  LeaseOwner,
  PoolStatus,
  QueueDefinition,
  QueueStatus,
  ResourcePoolApi,
} from './pool-model.js';
import type { ConnectionMode } from './redis-connection.js';
import type { ScriptName } from './pool-scripts.js';
import { POOL_LEASE_TTL, POOL_NAME, POOL_REDIS_URL } from '../../config/index.js';
import { PoolError, scriptError } from './pool-errors.js';
import { poolScripts } from './pool-scripts.js';
import { openRedis, unavailable } from './redis-connection.js';

/** How long a stored job artifact is kept after its last use. */
const ARTIFACT_RETENTION_MS = 7 * 24 * 3600_000;
const POOL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The key prefix of a pool: `flink-ts:pool:<pool.name>:`. */
export function poolPrefix(name: string): string {
  if (!POOL_NAME_PATTERN.test(name)) {
    throw new PoolError('INVALID_ARGUMENT', `Invalid pool.name '${name}': use letters, digits, '.', '_' and '-' (at most 64).`);
  }
  return `flink-ts:pool:${name}:`;
}

/** cjson encodes an empty Lua table as `{}`: lists come back as objects when empty. */
function list<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

/**
 * The resource pool over Redis: every change is one Lua script (./scripts), which also expires
 * the leases whose owners stopped heartbeating and places pending container requests, so the
 * pool needs no process of its own.
 */
export class ResourcePool implements ResourcePoolApi {
  private readonly shas = new Map<ScriptName, string>();
  private readonly loading = new Map<ScriptName, Promise<string>>();
  private subscriber: Redis | undefined;
  /** Commands received per subscribed channel, and who waits for the next one. */
  private readonly commands = new Map<string, HostCommand[]>();
  private readonly wakers = new Map<string, () => void>();
  private closed = false;

  private constructor(
    private readonly redis: Redis,
    private readonly configuration: Configuration,
    readonly prefix: string,
    private readonly leaseTtlMs: number,
  ) {}

  static async connect(configuration: Configuration, options: { mode?: ConnectionMode } = {}): Promise<ResourcePool> {
    const prefix = poolPrefix(configuration.get(POOL_NAME));
    const redis = await openRedis(configuration, options.mode ?? 'command');
    return new ResourcePool(redis, configuration, prefix, configuration.get(POOL_LEASE_TTL));
  }

  /** Where the pool lives, for messages: `redis://host:port (pool 'name')`. */
  describe(): string {
    const url = new URL(this.configuration.get(POOL_REDIS_URL));
    return `${url.protocol}//${url.host} (pool '${this.configuration.get(POOL_NAME)}')`;
  }

  // ------------------------------------------------------------------------------------ agents

  async registerHost(host: HostRegistration): Promise<void> {
    await this.run('register-host', host.hostId, [host.hostId, host.address, host.slots, host.memoryBytes, host.labels.join(','), host.agentRestAddress]);
  }

  async heartbeatHost(hostId: string): Promise<string[]> {
    return list<string>(JSON.parse(await this.run('heartbeat-host', hostId, [hostId])));
  }

  async deregisterHost(hostId: string): Promise<void> {
    await this.run('deregister-host', hostId, [hostId]);
  }

  async nextHostCommand(hostId: string, timeoutMs: number): Promise<HostCommand | undefined> {
    const channel = `${this.prefix}host:${hostId}:commands`;
    let queue = this.commands.get(channel);
    if (queue === undefined) {
      queue = [];
      this.commands.set(channel, queue);
      await this.call(() => this.subscriberConnection().subscribe(channel));
    }
    if (queue.length === 0 && !this.closed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.wakers.delete(channel);
          resolve();
        }, Math.max(1, timeoutMs));
        this.wakers.set(channel, () => {
          clearTimeout(timer);
          this.wakers.delete(channel);
          resolve();
        });
      });
    }
    return queue.shift();
  }

  /** A subscriber connection cannot run other commands: the commands channels get one of their own. */
  private subscriberConnection(): Redis {
    if (this.subscriber === undefined) {
      const subscriber = this.redis.duplicate();
      // Retried like the main connection (and resubscribed after a reconnect); calls report failures.
      subscriber.on('error', () => undefined);
      subscriber.on('message', (channel: string, message: string) => {
        const match = /^(launch|kill) (\S+)$/.exec(message);
        if (match === null) return;
        this.commands.get(channel)?.push({ kind: match[1] as 'launch' | 'kill', containerId: match[2] as string });
        this.wakers.get(channel)?.();
      });
      this.subscriber = subscriber;
    }
    return this.subscriber;
  }

  async launchSpec(containerId: string): Promise<ContainerLaunchSpec | undefined> {
    let text: string;
    try {
      text = await this.run('launch-spec', containerId, [containerId]);
    } catch (e) {
      if (e instanceof PoolError && e.poolCode === 'CONTAINER_UNKNOWN') return undefined;
      throw e;
    }
    const raw = JSON.parse(text) as {
      containerId: string;
      applicationId: string;
      kind: ContainerLaunchSpec['kind'];
      slots: number;
      memoryBytes: number;
      configuration: string;
      containerProperties: string;
      artifactSha256?: string;
    };
    const parseMap = (json: string): Record<string, string> => {
      const parsed = JSON.parse(json) as unknown;
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, string>) : {};
    };
    return {
      containerId: raw.containerId,
      applicationId: raw.applicationId,
      kind: raw.kind,
      slots: raw.slots,
      memoryBytes: raw.memoryBytes,
      configuration: { ...parseMap(raw.configuration), ...parseMap(raw.containerProperties) },
      artifactSha256: raw.artifactSha256,
    };
  }

  async containerStarted(hostId: string, containerId: string, pid: number): Promise<boolean> {
    return (await this.run('container-started', containerId, [hostId, containerId, pid])) === '1';
  }

  async containerExited(hostId: string, containerId: string, exitCode: number, diagnostics: string): Promise<void> {
    await this.run('container-exited', containerId, [hostId, containerId, exitCode, diagnostics]);
  }

  async artifact(sha256: string): Promise<Buffer | undefined> {
    if (!/^[0-9a-f]{64}$/.test(sha256)) return undefined;
    return (await this.call(() => this.redis.getBuffer(`${this.prefix}artifact:${sha256}`))) ?? undefined;
  }

  // --------------------------------------------------------------------- clients and JobManagers

  async putArtifact(content: Buffer): Promise<string> {
    const sha = createHash('sha256').update(content).digest('hex');
    await this.run('put-artifact', sha, [sha, content, ARTIFACT_RETENTION_MS]);
    return sha;
  }

  async submitApplication(submission: ApplicationSubmission): Promise<string> {
    return this.run('submit-application', submission.queue, [
      submission.name,
      submission.user,
      submission.queue,
      submission.type,
      submission.nodeLabel ?? '',
      JSON.stringify(submission.configuration),
      submission.artifactSha256 ?? '',
      submission.clientLease ? '1' : '0',
    ]);
  }

  async requestContainers(request: ContainerRequest, count: number): Promise<string[]> {
    const ids = await this.run('request-containers', request.applicationId, [
      request.applicationId,
      request.kind,
      count,
      request.slots,
      request.memoryBytes,
      JSON.stringify(request.properties),
    ]);
    return list<string>(JSON.parse(ids));
  }

  async cancelRequest(applicationId: string, requestId: string): Promise<void> {
    await this.run('cancel-request', requestId, [applicationId, requestId]);
  }

  async releaseContainer(applicationId: string, containerId: string, diagnostics: string): Promise<void> {
    await this.run('release-container', containerId, [applicationId, containerId, diagnostics]);
  }

  async registerApplicationMaster(applicationId: string, restAddress: string): Promise<void> {
    await this.run('register-application-master', applicationId, [applicationId, restAddress]);
  }

  async heartbeatApplication(applicationId: string, owner: LeaseOwner): Promise<{ application: ApplicationStatus; containers: ContainerStatus[] }> {
    const parsed = JSON.parse(await this.run('heartbeat-application', applicationId, [applicationId, owner])) as { application: RawApplication; containers: unknown };
    return { application: toApplication(parsed.application), containers: list<RawContainer>(parsed.containers).map(toContainer) };
  }

  async releaseLease(applicationId: string, owner: LeaseOwner): Promise<void> {
    await this.run('release-lease', applicationId, [applicationId, owner]);
  }

  async finishApplication(applicationId: string, state: 'FINISHED' | 'FAILED' | 'KILLED', diagnostics: string): Promise<void> {
    await this.run('finish-application', applicationId, [applicationId, state, diagnostics]);
  }

  // ---------------------------------------------------------------------------------- everyone

  async application(applicationId: string): Promise<ApplicationStatus | undefined> {
    const raw = JSON.parse(await this.run('read-state', applicationId, ['application', applicationId])) as Partial<RawApplication>;
    return raw.id === undefined ? undefined : toApplication(raw as RawApplication);
  }

  async applications(options: { includeFinished?: boolean } = {}): Promise<ApplicationStatus[]> {
    const raw: unknown = JSON.parse(await this.run('read-state', 'applications', ['applications', options.includeFinished === true ? '1' : '0']));
    return list<RawApplication>(raw).map(toApplication);
  }

  async containers(applicationId: string): Promise<ContainerStatus[]> {
    return list<RawContainer>(JSON.parse(await this.run('read-state', applicationId, ['containers', applicationId]))).map(toContainer);
  }

  async status(): Promise<PoolStatus> {
    const raw = JSON.parse(await this.run('read-state', 'status', ['status'])) as { hosts: unknown; queues: unknown };
    const hosts = list<Omit<HostStatus, 'labels'> & { labels: string }>(raw.hosts)
      .map((h) => ({ ...h, labels: h.labels === '' ? [] : h.labels.split(',') }))
      .sort((a, b) => a.id.localeCompare(b.id));
    const queues = list<QueueStatus>(raw.queues).sort((a, b) => a.name.localeCompare(b.name));
    return { hosts, queues };
  }

  async setQueues(queues: readonly QueueDefinition[]): Promise<void> {
    await this.run('set-queues', 'queues', [JSON.stringify(queues.map((q) => ({ name: q.name, capacity: q.capacity, maximumCapacity: q.maximumCapacity })))]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.subscriber?.disconnect();
    for (const wake of [...this.wakers.values()]) wake();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  // ---------------------------------------------------------------------------------- internals

  /**
   * Runs a script by its sha (loading it when Redis does not have it, e.g. after a restart) and
   * turns a negative result into its PoolError, about `subject`.
   */
  private async run(name: ScriptName, subject: string, args: readonly (string | number | Buffer)[]): Promise<string> {
    const source = poolScripts().get(name) as string;
    const argv = [this.leaseTtlMs, ...args];
    const result: unknown = await this.call(async (): Promise<unknown> => {
      const sha = this.shas.get(name);
      if (sha !== undefined) {
        try {
          return await this.redis.evalsha(sha, 1, this.prefix, ...argv);
        } catch (e) {
          if (!(e instanceof Error) || !e.message.startsWith('NOSCRIPT')) throw e;
        }
      }
      // One load for the calls that found no sha at the same time (a first burst, a restarted Redis).
      let loading = this.loading.get(name);
      if (loading === undefined) {
        loading = (this.redis.script('LOAD', source) as Promise<string>).finally(() => this.loading.delete(name));
        this.loading.set(name, loading);
      }
      this.shas.set(name, await loading);
      return await this.redis.evalsha(this.shas.get(name) as string, 1, this.prefix, ...argv);
    });
    if (typeof result === 'number') {
      if (result < 0) throw scriptError(name, result, subject);
      return String(result);
    }
    return String(result);
  }

  /** A call to Redis; a connection failure becomes REDIS_UNAVAILABLE naming the URL. */
  private async call<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (e) {
      if (e instanceof PoolError) throw e;
      if (e instanceof Error && /^(ERR|NOSCRIPT|WRONGTYPE)/.test(e.message)) throw e;
      throw unavailable(this.configuration.get(POOL_REDIS_URL), e);
    }
  }
}

interface RawApplication {
  id: string;
  name: string;
  user: string;
  queue: string;
  type: ApplicationStatus['type'];
  state: ApplicationStatus['state'];
  restAddress?: string;
  diagnostics: string;
  submittedAt: number;
  finishedAt?: number;
  nodeLabel?: string;
}

function toApplication(raw: RawApplication): ApplicationStatus {
  return {
    id: raw.id,
    name: raw.name,
    user: raw.user,
    queue: raw.queue,
    type: raw.type,
    state: raw.state,
    restAddress: raw.restAddress,
    diagnostics: raw.diagnostics,
    submittedAt: raw.submittedAt,
    finishedAt: raw.finishedAt,
    nodeLabel: raw.nodeLabel,
  };
}

type RawContainer = Omit<ContainerStatus, 'pid' | 'exitCode'> & { pid?: number; exitCode?: number };

function toContainer(raw: RawContainer): ContainerStatus {
  return { ...raw, pid: raw.pid, exitCode: raw.exitCode };
}

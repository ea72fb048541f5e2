import { hostname, tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Configuration } from '../../config/index.js';
import type { Logger } from '../../core/logger.js';
import type { ClusterComponent, ClusterComponentFactory, ComponentTermination } from '../../entrypoints/cluster-component.js';
import type { ResourceManagerGateway } from '../../resourcemanager/resource-manager-gateway.js';
import {
  ASK_TIMEOUT,
  DATA_PORT,
  HEARTBEAT_TIMEOUT,
  INITIAL_REGISTRATION_TIMEOUT,
  JOB_MANAGER_RPC_ADDRESS,
  JOB_MANAGER_RPC_PORT,
  LOG_DIR,
  MAX_REGISTRATION_TIMEOUT,
  NUM_TASK_SLOTS,
  TASK_MANAGER_BIND_HOST,
  TASK_MANAGER_HOST,
  TASK_MANAGER_PROCESS_SIZE,
  TASK_MANAGER_REGISTRATION_TIMEOUT,
  TASK_MANAGER_RESOURCE_ID,
  TASK_MANAGER_RPC_PORT,
  TMP_DIRS,
} from '../../config/index.js';
import { TcpRpcService } from '../rpc/tcp-rpc-service.js';
import { TaskExecutor } from '../taskexecutor/task-executor.js';
import { DataConnectionManager } from '../network/tcp/data-connection-manager.js';
import { BlobCache } from '../blob/blob-cache.js';
import { StandaloneResourceManager } from '../../resourcemanager/standalone-resource-manager.js';
import { hardwareDescription, slotHeapMb } from '../taskexecutor/task-executor-resources.js';
import { resolveClusterSecret } from './cluster-secret.js';

/** Loopback unless configured otherwise: a cluster is reachable from outside only on purpose. */
const DEFAULT_BIND_HOST = '127.0.0.1';

/**
 * A TaskManager process (Flink's TaskManagerRunner): its RPC endpoint, its data server, the
 * TaskExecutor with its slot workers, and the registration at the ResourceManager, retried with
 * backoff until `taskmanager.registration.timeout`, and repeated whenever the ResourceManager
 * falls silent for longer than `heartbeat.timeout`.
 */
export class TaskManagerComponent implements ClusterComponent {
  readonly terminated: Promise<ComponentTermination>;
  private terminate!: (t: ComponentTermination) => void;
  private rpc: TcpRpcService | undefined;
  private data: DataConnectionManager | undefined;
  private blobs: BlobCache | undefined;
  private taskExecutor: TaskExecutor | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private stopping = false;
  private registered = false;

  constructor(
    private readonly config: Configuration,
    private readonly logger: Logger,
  ) {
    this.terminated = new Promise((resolve) => (this.terminate = resolve));
  }

  get resourceId(): string | undefined {
    return this.taskExecutor?.resourceId;
  }

  async start(): Promise<void> {
    const config = this.config;
    const secret = resolveClusterSecret(config);
    const bindHost = config.get(TASK_MANAGER_BIND_HOST) ?? DEFAULT_BIND_HOST;
    const host = config.get(TASK_MANAGER_HOST) ?? (bindHost === '0.0.0.0' || bindHost === '::' ? hostname() : bindHost);
    const askTimeoutMs = config.get(ASK_TIMEOUT);
    const rpc = await TcpRpcService.create({
      bindHost,
      port: config.get(TASK_MANAGER_RPC_PORT),
      advertisedHost: host,
      secret,
      askTimeoutMs,
      logger: this.logger.child('RpcService'),
      name: 'taskmanager',
    });
    this.rpc = rpc;
    const rpcPort = rpc.port;
    const resourceId = config.get(TASK_MANAGER_RESOURCE_ID) ?? `${host}:${rpcPort}-${randomBytes(3).toString('hex')}`;
    const data = await DataConnectionManager.start({
      bindHost,
      port: config.get(DATA_PORT),
      advertisedHost: host,
      secret,
      resourceId,
      logger: this.logger.child('DataServer'),
      handshakeTimeoutMs: askTimeoutMs,
      onMessage: (routed) => this.taskExecutor?.route(routed),
      onConnectionLost: (id, address) => this.taskExecutor?.connectionLost(id, address),
    });
    this.data = data;
    const tmp = config.get(TMP_DIRS)?.[0] ?? tmpdir();
    this.blobs = new BlobCache(tmp, rpc);
    const slots = config.get(NUM_TASK_SLOTS);
    const logDir = config.get(LOG_DIR);
    this.taskExecutor = new TaskExecutor({
      location: { resourceId, rpcAddress: rpc.addressOf(TaskExecutor.ENDPOINT_NAME), dataAddress: data.dataAddress, host },
      numberOfSlots: slots,
      slotHeapMb: slotHeapMb(config, slots),
      rpc,
      logger: this.logger.child('TaskExecutor'),
      stdout: (text, stderr) => (stderr ? process.stderr : process.stdout).write(text),
      dataPlane: data,
      artifacts: this.blobs,
      ...(logDir === undefined ? {} : { logDir }),
    });
    rpc.register(TaskExecutor.ENDPOINT_NAME, this.taskExecutor);
    this.logger.info(`TaskManager ${resourceId} started with ${slots} slot(s): RPC ${rpc.addressOf(TaskExecutor.ENDPOINT_NAME)}, data port ${data.dataAddress}.`);
    void this.registerWithRetries();
  }

  async shutdown(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.watchdog);
    if (this.registered && this.taskExecutor !== undefined) {
      await this.resourceManager()
        .disconnectTaskManager(this.taskExecutor.resourceId, 'The TaskManager is shutting down.')
        .catch(() => undefined);
    }
    await this.taskExecutor?.shutdown();
    await this.data?.close();
    await this.rpc?.close();
    this.blobs?.close();
    this.terminate({ code: 0, reason: 'shut down' });
  }

  private resourceManagerAddress(): string {
    const host = this.config.get(JOB_MANAGER_RPC_ADDRESS) ?? 'localhost';
    return `${host}:${this.config.get(JOB_MANAGER_RPC_PORT)}/${StandaloneResourceManager.ENDPOINT_NAME}`;
  }

  private resourceManager(): ResourceManagerGateway {
    return (this.rpc as TcpRpcService).connect<ResourceManagerGateway>(this.resourceManagerAddress());
  }

  /** Flink's RetryingRegistration: exponential backoff between attempts, bounded overall. */
  private async registerWithRetries(): Promise<void> {
    const te = this.taskExecutor as TaskExecutor;
    const deadline = Date.now() + this.config.get(TASK_MANAGER_REGISTRATION_TIMEOUT);
    let delay = this.config.get(INITIAL_REGISTRATION_TIMEOUT);
    const maxDelay = this.config.get(MAX_REGISTRATION_TIMEOUT);
    const address = this.resourceManagerAddress();
    for (let attempt = 1; !this.stopping; attempt++) {
      try {
        const success = await this.resourceManager().registerTaskExecutor({
          location: te.location,
          numberOfSlots: te.numberOfSlots,
          hardware: hardwareDescription(),
          memoryBytes: this.config.get(TASK_MANAGER_PROCESS_SIZE),
        });
        this.registered = true;
        this.logger.info(`Successful registration at resource manager ${address} under registration id ${success.resourceManagerId}.`);
        this.watchResourceManager();
        return;
      } catch (e) {
        if (this.stopping) return;
        if (Date.now() + delay > deadline) {
          const reason = `Could not register at the ResourceManager ${address} within taskmanager.registration.timeout: ${String(e)}`;
          this.logger.error(reason);
          await this.failFatally(reason);
          return;
        }
        this.logger.info(`Registration at ResourceManager ${address} failed (attempt ${attempt}): ${e instanceof Error ? e.message : String(e)}. Retrying in ${delay} ms.`);
        // Unref'd: a pending retry must not keep a TaskManager alive after its shutdown (the
        // RPC and data servers keep the event loop busy while it runs).
        await new Promise((r) => setTimeout(r, delay).unref());
        delay = Math.min(delay * 2, maxDelay);
      }
    }
  }

  /** A ResourceManager that stops sending heartbeats has lost this TaskManager: start over. */
  private watchResourceManager(): void {
    const timeout = this.config.get(HEARTBEAT_TIMEOUT);
    clearInterval(this.watchdog);
    this.watchdog = setInterval(() => {
      const te = this.taskExecutor;
      if (te === undefined || Date.now() - te.lastHeartbeatFromResourceManager <= timeout) return;
      clearInterval(this.watchdog);
      this.registered = false;
      this.logger.warn(`The heartbeat of ResourceManager ${this.resourceManagerAddress()} timed out. Freeing all slots and registering again.`);
      void te.freeAllSlots().then(() => this.registerWithRetries());
    }, Math.min(timeout, 1000));
  }

  private async failFatally(reason: string): Promise<void> {
    this.stopping = true;
    clearInterval(this.watchdog);
    await this.taskExecutor?.shutdown();
    await this.data?.close();
    await this.rpc?.close();
    this.blobs?.close();
    this.terminate({ code: 2, reason });
  }
}

export const createTaskManagerComponent: ClusterComponentFactory = (configuration, logger) => new TaskManagerComponent(configuration, logger);

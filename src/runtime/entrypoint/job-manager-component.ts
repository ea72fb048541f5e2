import type { ApplicationStatus } from '../../resourcemanager/active/resource-manager-driver.js';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import type { Configuration } from '../../config/index.js';
import type { Logger } from '../../core/logger.js';
import type { ClusterComponent, ClusterComponentFactory, ComponentTermination } from '../../entrypoints/cluster-component.js';
import type { JarRunner } from '../dispatcher/dispatcher-rest-facade.js';
import {
  ASK_TIMEOUT,
  JOB_MANAGER_BIND_HOST,
  JOB_MANAGER_RPC_ADDRESS,
  JOB_MANAGER_RPC_BIND_PORT,
  JOB_MANAGER_RPC_PORT,
  JOB_STORE_EXPIRATION_TIME,
  LOG_DIR,
  REST_ADDRESS,
  REST_BIND_ADDRESS,
  REST_BIND_PORT,
  REST_PORT,
  REST_ASYNC_STORE_DURATION,
  REST_SERVER_MAX_CONTENT_LENGTH,
  TMP_DIRS,
  WEB_CANCEL_ENABLE,
  WEB_SUBMIT_ENABLE,
  WEB_UPLOAD_DIR,
} from '../../config/index.js';
import { TcpRpcService } from '../rpc/tcp-rpc-service.js';
import { StandaloneResourceManager } from '../../resourcemanager/standalone-resource-manager.js';
import { Dispatcher } from '../dispatcher/dispatcher.js';
import { DispatcherRestFacade } from '../dispatcher/dispatcher-rest-facade.js';
import { BlobServer } from '../blob/blob-server.js';
import { RestServer } from '../rest/rest-server.js';
import { jobMasterSettingsFrom } from '../jobmaster/job-master-settings.js';
import { heartbeatSettingsFrom } from '../heartbeat/heartbeat-settings.js';
import { resolveClusterSecret } from './cluster-secret.js';

const DEFAULT_BIND_HOST = '127.0.0.1';
const VERSION = (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;

/**
 * The JobManager process of a session cluster (Flink's StandaloneSessionClusterEntrypoint
 * components): RPC endpoint, BlobServer, StandaloneResourceManager, Dispatcher and the REST
 * endpoint. Everything binds to loopback unless `jobmanager.bind-host` / `rest.bind-address`
 * say otherwise.
 */
export class JobManagerComponent implements ClusterComponent {
  readonly terminated: Promise<ComponentTermination>;
  private terminate!: (t: ComponentTermination) => void;
  private rpc: TcpRpcService | undefined;
  private blobs: BlobServer | undefined;
  private resourceManager: StandaloneResourceManager | undefined;
  private dispatcher: Dispatcher | undefined;
  private rest: RestServer | undefined;
  private stopping: Promise<void> | undefined;
  /** Set when the upload directory is this process's own (not `web.upload.dir`): removed on shutdown. */
  private ownUploadDir: string | undefined;

  constructor(
    private readonly config: Configuration,
    private readonly logger: Logger,
    private readonly options: JobManagerComponentOptions = {},
  ) {
    this.terminated = new Promise((resolve) => (this.terminate = resolve));
  }

  /** The Dispatcher, once started: application mode submits the jobs of its `main` to it. */
  get dispatcherInstance(): Dispatcher {
    if (this.dispatcher === undefined) throw new Error('The JobManager has not been started.');
    return this.dispatcher;
  }

  get configuration(): Configuration {
    return this.config;
  }

  /** The BlobServer, once started: application mode stores its artifact there for the TaskManagers. */
  get blobServerInstance(): BlobServer {
    if (this.blobs === undefined) throw new Error('The JobManager has not been started.');
    return this.blobs;
  }

  /** Where clients reach the REST API (`http://host:port`). */
  get restAddress(): string | undefined {
    return this.rest === undefined ? undefined : `http://${this.config.get(REST_BIND_ADDRESS) ?? DEFAULT_BIND_HOST}:${this.rest.port}`;
  }

  get rpcAddress(): string | undefined {
    return this.rpc?.addressOf(StandaloneResourceManager.ENDPOINT_NAME);
  }

  async start(): Promise<void> {
    const config = this.config;
    const secret = resolveClusterSecret(config);
    const bindHost = config.get(JOB_MANAGER_BIND_HOST) ?? DEFAULT_BIND_HOST;
    const rpc = await TcpRpcService.create({
      bindHost,
      port: config.get(JOB_MANAGER_RPC_BIND_PORT) ?? config.get(JOB_MANAGER_RPC_PORT),
      advertisedHost: config.get(JOB_MANAGER_RPC_ADDRESS) ?? bindHost,
      secret,
      askTimeoutMs: config.get(ASK_TIMEOUT),
      logger: this.logger.child('RpcService'),
      name: 'jobmanager',
    });
    this.rpc = rpc;
    const tmp = config.get(TMP_DIRS)?.[0] ?? tmpdir();
    const blobs = new BlobServer(tmp);
    this.blobs = blobs;
    rpc.register(BlobServer.ENDPOINT_NAME, blobs);
    const resourceManager =
      this.options.createResourceManager?.(rpc, config, this.logger) ??
      new StandaloneResourceManager(rpc, this.logger.child('StandaloneResourceManager'), heartbeatSettingsFrom(config));
    this.resourceManager = resourceManager;
    await this.options.startResourceManager?.(resourceManager);
    rpc.register(StandaloneResourceManager.ENDPOINT_NAME, resourceManager);
    const dispatcher = new Dispatcher(
      rpc,
      {
        resourceManagerAddress: StandaloneResourceManager.ENDPOINT_NAME,
        logger: this.logger.child('JobMaster'),
        ...jobMasterSettingsFrom(config),
      },
      this.logger.child('Dispatcher'),
      config.get(JOB_STORE_EXPIRATION_TIME),
    );
    this.dispatcher = dispatcher;
    // A broken connection to a TaskManager is checked by every JobMaster using it, not only by the ResourceManager.
    rpc.onDisconnect((remote) => {
      for (const jm of dispatcher.allJobMasters()) {
        for (const ev of jm.graph.allExecutionVertices()) {
          const tm = ev.currentExecution.location?.taskManagerId;
          const location = tm === undefined ? undefined : jm.taskManagerLocation(tm);
          if (tm !== undefined && location?.rpcAddress.startsWith(`${remote}/`) === true) jm.probeTaskManager(tm);
        }
      }
    });
    const logDir = config.get(LOG_DIR);
    const facade = new DispatcherRestFacade({
      dispatcher,
      resourceManager,
      rpc,
      blobServer: blobs,
      configuration: config,
      version: { version: VERSION, revision: 'unknown' },
      logDir,
      shutDownCluster: () => {
        // Answer the request first; the process goes down right after.
        setImmediate(() => void this.shutdown());
        return Promise.resolve();
      },
      ...(this.options.jarRunner === undefined ? {} : { runJar: this.options.jarRunner(this) }),
    });
    const configuredUploadDir = config.get(WEB_UPLOAD_DIR);
    if (configuredUploadDir === undefined) this.ownUploadDir = join(tmp, `flink-ts-web-upload-${process.pid}`);
    this.rest = await RestServer.start({
      bindAddress: config.get(REST_BIND_ADDRESS) ?? DEFAULT_BIND_HOST,
      advertisedHost: config.get(REST_ADDRESS) ?? config.get(REST_BIND_ADDRESS) ?? DEFAULT_BIND_HOST,
      port: config.get(REST_BIND_PORT) ?? config.get(REST_PORT),
      maxContentLength: config.get(REST_SERVER_MAX_CONTENT_LENGTH),
      logger: this.logger.child('RestServer'),
      facade,
      uploadDir: configuredUploadDir ?? (this.ownUploadDir as string),
      webSubmitEnabled: config.get(WEB_SUBMIT_ENABLE),
      webCancelEnabled: config.get(WEB_CANCEL_ENABLE),
      asyncOperationStoreDurationMs: config.get(REST_ASYNC_STORE_DURATION),
    });
    this.logger.info(`Rest endpoint listening at ${this.restAddress ?? '?'}`);
    this.logger.info(`Starting RPC endpoint for the ResourceManager and Dispatcher at ${rpc.addressOf('')}`);
    await this.options.onStarted?.(this);
  }

  /**
   * Shuts the JobManager down; `status` is how its application ended, for resource managers that
   * deregister it somewhere (the pool). Later calls get the first call's shutdown.
   */
  shutdown(status: ApplicationStatus = 'SUCCEEDED', diagnostics = 'The cluster shuts down.'): Promise<void> {
    this.stopping ??= this.stop(status, diagnostics);
    return this.stopping;
  }

  private async stop(status: ApplicationStatus, diagnostics: string): Promise<void> {
    this.logger.info('Shutting down the JobManager.');
    await this.rest?.close();
    await this.dispatcher?.shutDown();
    if (this.resourceManager !== undefined && this.options.stopResourceManager !== undefined) {
      await this.options
        .stopResourceManager(this.resourceManager, status, diagnostics)
        .catch((e: unknown) => this.logger.warn(`Stopping the ResourceManager failed: ${String(e)}`));
    }
    this.resourceManager?.close();
    await this.rpc?.close();
    this.blobs?.close();
    if (this.ownUploadDir !== undefined) rmSync(this.ownUploadDir, { recursive: true, force: true });
    this.terminate({ code: 0, reason: 'shut down' });
  }
}

/**
 * What differs between JobManagers: the ResourceManager (standalone, or active with a driver
 * that starts TaskManagers) and how uploaded job files run. Both come from the layers above the
 * runtime (launcher, client), so they are passed in.
 */
export interface JobManagerComponentOptions {
  readonly createResourceManager?: (rpc: TcpRpcService, config: Configuration, logger: Logger) => StandaloneResourceManager;
  readonly startResourceManager?: (resourceManager: StandaloneResourceManager) => Promise<void>;
  readonly stopResourceManager?: (resourceManager: StandaloneResourceManager, status: ApplicationStatus, diagnostics: string) => Promise<void>;
  /** Called once REST and RPC are up (the pool's JobManager registers its REST address then). */
  readonly onStarted?: (component: JobManagerComponent) => Promise<void>;
  readonly jarRunner?: (component: JobManagerComponent) => JarRunner;
}

export function jobManagerComponentFactory(options: JobManagerComponentOptions = {}): ClusterComponentFactory {
  return (configuration, logger) => new JobManagerComponent(configuration, logger, options);
}

export const createJobManagerComponent: ClusterComponentFactory = jobManagerComponentFactory();

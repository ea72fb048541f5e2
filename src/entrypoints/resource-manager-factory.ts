import type { Configuration } from '../config/index.js';
import type { JobManagerComponentOptions } from '../runtime/entrypoint/job-manager-component.js';
import type { ActiveResourceManagerSettings } from '../resourcemanager/active/active-resource-manager.js';
import type { JobManagerComponent } from '../runtime/entrypoint/job-manager-component.js';
import type { PoolWorker } from '../resourcemanager/pool/pool-resource-manager-driver.js';
import { PoolResourceManagerDriver } from '../resourcemanager/pool/pool-resource-manager-driver.js';
import { ResourcePool } from '../resourcemanager/pool/resource-pool.js';
import { resolveClusterSecret } from '../runtime/entrypoint/cluster-secret.js';
import {
  CLUSTER_SECRET,
  JOB_MANAGER_RPC_ADDRESS,
  JOB_MANAGER_RPC_PORT,
  POOL_APPLICATION_ID,
  POOL_HEARTBEAT_INTERVAL,
  NUM_TASK_SLOTS,
  SSH_MAX_TASK_MANAGERS_PER_HOST,
  START_WORKER_MAX_FAILURE_RATE,
  START_WORKER_RETRY_INTERVAL,
  TASK_MANAGER_PROCESS_SIZE,
  TASK_MANAGER_REGISTRATION_DEADLINE,
  TASK_MANAGER_TIMEOUT,
} from '../config/index.js';
import { ActiveResourceManager } from '../resourcemanager/active/active-resource-manager.js';
import { heartbeatSettingsFrom } from '../runtime/heartbeat/heartbeat-settings.js';
import type { SshWorker } from '../launcher/ssh-resource-manager-driver.js';
import { RESOURCE_MANAGER_DRIVER_KEY, SSH_WORKERS_KEY, SshResourceManagerDriver } from '../launcher/ssh-resource-manager-driver.js';
import { RemoteDaemons } from '../launcher/remote-daemons.js';
import { parseWorkers } from '../launcher/hosts-file.js';
import { FlinkTsError } from '../core/errors.js';

export function activeSettingsFrom(config: Configuration): ActiveResourceManagerSettings {
  return {
    workerSpec: { numberOfSlots: config.get(NUM_TASK_SLOTS), memoryBytes: config.get(TASK_MANAGER_PROCESS_SIZE) },
    taskManagerTimeoutMs: config.get(TASK_MANAGER_TIMEOUT),
    registrationTimeoutMs: config.get(TASK_MANAGER_REGISTRATION_DEADLINE),
    maxStartFailuresPerMinute: config.get(START_WORKER_MAX_FAILURE_RATE),
    startRetryIntervalMs: config.get(START_WORKER_RETRY_INTERVAL),
  };
}

/**
 * The ResourceManager a JobManager's configuration asks for: standalone (TaskManagers start on
 * their own) unless `$internal.resourcemanager.driver` names an active driver, which the
 * launcher sets for the clusters it creates.
 */
export function resourceManagerOptions(config: Configuration): JobManagerComponentOptions {
  const driver = config.getRaw(RESOURCE_MANAGER_DRIVER_KEY);
  if (driver === undefined) return {};
  if (driver === 'pool') return poolResourceManagerOptions(config);
  if (driver !== 'ssh') {
    throw new FlinkTsError('ERR_INVALID_ARGUMENT', `Unknown ResourceManager driver '${String(driver)}' in ${RESOURCE_MANAGER_DRIVER_KEY}: expected ssh or pool.`);
  }
  const workersText = config.getRaw(SSH_WORKERS_KEY);
  const hosts = parseWorkers(typeof workersText === 'string' ? workersText.split(',').join('\n') : '', SSH_WORKERS_KEY).map((w) => w.spec);
  const unique = [...new Map(hosts.map((h) => [`${h.user ?? ''}@${h.host}:${h.port ?? ''}`, h])).values()];
  // The options' hooks receive the ResourceManager as its base type; this keeps the active one typed.
  let active: ActiveResourceManager<SshWorker> | undefined;
  return {
    createResourceManager: (rpc, cfg, logger) => {
      const daemons = RemoteDaemons.create(cfg);
      const sshDriver = new SshResourceManagerDriver(
        daemons,
        { hosts: unique, maxPerHost: cfg.get(SSH_MAX_TASK_MANAGERS_PER_HOST), checkIntervalMs: 2000 },
        logger.child('SshResourceManagerDriver'),
      );
      active = new ActiveResourceManager(rpc, logger.child('ActiveResourceManager'), heartbeatSettingsFrom(cfg), sshDriver, activeSettingsFrom(cfg));
      return active;
    },
    startResourceManager: () => active?.start() ?? Promise.resolve(),
    stopResourceManager: (_rm, status, diagnostics) => active?.stop(status, diagnostics) ?? Promise.resolve(),
  };
}

/**
 * The JobManager of a pool application: TaskManagers are containers requested from the pool;
 * once REST is up, the application is registered as RUNNING at its address; when the JobManager
 * shuts down, the application is deregistered with how it ended. When the pool ends the
 * application (`pool kill`, an expired lease), the JobManager shuts down.
 */
function poolResourceManagerOptions(config: Configuration): JobManagerComponentOptions {
  const applicationId = config.get(POOL_APPLICATION_ID);
  if (applicationId === undefined) {
    throw new FlinkTsError('ERR_INVALID_ARGUMENT', `The pool ResourceManager needs pool.application.id (set by the agent that starts the JobManager).`);
  }
  let active: ActiveResourceManager<PoolWorker> | undefined;
  let driver: PoolResourceManagerDriver | undefined;
  let component: JobManagerComponent | undefined;
  // Started by an agent, the JobManager holds an IPC channel to it (--exit-with-parent). When the
  // channel is gone at shutdown, the agent died: the host is lost as far as the pool knows, and
  // the JobManager cannot know how its application should end. It then leaves the application to
  // the pool's lease (it expires, the application FAILS) instead of deregistering it as finished.
  const startedByAgent = process.connected;
  return {
    createResourceManager: (rpc, cfg, logger) => {
      driver = new PoolResourceManagerDriver(
        () => ResourcePool.connect(cfg, { mode: 'service' }),
        {
          applicationId,
          heartbeatIntervalMs: cfg.get(POOL_HEARTBEAT_INTERVAL),
          pendingIntervalMs: 100,
          // TaskManagers reach this JobManager at the port it actually bound (the agent asks for a free one).
          taskManagerProperties: () => ({
            [JOB_MANAGER_RPC_ADDRESS.key]: cfg.get(JOB_MANAGER_RPC_ADDRESS) ?? '127.0.0.1',
            [JOB_MANAGER_RPC_PORT.key]: String(rpc.port),
            [CLUSTER_SECRET.key]: resolveClusterSecret(cfg),
          }),
          onApplicationEnded: (diagnostics) => void component?.shutdown('FAILED', diagnostics),
        },
        logger.child('PoolResourceManagerDriver'),
      );
      active = new ActiveResourceManager(rpc, logger.child('ActiveResourceManager'), heartbeatSettingsFrom(cfg), driver, activeSettingsFrom(cfg));
      return active;
    },
    startResourceManager: () => active?.start() ?? Promise.resolve(),
    onStarted: async (started) => {
      component = started;
      await driver?.registerApplicationMaster(started.restAddress ?? '');
    },
    stopResourceManager: (_rm, status, diagnostics) => {
      const agentGone = startedByAgent && !process.connected;
      return active?.stop(agentGone ? 'UNKNOWN' : status, agentGone ? 'The agent of its host is gone.' : diagnostics) ?? Promise.resolve();
    },
  };
}

import type { Configuration } from '../config/index.js';
import type { JobManagerComponentOptions } from '../runtime/entrypoint/job-manager-component.js';
import type { ActiveResourceManagerSettings } from '../resourcemanager/active/active-resource-manager.js';
import {
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
  if (driver !== 'ssh') {
    throw new FlinkTsError('ERR_INVALID_ARGUMENT', `Unknown ResourceManager driver '${String(driver)}' in ${RESOURCE_MANAGER_DRIVER_KEY}: expected ssh.`);
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
    stopResourceManager: () => active?.stop('SUCCEEDED', 'The cluster shuts down.') ?? Promise.resolve(),
  };
}

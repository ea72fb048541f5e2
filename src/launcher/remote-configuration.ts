/**
 * The configuration every process the launcher starts runs with: the launcher's own effective
 * configuration (conf file, FLINK_TS_PROPERTIES, -D), plus what makes the hosts a cluster (the
 * JobManager's address from conf/masters, the cluster secret, the cluster id). It is written to
 * each host as `config.yaml` of the cluster's conf dir, so that no host runs with a configuration
 * other than the one the user gave (with Flink, keeping conf/ the same on all hosts is the user's
 * job). Only the TaskManager's own address differs per host; it is passed as `-D` at its start,
 * so the file is the same everywhere and a ResourceManager reading it back sees no host's values.
 */
import type { Configuration } from '../config/index.js';
import {
  CLUSTER_SECRET,
  HA_CLUSTER_ID,
  INTERNAL_PREFIX,
  JOB_MANAGER_BIND_HOST,
  JOB_MANAGER_RPC_ADDRESS,
  REST_ADDRESS,
  REST_BIND_ADDRESS,
  REST_PORT,
  TASK_MANAGER_BIND_HOST,
  TASK_MANAGER_HOST,
} from '../config/index.js';
import { CONF_DIR_KEY, resolveClusterSecret } from '../runtime/entrypoint/cluster-secret.js';
import { HOST_KEYS_KEY } from './agent/agent-protocol.js';
import type { HostSpec } from './host-spec.js';

/** The id of a cluster whose `high-availability.cluster-id` is not set. */
export const DEFAULT_CLUSTER_ID = 'default';

/**
 * The cluster's id as a directory name: `high-availability.cluster-id` (Flink's key naming a
 * cluster; `/default` unless set) without slashes at its ends, other unsafe characters as `_`.
 */
export function clusterIdOf(configuration: Configuration): string {
  return dirName(configuration.get(HA_CLUSTER_ID));
}

/** A name (a cluster id, a pool's name) as a directory name: no slashes at its ends, other unsafe characters as `_`. */
export function dirName(name: string): string {
  const id = name.replace(/^\/+|\/+$/g, '').replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  return id === '' ? DEFAULT_CLUSTER_ID : id;
}

/** The name of a host's directory below the cluster's (an IPv6 address's colons become `_`). */
export function hostDirName(host: HostSpec): string {
  return host.host.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
}

/** Where the JobManager runs: the first line of conf/masters. */
export interface MasterAddress {
  readonly host: string;
  /** `:webuiport` of conf/masters: the JobManager's `rest.port`. */
  readonly webUiPort?: number | undefined;
}

/**
 * The launcher's configuration made into the cluster's:
 * - `jobmanager.rpc.address` is the master (as Flink's start-cluster passes it with `--host`), so
 *   TaskManagers on every host find the JobManager; `rest.port` is the master's `:webuiport`;
 * - `rest.address`, `jobmanager.bind-host` and `rest.bind-address` default to the master's
 *   address: flink-ts binds to loopback unless told otherwise, which other hosts cannot reach;
 * - `security.cluster-secret` is resolved here, once (generated into the launcher's conf dir when
 *   unset), and written into every host's file, so that all processes agree on it;
 * - `high-availability.cluster-id` is written explicitly: the processes learn which cluster they
 *   belong to (an active ResourceManager uses it to start TaskManagers into the same directories).
 *
 * `confDir` is the launcher's conf dir, where a generated secret is kept.
 */
export function clusterConfiguration(configuration: Configuration, master: MasterAddress, confDir: string): Configuration {
  const secret = resolveClusterSecret(configuration.withOverrides({ [CONF_DIR_KEY]: confDir }, 'launcher'));
  const overrides: Record<string, unknown> = {
    [JOB_MANAGER_RPC_ADDRESS.key]: master.host,
    [CLUSTER_SECRET.key]: secret,
    [HA_CLUSTER_ID.key]: configuration.get(HA_CLUSTER_ID),
  };
  if (master.webUiPort !== undefined) overrides[REST_PORT.key] = master.webUiPort;
  for (const option of [REST_ADDRESS, JOB_MANAGER_BIND_HOST, REST_BIND_ADDRESS]) {
    if (!configuration.has(option.key)) overrides[option.key] = master.host;
  }
  return configuration.withOverrides(overrides, 'conf/masters');
}

/**
 * The `config.yaml` entries for the hosts: every explicitly set key, without process-internal
 * ones and without the directories an earlier launch set for one host ({@link HOST_KEYS_KEY}).
 */
export function clusterConfigurationMap(configuration: Configuration): Record<string, string> {
  const map = configuration.toMap();
  // A configuration read back from a host's file carries that host's directories; they are not
  // the cluster's.
  const hostKeys = configuration.getRaw(HOST_KEYS_KEY);
  if (typeof hostKeys === 'string') for (const key of hostKeys.split(',')) delete map[key.trim()];
  // `$internal.` keys describe one process (its conf dir, its launch); each process sets its own.
  for (const key of Object.keys(map)) if (key.startsWith(INTERNAL_PREFIX)) delete map[key];
  return map;
}

/**
 * The `-D`s that place a TaskManager on its host: it advertises the host's address as the hosts
 * file names it, and binds to it, unless `taskmanager.host` / `taskmanager.bind-host` are set in
 * the configuration (then the user's values apply on every host).
 */
export function taskManagerHostProperties(configuration: Configuration, host: HostSpec): string[] {
  const properties: string[] = [];
  if (!configuration.has(TASK_MANAGER_HOST.key)) properties.push(`${TASK_MANAGER_HOST.key}=${host.host}`);
  if (!configuration.has(TASK_MANAGER_BIND_HOST.key)) properties.push(`${TASK_MANAGER_BIND_HOST.key}=${host.host}`);
  return properties;
}

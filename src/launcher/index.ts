/**
 * The launcher: runs flink-ts processes on the hosts of a cluster, over SSH (ssh2) or as local
 * processes (execa), with the launcher's configuration.
 *
 * - `start-cluster` / `stop-cluster` and `start --host`: {@link startCluster}, {@link stopCluster},
 *   {@link startOnHost}.
 * - TaskManagers on demand (an active ResourceManager): {@link RemoteDaemons}.
 * - Pool agents on hosts (`pool hosts add|remove`): {@link addPoolHost}, {@link removePoolHost}.
 *
 * ```ts
 * import { RemoteDaemons, readWorkers, groupWorkers } from '../launcher/index.js';
 * const daemons = RemoteDaemons.create(configuration);          // the cluster's configuration
 * const [worker] = groupWorkers(readWorkers(confDir));
 * const tm = await daemons.startTaskManager(worker.spec, { resourceId, dynamicProperties });
 * if (!(await daemons.isAlive(tm.host, 'taskmanager', tm.pid))) … // died: tail(tm.host, [tm.logFile])
 * await daemons.stopTaskManager(tm.host, tm.pid);
 * await daemons.close();
 * ```
 *
 * @module
 */
export type { HostSpec } from './host-spec.js';
export { formatHostSpec, hostKey, isLocalHost } from './host-spec.js';
export type { MasterEntry, WorkerEntry, WorkerHost } from './hosts-file.js';
export { HostsFileError, MASTERS_FILE, WORKERS_FILE, groupWorkers, parseMasters, parseWorkers, readMasters, readWorkers } from './hosts-file.js';
export type { ExecOptions, ExecResult, RemoteExecutor, UploadOptions } from './executor/remote-executor.js';
export { SshExecutor } from './executor/ssh-executor.js';
export type { NoticeSink } from './executor/ssh-executor.js';
export { LocalExecutor } from './executor/local-executor.js';
export { HostExecutors } from './executor/host-executors.js';
export type { HostExecutorsOptions } from './executor/host-executors.js';
export {
  ClusterRunningError,
  RemoteExitError,
  RemoteInstallError,
  RemoteNodeError,
  RemoteTimeoutError,
  SshAuthError,
  SshChannelError,
  SshConnectError,
  SshHostKeyError,
  shortReason,
} from './launcher-errors.js';
export type { LauncherSettings, SshSettings } from './launcher-options.js';
export { resolveLauncherSettings } from './launcher-options.js';
export type { MasterAddress } from './remote-configuration.js';
export { DEFAULT_CLUSTER_ID, clusterConfiguration, clusterConfigurationMap, clusterIdOf, taskManagerHostProperties } from './remote-configuration.js';
export type {
  DaemonRole,
  DaemonStartResult,
  DaemonStopResult,
  HostStopReport,
  ProcessRequest,
  RemoteDaemonsOptions,
  StartedDaemon,
  TaskManagerLaunch,
} from './remote-daemons.js';
export { DAEMON_OF_ROLE, LAUNCHED_AGENT_WORK_DIR, RemoteDaemons, failureDetails } from './remote-daemons.js';
export type { AddPoolHostOptions, PoolHostCommandOptions } from './pool-hosts.js';
export { addPoolHost, removePoolHost } from './pool-hosts.js';
export type { ClusterCommandOptions, LauncherOutput, StartOnHostOptions } from './standalone-cluster.js';
export { DEFAULT_REGISTRATION_TIMEOUT_MS, startCluster, startOnHost, stopCluster } from './standalone-cluster.js';

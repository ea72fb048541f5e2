/**
 * The configuration a container's process runs with: its validated launch spec's, with what the
 * agent decides for every container over it, whatever the spec says:
 *
 * - pid, log and tmp directories inside the container's directory;
 * - the host's address as bind and advertised address (the pool placed the container on this host);
 * - free ports (0) for everything a process listens on: several clusters share a host, and the
 *   pool, not the spec, knows where the JobManager runs (it registers its real REST address);
 * - for a JobManager: the pool's ResourceManager driver, its application, the application's
 *   artifact (application mode);
 * - the container id, which also marks the process (see leftover-containers.ts), and is a
 *   TaskManager's resource id.
 */
import {
  BLOB_SERVER_PORT,
  DATA_PORT,
  JOB_MANAGER_BIND_HOST,
  JOB_MANAGER_RPC_ADDRESS,
  JOB_MANAGER_RPC_BIND_PORT,
  JOB_MANAGER_RPC_PORT,
  LOG_DIR,
  PID_DIR,
  POOL_APPLICATION_ID,
  REST_ADDRESS,
  REST_BIND_ADDRESS,
  REST_BIND_PORT,
  REST_PORT,
  TASK_MANAGER_BIND_HOST,
  TASK_MANAGER_HOST,
  TASK_MANAGER_RESOURCE_ID,
  TASK_MANAGER_RPC_BIND_PORT,
  TASK_MANAGER_RPC_PORT,
  TMP_DIRS,
} from '../../config/index.js';
import { APPLICATION_ARTIFACT_KEY } from '../application-cluster-component.js';
import type { ContainerPaths } from './container-directory.js';
import { CONTAINER_ID_KEY, POOL_DRIVER, RESOURCE_MANAGER_DRIVER_KEY } from './container-keys.js';
import type { ValidatedLaunchSpec } from './launch-spec-validation.js';

/** Bind ports would pin every container of a kind to one port of the host; the agent drops them. */
const DROPPED_KEYS = [REST_BIND_PORT.key, JOB_MANAGER_RPC_BIND_PORT.key, TASK_MANAGER_RPC_BIND_PORT.key];

export function containerConfiguration(spec: ValidatedLaunchSpec, paths: ContainerPaths, hostAddress: string, withArtifact: boolean): Record<string, string> {
  const configuration: Record<string, string> = { ...spec.configuration };
  for (const key of DROPPED_KEYS) delete configuration[key];
  const overrides: Record<string, string> = {
    [PID_DIR.key]: paths.dir,
    [LOG_DIR.key]: paths.log,
    [TMP_DIRS.key]: paths.tmp,
    [CONTAINER_ID_KEY]: spec.containerId,
    [POOL_APPLICATION_ID.key]: spec.applicationId,
  };
  if (spec.kind === 'jobmanager') {
    Object.assign(overrides, {
      [JOB_MANAGER_RPC_ADDRESS.key]: hostAddress,
      [JOB_MANAGER_BIND_HOST.key]: hostAddress,
      [REST_ADDRESS.key]: hostAddress,
      [REST_BIND_ADDRESS.key]: hostAddress,
      [REST_PORT.key]: '0',
      [JOB_MANAGER_RPC_PORT.key]: '0',
      [BLOB_SERVER_PORT.key]: '0',
      [RESOURCE_MANAGER_DRIVER_KEY]: POOL_DRIVER,
    });
    if (withArtifact) overrides[APPLICATION_ARTIFACT_KEY] = paths.artifact;
  } else {
    Object.assign(overrides, {
      // The pool driver knows its TaskManagers by their container ids: they register with them.
      [TASK_MANAGER_RESOURCE_ID.key]: spec.containerId,
      [TASK_MANAGER_HOST.key]: hostAddress,
      [TASK_MANAGER_BIND_HOST.key]: hostAddress,
      [TASK_MANAGER_RPC_PORT.key]: '0',
      [DATA_PORT.key]: '0',
    });
  }
  // A spec's artifact path never survives: either the agent's file, or none.
  if (!withArtifact || spec.kind !== 'jobmanager') delete configuration[APPLICATION_ARTIFACT_KEY];
  return { ...configuration, ...overrides };
}

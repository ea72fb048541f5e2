/**
 * `flink-ts pool-session` (alias `yarn-session`): a session cluster from the resource pool, as
 * yarn-session.sh starts one on YARN. The JobManager runs in a container of the pool; its
 * ResourceManager asks the pool for TaskManager containers when jobs need slots. The foreground
 * loop, contexts and signals are the session client's (../deployment/session-client.ts).
 *
 * Attached, the client holds a lease on the application: when the client dies, the lease expires
 * and the pool kills the session. Detached (`-d`), the JobManager alone keeps it.
 */
import type { Configuration } from '../../config/index.js';
import type { ClusterContext } from '../contexts.js';
import type { SessionCluster, SessionCommandOptions, SessionTarget } from '../deployment/session-client.js';
import { NUM_TASK_SLOTS, POOL_APPLICATION_ID, TASK_MANAGER_TIMEOUT, formatDuration } from '../../config/index.js';
import { runSessionClient } from '../deployment/session-client.js';
import { sessionConfiguration } from '../ssh/ssh-session.js';
import { PoolCluster, poolShutdownLines } from './pool-cluster.js';

export interface PoolSessionOptions extends SessionCommandOptions {
  /** `-qu`: the pool queue. */
  readonly queue?: string | undefined;
}

export function runPoolSession(options: PoolSessionOptions): Promise<number> {
  const extra: Record<string, string> = {};
  if (options.queue !== undefined) extra['pool.application.queue'] = options.queue;
  if (options.name !== undefined) extra['pool.application.name'] = options.name;
  const configuration = (): Configuration => sessionConfiguration({ ...options, extra });
  return runSessionClient(poolSessionTarget(), { ...options, configuration });
}

function poolSessionTarget(): SessionTarget {
  return {
    name: 'pool-session',
    contextPrefix: 'pool',
    deploy: async (configuration, log, interrupted) => {
      const cluster = await PoolCluster.deploy(configuration, { type: 'session', defaultName: 'Flink session cluster', log, interrupted });
      return poolSession(cluster, configuration, true);
    },
    attach: async (context, configuration) => {
      // The context's pool settings win: it names the pool the session was started in.
      const withContext = configuration.withOverrides({ ...context.properties }, `context '${context.name}'`);
      return poolSession(await PoolCluster.attach(withContext, context.clusterId ?? ''), withContext, false);
    },
    findUnrecorded: async (id, configuration) => {
      // yarn-session.sh -id needs no local file: an application id of the pool is enough.
      if (!/^application_\d+_\d+$/.test(id)) return undefined;
      const cluster = await PoolCluster.attach(configuration.withOverrides({ [POOL_APPLICATION_ID.key]: id }, '-id'), id);
      await cluster.close();
      const context: ClusterContext = {
        name: `pool-${id}`,
        target: 'pool-session',
        restAddress: cluster.restAddress,
        clusterId: id,
        createdAt: Date.now(),
        properties: cluster.contextProperties(configuration),
      };
      return context;
    },
    detachedLines: (cluster) => ['The session runs detached. Stop it with:', `  echo stop | flink-ts pool-session -id ${cluster.clusterId}`, `or: flink-ts pool kill ${cluster.clusterId}`],
    unknownSessionMessage: (id) => `No context records a pool session '${id}', and it is no application id (see \`flink-ts context list\` and \`flink-ts pool apps\`).`,
  };
}

function poolSession(cluster: PoolCluster, configuration: Configuration, started: boolean): SessionCluster {
  return {
    clusterId: cluster.applicationId,
    restAddress: cluster.restAddress,
    contextProperties: cluster.contextProperties(configuration),
    startedLines: started
      ? [
          `Session cluster '${cluster.applicationId}' (${cluster.name}) is running in ${cluster.describePool()}, queue '${cluster.queue}': ` +
            `TaskManagers with ${configuration.get(NUM_TASK_SLOTS)} slot(s) each start on demand and stop after ${formatDuration(configuration.get(TASK_MANAGER_TIMEOUT))} idle.`,
        ]
      : [],
    detach: () => cluster.detach(),
    isGone: () => cluster.isGone(),
    shutDown: async () => poolShutdownLines(await cluster.shutDown('FINISHED', 'Stopped by its client.'), 'session cluster'),
  };
}

/**
 * A pool application as the per-job and application clients follow it ({@link DeployedCluster}):
 * the JobManager's liveness and log come from the pool and the agent of its host; taking it down
 * ends the application with the state its jobs ended in, and waits until the agents report the
 * containers' processes gone.
 */
import type { DeployedCluster, ShutdownReport } from '../deployment/deployed-cluster.js';
import type { PoolCluster } from './pool-cluster.js';
import { FINAL_APPLICATION_STATES } from '../../resourcemanager/pool/pool-model.js';
import { RestClusterClient } from '../rest-cluster-client.js';
import { poolShutdownLines } from './pool-cluster.js';

export function poolDeployedCluster(cluster: PoolCluster, what: string): DeployedCluster {
  let toldNoRoom = false;
  let stopping: Promise<ShutdownReport> | undefined;
  return {
    clusterId: cluster.applicationId,
    restAddress: cluster.restAddress,
    async jobManagerAlive() {
      const application = await cluster.refresh();
      if (application === undefined || FINAL_APPLICATION_STATES.has(application.state)) return false;
      // Ended (or not yet reported ended) in the pool: the agent reports the exit code when the process is gone.
      const jobManager = await cluster.jobManagerContainer();
      return jobManager !== undefined && jobManager.exitCode === undefined && jobManager.state !== 'LOST';
    },
    async jobManagerLog(lines) {
      try {
        const jobManager = await cluster.jobManagerContainer();
        if (jobManager === undefined) return [];
        const agent = (await cluster.pool.status()).hosts.find((h) => h.id === jobManager.hostId)?.agentRestAddress;
        if (agent === undefined || agent === '') return [];
        const response = await fetch(`${agent}/containers/${jobManager.id}/logs/jobmanager.log?tail=${lines}`, { signal: AbortSignal.timeout(5_000) });
        if (!response.ok) return [];
        return (await response.text()).split('\n').filter((line) => line !== '');
      } catch {
        return [];
      }
    },
    jobManagerFiles: () => [`flink-ts logs ${cluster.applicationId}`],
    async taskManagerStartFailures() {
      if (toldNoRoom) return [];
      const { queues } = await cluster.pool.status();
      const queue = queues.find((q) => q.name === cluster.queue);
      if (queue === undefined || queue.pendingRequests === 0) return [];
      toldNoRoom = true;
      return [`the pool has no room for its TaskManager containers yet (${queue.pendingRequests} request(s) pending in queue '${queue.name}'; see flink-ts pool status).`];
    },
    shutDown() {
      stopping ??= (async () => {
        const report = await cluster.shutDown(await finalState(cluster), 'Its job(s) ended; released by the client.');
        const lines = poolShutdownLines(report, what);
        return { clusterId: cluster.applicationId, ok: report.ok, lines: [...lines.out, ...lines.err] };
      })();
      return stopping;
    },
    detach: () => cluster.detach(),
  };
}

/**
 * How the application ended, from its jobs (an application cluster's JobManager deregisters
 * itself with that; a per-job cluster is ended by its client): FINISHED when every job finished,
 * FAILED when one failed, KILLED otherwise (canceled, or the JobManager no longer answers).
 */
async function finalState(cluster: PoolCluster): Promise<'FINISHED' | 'FAILED' | 'KILLED'> {
  try {
    const jobs = await new RestClusterClient(cluster.restAddress, { timeoutMs: 3_000, retries: 0 }).listJobs();
    if (jobs.some((j) => j.state === 'FAILED')) return 'FAILED';
    if (jobs.length > 0 && jobs.every((j) => j.state === 'FINISHED')) return 'FINISHED';
  } catch {
    // Gone or silent: killed is all that can be said.
  }
  return 'KILLED';
}

/**
 * A cluster a client deployed for its run, whatever the target deployed it on (SSH hosts, the
 * Redis pool): what the target-independent per-job and application logic needs to follow it and
 * take it down. A target supplies an adapter implementing {@link DeployedCluster}; see
 * `../ssh/ssh-per-job-executor.ts` and `../ssh/ssh-application.ts` for the ssh ones.
 */
import { RestClusterClient } from '../rest-cluster-client.js';

/** How taking a cluster down went, with the lines that tell the user. */
export interface ShutdownReport {
  readonly clusterId: string;
  /** True when everything of the cluster is gone (processes, files, leases); logs may stay. */
  readonly ok: boolean;
  /**
   * What to print (on stderr), in order: where the logs are kept; or, when not `ok`, what is left
   * and the command that removes it.
   */
  readonly lines: readonly string[];
}

/** A running cluster of this client: where its JobManager is, what it says, and how it ends. */
export interface DeployedCluster {
  readonly clusterId: string;
  /** `http://host:port` of the JobManager's REST endpoint. */
  readonly restAddress: string;
  /**
   * Whether the JobManager process still runs (not whether it answers: it closes its REST endpoint
   * before it ends). @throws when the target cannot be asked; callers then treat it as gone.
   */
  jobManagerAlive(): Promise<boolean>;
  /** The last `lines` lines of the JobManager's log; [] when unknown or unreadable. Never rejects. */
  jobManagerLog(lines: number): Promise<readonly string[]>;
  /** Where the JobManager's `.log` and `.out` files are, for the user (e.g. `host:path`). */
  jobManagerFiles(): readonly string[];
  /**
   * Optional: why the JobManager could not start TaskManagers, as reasons not told before (each
   * once). Asked only while the cluster has no TaskManager; [] once the cluster is stopping.
   */
  taskManagerStartFailures?(): Promise<readonly string[]>;
  /**
   * Takes the cluster down and releases everything it holds. Idempotent: later calls get the
   * first call's report. Never rejects: a failure is a report that is not `ok`.
   */
  shutDown(): Promise<ShutdownReport>;
  /** Lets go of the cluster (connections), leaving it running: a detached run. */
  detach(): Promise<void>;
}

/** How often {@link watchTaskManagerStarts} looks, and how long a cluster may run without TaskManagers before it does. */
const START_WATCH_INTERVAL_MS = 5_000;

/**
 * While a client waits for its job: when the cluster still has no TaskManager after a few
 * seconds, says why the JobManager could not start one (no key the workers accept, no capacity
 * in the pool, …), as the cluster tells. Returns the function that stops watching. A cluster
 * without {@link DeployedCluster.taskManagerStartFailures} is not watched.
 */
export function watchTaskManagerStarts(cluster: DeployedCluster, warn: (line: string) => void): () => void {
  if (cluster.taskManagerStartFailures === undefined) return () => undefined;
  const rest = new RestClusterClient(cluster.restAddress, { timeoutMs: 10_000, retries: 0 });
  let checking = false;
  const timer = setInterval(() => {
    if (checking) return;
    checking = true;
    void (async () => {
      try {
        const overview = await rest.getOverview();
        if (overview.taskmanagers > 0) return;
        for (const failure of (await cluster.taskManagerStartFailures?.()) ?? []) {
          warn(`Warning: the JobManager of '${cluster.clusterId}' could not start a TaskManager: ${failure}`);
        }
      } catch {
        // The cluster is ending or unreachable: whoever waits for it reports that.
      } finally {
        checking = false;
      }
    })();
  }, START_WATCH_INTERVAL_MS);
  // Never what keeps a client alive.
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Per-job mode, whatever the target deploys on: every `execute()` of the program gets a cluster
 * of its own, which is taken down when the job has ended (finished, failed or canceled) and the
 * client has fetched what it needs from it. Flink's per-job mode, attached: the client deploys
 * the cluster, submits the job over REST as the remote target does, and owns the cluster's end,
 * so a client that is interrupted or fails still removes it ({@link PerJobExecutor.close}).
 *
 * A target plugs in with a function that deploys one cluster and resolves with its
 * {@link DeployedCluster} (`ssh-per-job`: `../ssh/ssh-per-job-executor.ts`).
 */
import type { JobClient, JobStatus } from '../../api/environment/job-client.js';
import type { JobExecutionResult } from '../../api/environment/job-execution-result.js';
import { JobExecutionException } from '../../api/environment/job-execution-result.js';
import type { StreamGraph } from '../../api/graph/stream-graph.js';
import type { Configuration } from '../../config/index.js';
import type { ProgramInfo } from '../../runtime/jobgraph/program-info.js';
import type { ClientOutput } from '../cli-output.js';
import type { JobStatusHistory, StatusHistorySource } from '../job-states.js';
import type { PipelineExecutor, PipelineExecutorOptions } from '../pipeline-executor.js';
import type { CompletedJobResult } from '../rest-cluster-client.js';
import type { DeployedCluster, ShutdownReport } from './deployed-cluster.js';
import { CLIENT_TIMEOUT, REST_RETRY_DELAY, REST_RETRY_MAX_ATTEMPTS } from '../../config/index.js';
import { FlinkTsError } from '../../core/errors.js';
import { RemoteExecutor, RemoteJobClient, toJobExecutionResult } from '../remote-executor.js';
import { RestClusterClient } from '../rest-cluster-client.js';
import { watchTaskManagerStarts } from './deployed-cluster.js';

/**
 * Deploys the cluster of one job. `log` takes progress lines for the user (stderr). A deployment
 * that fails cleans up what it started and rejects with an error saying why.
 */
/** Deploys a cluster; `interrupted` says when the client gave up meanwhile (a deployment may wait for room). */
export type PerJobDeploy = (log: (line: string) => void, interrupted: () => boolean) => Promise<DeployedCluster>;

/**
 * The job's result is polled more often than for a session (100 ms growing to 1 s there): the
 * cluster's end waits for it, and a per-job run is usually a short job someone waits for.
 */
const RESULT_POLL = { initialDelayMs: 50, maxDelayMs: 100 } as const;
/**
 * How long a canceled job may take to be CANCELED before its cluster is taken down anyway: a
 * cancellation the cluster never completes must not keep the client, and the cluster, forever.
 */
const CANCEL_TIMEOUT_MS = 30_000;

export class PerJobExecutor implements PipelineExecutor {
  private readonly clusters = new Set<DeployedCluster>();
  /** Deployments under way: close() waits for them, so that it can take their clusters down too. */
  private readonly deployments = new Set<Promise<DeployedCluster>>();
  private readonly teardowns: Promise<ShutdownReport>[] = [];
  private readonly deployedIds: string[] = [];
  private closed = false;
  /** The user interrupted: a deployment waiting (for room) gives up. */
  private interrupted = false;
  private readonly configuration: Configuration;
  private readonly output: ClientOutput;

  constructor(
    options: PipelineExecutorOptions,
    private readonly deployCluster: PerJobDeploy,
  ) {
    this.configuration = options.configuration;
    // Cluster progress goes to stderr: stdout stays the program's and Flink's job lines.
    this.output = options.output ?? { out: (line) => process.stderr.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) };
  }

  /** The ids of the clusters deployed so far, in order (for `run --json`). */
  get clusterIds(): readonly string[] {
    return this.deployedIds;
  }

  async execute(graph: StreamGraph, program: ProgramInfo): Promise<JobClient> {
    const note = (line: string): void => this.output.err(line);
    if (this.closed) throw new FlinkTsError('ERR_ILLEGAL_STATE', 'The client is shutting down; no further per-job cluster is deployed.');
    const deployment = this.deployCluster(note, () => this.closed || this.interrupted);
    this.deployments.add(deployment);
    let cluster: DeployedCluster;
    try {
      cluster = await deployment;
    } finally {
      this.deployments.delete(deployment);
    }
    this.clusters.add(cluster);
    this.deployedIds.push(cluster.clusterId);
    if (this.closed) {
      // close() ran while this cluster was being deployed (a second Ctrl-C): it is not used.
      await this.tearDown(cluster);
      throw new FlinkTsError('ERR_ILLEGAL_STATE', 'The client is shutting down; the per-job cluster was taken down again.');
    }
    note(`Per-job cluster '${cluster.clusterId}' is up, TaskManagers start on demand. JobManager Web Interface: ${cluster.restAddress}`);
    try {
      const rest = new RestClusterClient(cluster.restAddress, {
        timeoutMs: this.configuration.get(CLIENT_TIMEOUT),
        retries: this.configuration.get(REST_RETRY_MAX_ATTEMPTS),
        retryDelayMs: this.configuration.get(REST_RETRY_DELAY),
      });
      const submitted = await new RemoteExecutor({ configuration: this.configuration, client: rest }).execute(graph, program);
      const stopWatching = watchTaskManagerStarts(cluster, note);
      return new PerJobClient(rest, cluster.restAddress, submitted.jobId, note, () => {
        stopWatching();
        return this.tearDown(cluster);
      });
    } catch (error) {
      // Not submitted: nothing will ever end the cluster but this.
      await this.tearDown(cluster);
      throw error;
    }
  }

  /**
   * Takes down every cluster still up (the program failed, the client was interrupted, a job is
   * still running) and waits for all teardowns. Rejects when something is left behind.
   */
  interrupt(): void {
    this.interrupted = true;
  }

  async close(): Promise<void> {
    this.closed = true;
    // A deployment that fails cleans up after itself; one that succeeds is taken down here.
    const deployed = await Promise.allSettled([...this.deployments]);
    for (const result of deployed) if (result.status === 'fulfilled') this.clusters.add(result.value);
    for (const cluster of this.clusters) void this.tearDown(cluster);
    const reports = await Promise.all(this.teardowns);
    const failed = reports.filter((r) => !r.ok);
    if (failed.length > 0) {
      throw new Error(`${failed.length} per-job cluster(s) were not removed everywhere: ${failed.map((r) => r.clusterId).join(', ')}.`);
    }
  }

  // Idempotent per cluster: the job's end and close() may both ask.
  private tearDown(cluster: DeployedCluster): Promise<ShutdownReport> {
    if (!this.clusters.delete(cluster)) return cluster.shutDown();
    const teardown = cluster.shutDown().then((report) => {
      for (const line of report.lines) this.output.err(line);
      return report;
    });
    this.teardowns.push(teardown);
    return teardown;
  }
}

/**
 * A job on its own cluster. The cluster ends once the job has ended and no collect request of
 * the program is in flight: `executeAndCollect` asks for the job's result and its records at
 * the same time, and the records' last batch is fetched after the job ended.
 */
class PerJobClient implements JobClient, StatusHistorySource {
  private readonly remote: RemoteJobClient;
  /** For state looks: no retries, so that a look at a cluster being taken down fails at once. */
  private readonly statusRest: RestClusterClient;
  private readonly result: Promise<JobExecutionResult>;
  private collecting = 0;
  private ended = false;
  /** Wakes collect loops waiting between polls: the job's end means their last batch is ready. */
  private readonly wakers = new Set<() => void>();
  private abandon: (error: Error) => void = () => undefined;
  private cancelTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly rest: RestClusterClient,
    restAddress: string,
    readonly jobId: string,
    private readonly note: (line: string) => void,
    private readonly tearDown: () => Promise<ShutdownReport>,
  ) {
    this.remote = new RemoteJobClient(rest, jobId);
    this.statusRest = new RestClusterClient(restAddress, { timeoutMs: 5_000, retries: 0 });
    const abandoned = new Promise<never>((_, reject) => (this.abandon = reject));
    // Asked for at once: the cluster must end when the job ends, even if nobody waits for it.
    const completed = Promise.race([rest.waitForJobResult(jobId, RESULT_POLL), abandoned]).finally(() => {
      // Also when the cluster did not answer (gone, unreachable) or was given up: it is of no use anymore.
      this.ended = true;
      clearTimeout(this.cancelTimer);
      for (const wake of this.wakers) wake();
      this.maybeTearDown();
    });
    this.result = completed.then((result: CompletedJobResult) => toJobExecutionResult(result));
    // Observed by whoever asks; a rejection before that must not count as unhandled.
    this.result.catch(() => undefined);
  }

  getJobStatus(): Promise<JobStatus> {
    return this.remote.getJobStatus();
  }

  getJobStatusHistory(): Promise<JobStatusHistory> {
    if (this.ended) return Promise.reject(new FlinkTsError('ERR_ILLEGAL_STATE', `Job ${this.jobId} has ended; its cluster is being taken down.`));
    return this.statusRest.getJobStatusHistory(this.jobId);
  }

  async cancel(): Promise<void> {
    // A job that already ended has nothing to cancel, and its cluster may be gone already.
    if (this.ended) return;
    await this.remote.cancel();
    this.cancelTimer ??= setTimeout(() => {
      this.note(`Job ${this.jobId} was not CANCELED within ${CANCEL_TIMEOUT_MS / 1000} s of its cancellation; taking its cluster down anyway.`);
      this.abandon(new JobExecutionException(this.jobId, 'CANCELED', `Job was cancelled, but did not confirm it within ${CANCEL_TIMEOUT_MS / 1000} s; its cluster was taken down.`));
    }, CANCEL_TIMEOUT_MS);
  }

  getJobExecutionResult(): Promise<JobExecutionResult> {
    return this.result;
  }

  /**
   * Polls the collect sink as the remote target does, but at the pace of {@link RESULT_POLL},
   * and at once when the job ends: the cluster is taken down right after the last batch.
   */
  async getCollectedResults(operatorId: string, limit?: number): Promise<unknown[]> {
    this.collecting++;
    try {
      const values: unknown[] = [];
      let delay: number = RESULT_POLL.initialDelayMs;
      for (;;) {
        const answer = await this.rest.collectResults(this.jobId, operatorId, { offset: values.length, ...(limit === undefined ? {} : { limit }) });
        values.push(...answer.values);
        if (answer.jobEnded || (limit !== undefined && values.length >= limit)) return values;
        if (answer.values.length > 0) {
          delay = RESULT_POLL.initialDelayMs;
          continue;
        }
        await this.sleepUnlessEnded(delay);
        delay = Math.min(RESULT_POLL.maxDelayMs, delay * 2);
      }
    } finally {
      this.collecting--;
      this.maybeTearDown();
    }
  }

  private sleepUnlessEnded(ms: number): Promise<void> {
    if (this.ended) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }

  private maybeTearDown(): void {
    if (this.ended && this.collecting === 0) void this.tearDown();
  }
}

/**
 * The `ssh-per-job` target: every `execute()` of the program gets a cluster of its own on the
 * hosts of conf/masters and conf/workers, which is taken down when the job has ended (finished,
 * failed or canceled) and the client has fetched what it needs from it. Flink's per-job mode,
 * attached: the client deploys the cluster, submits the job over REST as the remote target does,
 * and owns the cluster's end, so a client that is interrupted or fails still removes it
 * ({@link SshPerJobExecutor.close}).
 */
import type { JobClient, JobStatus } from '../../api/environment/job-client.js';
import type { JobExecutionResult } from '../../api/environment/job-execution-result.js';
import type { StreamGraph } from '../../api/graph/stream-graph.js';
import type { Configuration } from '../../config/index.js';
import type { ProgramInfo } from '../../runtime/jobgraph/program-info.js';
import type { ClientOutput } from '../cli-output.js';
import type { PipelineExecutor, PipelineExecutorOptions } from '../pipeline-executor.js';
import type { CompletedJobResult } from '../rest-cluster-client.js';
import type { SshCluster, SshShutdownReport } from './ssh-cluster-descriptor.js';
import { CLIENT_TIMEOUT, REST_RETRY_DELAY, REST_RETRY_MAX_ATTEMPTS } from '../../config/index.js';
import { RemoteExecutor, RemoteJobClient, toJobExecutionResult } from '../remote-executor.js';
import { RestClusterClient } from '../rest-cluster-client.js';
import { deployPerJobCluster, shutdownLines } from './ssh-cluster-descriptor.js';

/**
 * The job's result is polled more often than for a session (100 ms growing to 1 s there): the
 * cluster's end waits for it, and a per-job run is usually a short job someone waits for.
 */
const RESULT_POLL = { initialDelayMs: 50, maxDelayMs: 250 } as const;

export class SshPerJobExecutor implements PipelineExecutor {
  private readonly clusters = new Set<SshCluster>();
  private readonly teardowns: Promise<SshShutdownReport>[] = [];
  private readonly configuration: Configuration;
  private readonly env: NodeJS.ProcessEnv;
  private readonly output: ClientOutput;

  constructor(options: PipelineExecutorOptions) {
    this.configuration = options.configuration;
    this.env = options.env ?? process.env;
    // Cluster progress goes to stderr: stdout stays the program's and Flink's job lines.
    this.output = options.output ?? { out: (line) => process.stderr.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) };
  }

  async execute(graph: StreamGraph, program: ProgramInfo): Promise<JobClient> {
    const note = (line: string): void => this.output.err(line);
    const cluster = await deployPerJobCluster(this.configuration, { env: this.env, log: note });
    this.clusters.add(cluster);
    note(`Per-job cluster '${cluster.clusterId}' is up, TaskManagers start on demand. JobManager Web Interface: ${cluster.restAddress}`);
    try {
      const rest = new RestClusterClient(cluster.restAddress, {
        timeoutMs: this.configuration.get(CLIENT_TIMEOUT),
        retries: this.configuration.get(REST_RETRY_MAX_ATTEMPTS),
        retryDelayMs: this.configuration.get(REST_RETRY_DELAY),
      });
      const submitted = await new RemoteExecutor({ configuration: this.configuration, client: rest }).execute(graph, program);
      return new PerJobClient(rest, submitted.jobId, () => this.tearDown(cluster));
    } catch (error) {
      // Not submitted: nothing will ever end the cluster but this.
      await this.tearDown(cluster);
      throw error;
    }
  }

  /**
   * Takes down every cluster still up (the program failed, the client was interrupted, a job is
   * still running) and waits for all teardowns. Rejects when something is left on a host.
   */
  async close(): Promise<void> {
    for (const cluster of this.clusters) void this.tearDown(cluster);
    const reports = await Promise.all(this.teardowns);
    const failed = reports.filter((r) => !r.ok);
    if (failed.length > 0) {
      throw new Error(`${failed.length} per-job cluster(s) were not removed everywhere: ${failed.map((r) => r.clusterId).join(', ')}.`);
    }
  }

  private tearDown(cluster: SshCluster): Promise<SshShutdownReport> {
    if (!this.clusters.delete(cluster)) return cluster.shutDown();
    const teardown = cluster.shutDown().then((report) => {
      const lines = shutdownLines(report, 'per-job cluster');
      for (const line of [...lines.out, ...lines.err]) this.output.err(line);
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
class PerJobClient implements JobClient {
  private readonly remote: RemoteJobClient;
  private readonly result: Promise<JobExecutionResult>;
  private collecting = 0;
  private ended = false;

  constructor(
    rest: RestClusterClient,
    readonly jobId: string,
    private readonly tearDown: () => Promise<SshShutdownReport>,
  ) {
    this.remote = new RemoteJobClient(rest, jobId);
    // Asked for at once: the cluster must end when the job ends, even if nobody waits for it.
    const completed = rest.waitForJobResult(jobId, RESULT_POLL).then(
      (result) => {
        this.ended = true;
        this.maybeTearDown();
        return result;
      },
      (error: unknown) => {
        // The cluster did not answer (gone, unreachable): it is of no use anymore either.
        this.ended = true;
        this.maybeTearDown();
        throw error;
      },
    );
    this.result = completed.then((result: CompletedJobResult) => toJobExecutionResult(result));
    // Observed by whoever asks; a rejection before that must not count as unhandled.
    this.result.catch(() => undefined);
  }

  getJobStatus(): Promise<JobStatus> {
    return this.remote.getJobStatus();
  }

  cancel(): Promise<void> {
    // A job that already ended has nothing to cancel, and its cluster may be gone already.
    if (this.ended) return Promise.resolve();
    return this.remote.cancel();
  }

  getJobExecutionResult(): Promise<JobExecutionResult> {
    return this.result;
  }

  async getCollectedResults(operatorId: string, limit?: number): Promise<unknown[]> {
    this.collecting++;
    try {
      return await this.remote.getCollectedResults(operatorId, limit);
    } finally {
      this.collecting--;
      this.maybeTearDown();
    }
  }

  private maybeTearDown(): void {
    if (this.ended && this.collecting === 0) void this.tearDown();
  }
}

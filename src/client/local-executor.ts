/**
 * The `local` target: every job gets its own MiniCluster inside the client process, sized to the
 * slots the job needs, and the cluster is closed when the job ends (Flink's local executor with a
 * per-job MiniCluster). It is the same JobMaster/TaskExecutor runtime a real cluster runs.
 */
import type { JobClient, JobStatus } from '../api/environment/job-client.js';
import type { StreamGraph } from '../api/graph/stream-graph.js';
import type { SerializedThrowable } from '../core/errors.js';
import type { JobId } from '../core/ids.js';
import type { ProgramInfo } from '../runtime/jobgraph/program-info.js';
import type { JobResult } from '../runtime/minicluster/mini-cluster.js';
import type { PipelineExecutor, PipelineExecutorOptions } from './pipeline-executor.js';
import type { JobStatusHistory, StatusHistorySource } from './job-states.js';
import { JobExecutionException, JobExecutionResult } from '../api/environment/job-execution-result.js';
import { FlinkTsError, deserializeError, ensureError } from '../core/errors.js';
import { createJobGraph } from '../runtime/jobgraph/job-graph-generator.js';
import { jobConfigurationOf } from '../runtime/jobgraph/job-configuration.js';
import { requiredSlots } from '../runtime/jobgraph/job-graph.js';
import { MiniCluster } from '../runtime/minicluster/mini-cluster.js';

export class LocalExecutor implements PipelineExecutor {
  constructor(private readonly options: PipelineExecutorOptions) {}

  async execute(graph: StreamGraph, program: ProgramInfo): Promise<JobClient> {
    const jobGraph = createJobGraph(graph, program, undefined, jobConfigurationOf(this.options.configuration));
    const cluster = await MiniCluster.start({
      numSlots: requiredSlots(jobGraph),
      configuration: this.options.configuration,
      ...(this.options.logSink === undefined ? {} : { logSink: this.options.logSink }),
    });
    let jobId: JobId;
    try {
      jobId = await cluster.submitJob(jobGraph);
    } catch (error) {
      await cluster.close().catch(() => undefined);
      throw error;
    }
    return new LocalJobClient(cluster, jobId);
  }
}

/**
 * A job on its own MiniCluster. The cluster is closed once the job has ended and every collected
 * result asked for has been handed over.
 */
class LocalJobClient implements JobClient, StatusHistorySource {
  private result: Promise<JobExecutionResult> | undefined;
  private finalStatus: JobStatus | undefined;
  private closed: Promise<void> | undefined;
  private readonly pendingCollects = new Set<Promise<unknown>>();

  constructor(
    private readonly cluster: MiniCluster,
    readonly jobId: JobId,
  ) {}

  getJobStatus(): Promise<JobStatus> {
    if (this.finalStatus !== undefined) return Promise.resolve(this.finalStatus);
    try {
      return Promise.resolve(this.cluster.getJobStatus(this.jobId));
    } catch (error) {
      // A closed cluster throws; callers of a Promise API expect a rejection.
      return Promise.reject(ensureError(error));
    }
  }

  /** Read from the JobMaster itself: the local target's cluster is in this process. */
  getJobStatusHistory(): Promise<JobStatusHistory> {
    try {
      return Promise.resolve(this.cluster.getJobStatusHistory(this.jobId));
    } catch (error) {
      return Promise.reject(ensureError(error));
    }
  }

  async cancel(): Promise<void> {
    if (this.finalStatus !== undefined) return;
    await this.cluster.cancelJob(this.jobId);
  }

  getJobExecutionResult(): Promise<JobExecutionResult> {
    this.result ??= this.awaitResult();
    return this.result;
  }

  getCollectedResults(operatorId: string, limit?: number): Promise<unknown[]> {
    if (this.closed !== undefined) {
      return Promise.reject(
        new FlinkTsError(
          'ERR_ILLEGAL_STATE',
          `The collected results of job ${this.jobId} were released when the job ended. Ask for them before (or while) waiting for the job's result, as executeAndCollect() does.`,
        ),
      );
    }
    const collected = this.cluster.getCollectedResults(this.jobId, operatorId, limit);
    const settled = collected.then(
      () => undefined,
      () => undefined,
    );
    this.pendingCollects.add(settled);
    void settled.then(() => this.pendingCollects.delete(settled));
    return collected;
  }

  private async awaitResult(): Promise<JobExecutionResult> {
    let result: JobResult;
    try {
      result = await this.cluster.requestJobResult(this.jobId);
      this.finalStatus = result.status;
    } finally {
      await this.release();
    }
    return toJobExecutionResult(result);
  }

  private release(): Promise<void> {
    this.closed ??= (async () => {
      // A collect request made in the same turn as the result request is still being served.
      await new Promise<void>((resolve) => setImmediate(resolve));
      await Promise.all([...this.pendingCollects]);
      await this.cluster.close();
    })();
    return this.closed;
  }
}

/** Flink's mapping of a terminal job result to what an attached `execute()` returns or throws. */
export function toJobExecutionResult(result: JobResult): JobExecutionResult {
  switch (result.status) {
    case 'FINISHED':
      return new JobExecutionResult(result.jobId, result.netRuntime, result.accumulators);
    case 'CANCELED':
      throw new JobExecutionException(result.jobId, 'CANCELED', 'Job was cancelled.');
    case 'FAILED': {
      const cause = result.failure === undefined ? undefined : rebuildError(result.failure);
      throw new JobExecutionException(result.jobId, 'FAILED', 'Job execution failed.', cause === undefined ? {} : { cause });
    }
  }
}

/** An Error standing in for a failure that happened in another thread or process. */
export function rebuildError(failure: SerializedThrowable): Error {
  return deserializeError(failure);
}

/**
 * The `remote` target: jobs go to an existing cluster through its REST API (Flink's
 * RemoteExecutor with a RestClusterClient). The client builds the JobGraph as for `local` and
 * uploads it with the job's artifact; the JobClient it returns polls the cluster.
 */
import { deserializeError } from '../core/errors.js';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { JobClient, JobStatus } from '../api/environment/job-client.js';
import type { StreamGraph } from '../api/graph/stream-graph.js';
import type { ProgramInfo } from '../runtime/jobgraph/program-info.js';
import type { PipelineExecutor, PipelineExecutorOptions } from './pipeline-executor.js';
import type { CompletedJobResult, RestClusterClient } from './rest-cluster-client.js';
import type { JobStatusHistory, StatusHistorySource } from './job-states.js';
import { JobExecutionException, JobExecutionResult } from '../api/environment/job-execution-result.js';
import { FlinkTsError } from '../core/errors.js';
import { createJobGraph } from '../runtime/jobgraph/job-graph-generator.js';
import { jobConfigurationOf } from '../runtime/jobgraph/job-configuration.js';
import { restClusterClientFor } from './cluster-address.js';
import { RestRequestError } from './rest-cluster-client.js';

export interface RemoteExecutorOptions extends PipelineExecutorOptions {
  /** The cluster's client. @default one for `rest.address`:`rest.port` of the configuration */
  readonly client?: RestClusterClient;
}

export class RemoteExecutor implements PipelineExecutor {
  private readonly client: RestClusterClient;
  private readonly configuration: RemoteExecutorOptions['configuration'];

  constructor(options: RemoteExecutorOptions) {
    this.client = options.client ?? restClusterClientFor(options.configuration);
    this.configuration = options.configuration;
  }

  async execute(graph: StreamGraph, program: ProgramInfo): Promise<JobClient> {
    const jobGraph = createJobGraph(graph, program, undefined, jobConfigurationOf(this.configuration));
    let bytes: Buffer;
    try {
      bytes = await readFile(program.artifactPath);
    } catch (error) {
      throw new FlinkTsError('ERR_BUNDLE', `Cannot read the job's artifact ${program.artifactPath} for upload.`, { cause: error });
    }
    const jobId = await this.client.submitJob(jobGraph, { fileName: basename(program.artifactPath), bytes });
    return new RemoteJobClient(this.client, jobId);
  }
}

/** A job on a remote cluster; every call is a REST request. */
export class RemoteJobClient implements JobClient, StatusHistorySource {
  private result: Promise<JobExecutionResult> | undefined;

  constructor(
    private readonly client: RestClusterClient,
    readonly jobId: string,
  ) {}

  getJobStatus(): Promise<JobStatus> {
    return this.client.getJobStatus(this.jobId);
  }

  getJobStatusHistory(): Promise<JobStatusHistory> {
    return this.client.getJobStatusHistory(this.jobId);
  }

  async cancel(): Promise<void> {
    try {
      await this.client.cancelJob(this.jobId);
    } catch (error) {
      // Already FINISHED or FAILED: nothing to cancel, as cancel() of the local target.
      if (error instanceof RestRequestError && error.status === 409) return;
      throw error;
    }
  }

  getJobExecutionResult(): Promise<JobExecutionResult> {
    this.result ??= this.client.waitForJobResult(this.jobId).then(toJobExecutionResult);
    return this.result;
  }

  /**
   * Polls the collect coordinator until `limit` values arrived or the job ended, and resolves
   * with every value collected (like the local target, not only the first `limit`).
   */
  async getCollectedResults(operatorId: string, limit?: number): Promise<unknown[]> {
    const values: unknown[] = [];
    let delay = 100;
    for (;;) {
      const answer = await this.client.collectResults(this.jobId, operatorId, { offset: values.length, ...(limit === undefined ? {} : { limit }) });
      values.push(...answer.values);
      if (answer.jobEnded || (limit !== undefined && values.length >= limit)) return values;
      if (answer.values.length > 0) {
        // Values are flowing: ask again at once.
        delay = 100;
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(1000, Math.ceil(delay * 1.5));
    }
  }
}

/** Flink's mapping of a job result to what an attached `execute()` returns or throws. */
export function toJobExecutionResult(result: CompletedJobResult): JobExecutionResult {
  switch (result.applicationStatus) {
    case 'SUCCEEDED':
      return new JobExecutionResult(result.jobId, result.netRuntime, result.accumulators);
    case 'CANCELED':
      throw new JobExecutionException(result.jobId, 'CANCELED', 'Job was cancelled.');
    case 'FAILED':
    case 'UNKNOWN': {
      const cause = result.failure === undefined ? undefined : deserializeError(result.failure);
      throw new JobExecutionException(result.jobId, 'FAILED', 'Job execution failed.', cause === undefined ? {} : { cause });
    }
  }
}


import type { JobClient, JobStatus } from '../../api/environment/job-client.js';
import type { JobExecutionResult } from '../../api/environment/job-execution-result.js';
import type { ExecutionContext } from '../../api/environment/execution-context.js';
import type { EnvironmentDefaults } from '../../api/environment/execution-context.js';
import type { JobId } from '../../core/ids.js';
import type { Dispatcher } from '../../runtime/dispatcher/dispatcher.js';
import type { JobArtifact } from '../program/job-bundler.js';
import { createJobGraph } from '../../runtime/jobgraph/job-graph-generator.js';
import { toJobExecutionResult } from '../local-executor.js';

/**
 * Runs a program inside the JobManager (Flink's EmbeddedExecutor): every `execute()` becomes a
 * job submitted straight to this JobManager's Dispatcher, no REST round trip and no upload.
 */
export interface EmbeddedProgram {
  readonly artifact: JobArtifact;
  readonly args: readonly string[];
  readonly defaults: EnvironmentDefaults;
  /** Attached: `execute()` waits for the job (application clusters); detached: returns at submission (REST jar runs). */
  readonly attached: boolean;
}

export function createEmbeddedContext(dispatcher: Dispatcher, program: EmbeddedProgram, onSubmitted: (jobId: JobId) => void): ExecutionContext {
  return {
    mode: 'client',
    args: program.args,
    defaults: program.defaults,
    attached: program.attached,
    executePipeline: async (graph) => {
      const jobGraph = createJobGraph(graph, {
        artifactPath: program.artifact.artifactPath,
        artifactHash: program.artifact.artifactHash,
        args: program.args,
        defaults: program.defaults,
        executeIndex: graph.executeIndex,
      });
      const jobId = await dispatcher.submitJob(jobGraph);
      onSubmitted(jobId);
      return new EmbeddedJobClient(dispatcher, jobId);
    },
  };
}

class EmbeddedJobClient implements JobClient {
  constructor(
    private readonly dispatcher: Dispatcher,
    readonly jobId: JobId,
  ) {}

  getJobStatus(): Promise<JobStatus> {
    return Promise.resolve(this.dispatcher.getJobStatus(this.jobId));
  }

  cancel(): Promise<void> {
    return this.dispatcher.cancelJob(this.jobId);
  }

  async getJobExecutionResult(): Promise<JobExecutionResult> {
    return toJobExecutionResult(await this.dispatcher.requestJobResult(this.jobId));
  }

  getCollectedResults(operatorId: string, limit?: number): Promise<unknown[]> {
    return this.dispatcher.getCollectedResults(this.jobId, operatorId, limit);
  }
}

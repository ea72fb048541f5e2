/**
 * The client side of `flink-ts run` (Flink's ContextEnvironment): the execution context a program
 * runs with, which submits every `execute()` through the target's executor, prints what Flink's
 * client prints, and keeps track of the submitted jobs so the CLI can wait for them, cancel them
 * on Ctrl-C and choose its exit code.
 */
import type { EnvironmentDefaults, ExecutionContext } from '../api/environment/execution-context.js';
import type { JobClient, JobStatus } from '../api/environment/job-client.js';
import type { StreamGraph } from '../api/graph/stream-graph.js';
import type { ProgramInfo } from '../runtime/jobgraph/program-info.js';
import type { ClientOutput } from './cli-output.js';
import type { PipelineExecutor } from './pipeline-executor.js';
import type { JobArtifact } from './program/job-bundler.js';
import { JobExecutionException } from '../api/environment/job-execution-result.js';
import type { JobExecutionResult } from '../api/environment/job-execution-result.js';
import { FlinkTsError, ensureError } from '../core/errors.js';
import { jobFinishedLines, submittedLine } from './cli-output.js';

/** How a submitted job ended. */
export type JobOutcome =
  | { readonly status: 'FINISHED'; readonly result: JobExecutionResult }
  | { readonly status: 'FAILED' | 'CANCELED'; readonly error: Error };

/** A job the program submitted, attached or not. */
export interface SubmittedJobInfo {
  readonly jobId: string;
  /** The name given to `execute()` (the StreamGraph's job name). */
  readonly jobName: string;
  /** Epoch ms, when the submission returned. */
  readonly submittedAt: number;
  /** The executor's handle on the job (for its state; the program has its own view). */
  readonly client: JobClient;
}

/** A job submitted during an attached session. */
export interface SubmittedJob extends SubmittedJobInfo {
  readonly jobId: string;
  /** Settles when the job has ended. */
  readonly outcome: Promise<JobOutcome>;
  /** The outcome once known. */
  readonly settled: JobOutcome | undefined;
  /**
   * Whether the program itself asked for the job's result or canceled it. Such a job's failure is
   * the program's to handle (it throws, or deliberately carries on), as in Flink, where only
   * `main()` decides the client's outcome.
   */
  readonly observedByProgram: boolean;
}

export interface ClientSessionOptions {
  readonly executor: PipelineExecutor;
  readonly artifact: JobArtifact;
  readonly args: readonly string[];
  readonly defaults: EnvironmentDefaults;
  readonly attached: boolean;
  readonly output: ClientOutput;
}

class TrackedJob implements SubmittedJob {
  settled: JobOutcome | undefined;
  observedByProgram = false;
  readonly outcome: Promise<JobOutcome>;
  readonly result: Promise<JobExecutionResult>;

  constructor(
    readonly client: JobClient,
    readonly jobName: string,
    readonly submittedAt: number,
    output: ClientOutput,
  ) {
    // Asked for at once, not when the program gets to it: the client must know how every job
    // ended, also those the program only submitted (executeAsync) without waiting for them.
    this.result = client.getJobExecutionResult();
    this.outcome = this.result.then(
      (result): JobOutcome => {
        for (const line of jobFinishedLines(result)) output.out(line);
        return this.settle({ status: 'FINISHED', result });
      },
      (error: unknown): JobOutcome =>
        this.settle({ status: error instanceof JobExecutionException ? error.status : 'FAILED', error: ensureError(error) }),
    );
  }

  private settle(outcome: JobOutcome): JobOutcome {
    this.settled = outcome;
    return outcome;
  }

  get jobId(): string {
    return this.client.jobId;
  }

  /** What the program gets: the executor's client, with the result shared with the session. */
  programView(): JobClient {
    return {
      jobId: this.client.jobId,
      getJobStatus: (): Promise<JobStatus> => this.client.getJobStatus(),
      cancel: (): Promise<void> => {
        this.observedByProgram = true;
        return this.client.cancel();
      },
      getJobExecutionResult: (): Promise<JobExecutionResult> => {
        this.observedByProgram = true;
        return this.result;
      },
      getCollectedResults: (operatorId: string, limit?: number): Promise<unknown[]> => this.client.getCollectedResults(operatorId, limit),
    };
  }
}

export class ClientSession {
  readonly context: ExecutionContext;
  private readonly tracked: TrackedJob[] = [];
  private readonly submittedJobs: SubmittedJobInfo[] = [];
  private readonly submissions = new Set<Promise<unknown>>();
  private interrupted = false;
  private submitted = 0;

  constructor(private readonly options: ClientSessionOptions) {
    this.context = {
      mode: 'client',
      args: options.args,
      defaults: options.defaults,
      attached: options.attached,
      executePipeline: (graph) => this.submit(graph),
    };
  }

  /** Jobs submitted so far, in submission order. */
  get jobs(): readonly SubmittedJob[] {
    return this.tracked;
  }

  /** Every job submitted so far, attached or detached, in submission order. */
  get allSubmitted(): readonly SubmittedJobInfo[] {
    return this.submittedJobs;
  }

  /** How many times the program called `execute()`/`executeAsync()`, successful or not. */
  get submittedCount(): number {
    return this.submitted;
  }

  /** Jobs submitted and not yet ended. */
  runningJobs(): SubmittedJob[] {
    return this.tracked.filter((job) => job.settled === undefined);
  }

  /** Waits until every submission in flight is done and every submitted job has ended. */
  async awaitJobs(): Promise<JobOutcome[]> {
    await Promise.allSettled([...this.submissions]);
    return Promise.all(this.tracked.map((job) => job.outcome));
  }

  /**
   * Stops the session: no further jobs are submitted, and every running job (including one being
   * submitted right now) is canceled. Resolves when all of them have ended.
   */
  async cancelAll(): Promise<{ readonly jobId: string; readonly outcome: JobOutcome }[]> {
    this.interrupted = true;
    await Promise.allSettled([...this.submissions]);
    const running = this.tracked.filter((job) => job.settled === undefined);
    await Promise.all(running.map((job) => this.cancelJob(job)));
    return Promise.all(running.map(async (job) => ({ jobId: job.jobId, outcome: await job.outcome })));
  }

  private async cancelJob(job: TrackedJob): Promise<void> {
    try {
      await job.client.cancel();
    } catch (error) {
      this.options.output.err(`Could not cancel job ${job.jobId}: ${ensureError(error).message}`);
    }
  }

  private async submit(graph: StreamGraph): Promise<JobClient> {
    this.submitted++;
    if (this.interrupted) {
      throw new FlinkTsError('ERR_ILLEGAL_STATE', 'The client is shutting down (interrupted); no further jobs are submitted.');
    }
    const program: ProgramInfo = {
      artifactPath: this.options.artifact.artifactPath,
      artifactHash: this.options.artifact.artifactHash,
      args: this.options.args,
      defaults: this.options.defaults,
      executeIndex: graph.executeIndex,
    };
    const submission = this.options.executor.execute(graph, program);
    this.submissions.add(submission);
    let client: JobClient;
    try {
      client = await submission;
    } finally {
      this.submissions.delete(submission);
    }
    this.options.output.out(submittedLine(client.jobId));
    const submittedAt = Date.now();
    this.submittedJobs.push({ jobId: client.jobId, jobName: graph.jobName, submittedAt, client });
    // A detached client neither waits for nor reports on its jobs (Flink's detached mode).
    if (!this.options.attached) return client;
    // An interrupt during the submission finds this job here: cancelAll() waits for submissions
    // in flight before it looks for running jobs.
    const job = new TrackedJob(client, graph.jobName, submittedAt, this.options.output);
    this.tracked.push(job);
    return job.programView();
  }
}

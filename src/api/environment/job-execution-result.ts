/** What an attached `execute()` returns: Flink's JobExecutionResult. */
export class JobExecutionResult {
  constructor(
    readonly jobId: string,
    /** Milliseconds from job start to its terminal state. */
    readonly netRuntime: number,
    readonly accumulators: Readonly<Record<string, number>>,
  ) {}

  getJobID(): string {
    return this.jobId;
  }
  getNetRuntime(): number {
    return this.netRuntime;
  }
  getAccumulatorResult(name: string): number | undefined {
    return this.accumulators[name];
  }
  getAllAccumulatorResults(): Readonly<Record<string, number>> {
    return this.accumulators;
  }
  isJobExecutionResult(): boolean {
    return true;
  }
  toString(): string {
    return `JobExecutionResult{jobId=${this.jobId}, netRuntime=${this.netRuntime} ms, accumulators=${JSON.stringify(this.accumulators)}}`;
  }
}

/** What a detached `execute()` returns: only the job id is known; the rest throws, as in Flink. */
export class DetachedJobExecutionResult extends JobExecutionResult {
  constructor(jobId: string) {
    super(jobId, -1, {});
  }
  override getNetRuntime(): number {
    throw new Error('Job was submitted in detached mode. Results of job execution, such as accumulators, runtime, etc. are not available.');
  }
  override getAccumulatorResult(): number | undefined {
    throw new Error('Job was submitted in detached mode. Results of job execution, such as accumulators, runtime, etc. are not available.');
  }
  override getAllAccumulatorResults(): Readonly<Record<string, number>> {
    throw new Error('Job was submitted in detached mode. Results of job execution, such as accumulators, runtime, etc. are not available.');
  }
  override isJobExecutionResult(): boolean {
    return false;
  }
  override toString(): string {
    return `DetachedJobExecutionResult{jobId=${this.jobId}}`;
  }
}

/** Thrown by an attached `execute()` when the job does not finish (Flink's JobExecutionException). */
export class JobExecutionException extends Error {
  constructor(
    readonly jobId: string,
    readonly status: 'FAILED' | 'CANCELED',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
Object.defineProperty(JobExecutionException.prototype, 'name', { value: 'JobExecutionException' });

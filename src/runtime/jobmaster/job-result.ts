import type { JobId } from '../../core/ids.js';
import type { SerializedThrowable } from '../../core/errors.js';

/** How a job ended: what the client needs to build its JobExecutionResult or failure. */
export interface JobResult {
  readonly jobId: JobId;
  readonly jobName: string;
  readonly status: 'FINISHED' | 'FAILED' | 'CANCELED';
  /** Milliseconds from submission to the terminal state. */
  readonly netRuntime: number;
  readonly accumulators: Record<string, number>;
  readonly failure?: SerializedThrowable;
}

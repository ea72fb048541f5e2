import type { JobExecutionResult } from './job-execution-result.js';

/** Flink's JobStatus, with its exact names. */
export type JobStatus =
  | 'INITIALIZING'
  | 'CREATED'
  | 'RUNNING'
  | 'FAILING'
  | 'FAILED'
  | 'CANCELLING'
  | 'CANCELED'
  | 'FINISHED'
  | 'RESTARTING'
  | 'SUSPENDED'
  | 'RECONCILING';

export const GLOBALLY_TERMINAL_STATES: ReadonlySet<JobStatus> = new Set<JobStatus>(['FINISHED', 'CANCELED', 'FAILED']);

/** A handle on a submitted job (Flink's JobClient). */
export interface JobClient {
  readonly jobId: string;
  getJobStatus(): Promise<JobStatus>;
  cancel(): Promise<void>;
  /** Resolves when the job finishes; rejects with a JobExecutionException when it fails or is canceled. */
  getJobExecutionResult(): Promise<JobExecutionResult>;
  /** The records a collect sink gathered: once the job has ended, or once `limit` arrived. */
  getCollectedResults(operatorId: string, limit?: number): Promise<unknown[]>;
}

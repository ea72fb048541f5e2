import { rm } from 'node:fs/promises';
import { loadMetadata } from '../checkpoint/checkpoint-storage.js';
import type { JobId } from '../../core/ids.js';
import type { Logger } from '../../core/logger.js';
import type { JobStatus } from '../../api/environment/job-client.js';
import type { JobGraph } from '../jobgraph/job-graph.js';
import type { JobMasterOptions } from '../jobmaster/job-master.js';
import type { JobResult } from '../jobmaster/job-result.js';
import type { RpcService } from '../rpc/rpc-service.js';
import { JobMaster } from '../jobmaster/job-master.js';

/** What a job looks like in listings (`flink-ts list`, `/jobs/overview`). */
export interface JobDetails {
  readonly jobId: JobId;
  readonly name: string;
  readonly status: JobStatus;
  readonly startTime: number;
  readonly endTime: number;
}

/**
 * Accepts jobs and runs one JobMaster per job (Flink's Dispatcher); it keeps finished jobs'
 * results so that clients can fetch them after the JobMaster is gone.
 */
export class Dispatcher {
  private readonly jobs = new Map<JobId, JobMaster>();

  constructor(
    private readonly rpc: RpcService,
    private readonly jobMasterOptions: Omit<JobMasterOptions, 'rpc'>,
    private readonly logger: Logger,
    /** `jobstore.expiration-time`: how long finished jobs stay listed; forever when undefined. */
    private readonly finishedJobRetentionMs?: number,
  ) {}

  getJobMaster(jobId: JobId): JobMaster | undefined {
    return this.jobs.get(jobId);
  }

  allJobMasters(): JobMaster[] {
    return [...this.jobs.values()];
  }

  async submitJob(jobGraph: JobGraph): Promise<JobId> {
    if (this.jobs.has(jobGraph.jobId)) throw new Error(`Job ${jobGraph.jobId} has already been submitted.`);
    this.logger.info(`Received JobGraph submission '${jobGraph.jobName}' (${jobGraph.jobId}).`);
    const jobMaster = new JobMaster(jobGraph, { ...this.jobMasterOptions, rpc: this.rpc });
    this.jobs.set(jobGraph.jobId, jobMaster);
    this.rpc.register(jobMaster.endpointName, jobMaster, { fencingToken: () => jobMaster.jobMasterId });
    void jobMaster.result.then((result) => {
      this.logger.info(`Job ${result.jobId} reached globally terminal state ${result.status}.`);
      this.rpc.unregister(jobMaster.endpointName);
      if (this.finishedJobRetentionMs !== undefined) {
        setTimeout(() => this.jobs.delete(result.jobId), this.finishedJobRetentionMs).unref();
      }
    });
    await jobMaster.start();
    return jobGraph.jobId;
  }

  getJobStatus(jobId: JobId): JobStatus {
    return this.jobMaster(jobId).status;
  }

  /** The job's name, state and when it entered each state (what REST's `GET /jobs/:jobid` shows). */
  getJobStatusHistory(jobId: JobId): { jobName: string; status: JobStatus; timestamps: Partial<Record<JobStatus, number>> } {
    const jm = this.jobMaster(jobId);
    return { jobName: jm.jobGraph.jobName, status: jm.status, timestamps: { ...jm.graph.statusTimestamps } };
  }

  requestJobResult(jobId: JobId): Promise<JobResult> {
    return this.jobMaster(jobId).result;
  }

  cancelJob(jobId: JobId): Promise<void> {
    return this.jobMaster(jobId).cancel();
  }

  getCollectedResults(jobId: JobId, operatorId: string, limit?: number): Promise<unknown[]> {
    return this.jobMaster(jobId).getCollectedResults(operatorId, limit);
  }

  listJobs(): JobDetails[] {
    return [...this.jobs.values()].map((jm) => ({
      jobId: jm.jobGraph.jobId,
      name: jm.jobGraph.jobName,
      status: jm.status,
      startTime: jm.graph.statusTimestamps.INITIALIZING ?? -1,
      endTime: jm.graph.statusTimestamps[jm.status] ?? -1,
    }));
  }

  /** Cancels every job still running and waits for them to end. */
  async shutDown(): Promise<void> {
    await Promise.all(
      [...this.jobs.values()].map(async (jm) => {
        await jm.cancel();
        await jm.result;
      }),
    );
  }

  /**
   * Deletes a savepoint or retained checkpoint (`flink-ts savepoint -d`): the directory must hold
   * flink-ts checkpoint metadata, so a mistyped path never deletes anything else.
   */
  async disposeSavepoint(path: string): Promise<void> {
    const { directory } = await loadMetadata(path);
    await rm(directory, { recursive: true, force: true });
  }

  private jobMaster(jobId: JobId): JobMaster {
    const jm = this.jobs.get(jobId);
    if (jm === undefined) throw new Error(`Job ${jobId} not found: check the job id (\`flink-ts list -a\` shows every job).`);
    return jm;
  }
}

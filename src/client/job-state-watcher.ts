/**
 * Follows the states of the jobs a `run` submitted through an executor (local, remote, per-job
 * targets): prints each state change on stderr as it happens, and knows each job's summary for
 * `run --json`. Jobs whose client cannot tell its state history (test doubles) are summarised
 * from their outcome only.
 */
import type { JobStatus } from '../api/environment/job-client.js';
import type { ClientOutput } from './cli-output.js';
import type { ClientSession, JobOutcome, SubmittedJob } from './client-session.js';
import type { JobStatusHistory, JobSummary } from './job-states.js';
import { GLOBALLY_TERMINAL_STATES } from '../api/environment/job-client.js';
import { JobStateLines, STATE_POLL_MS, hasStatusHistory, historyDuration, rootCauseText } from './job-states.js';

export class JobStateWatcher {
  private readonly lines: JobStateLines;
  private readonly histories = new Map<string, JobStatusHistory>();
  /** Jobs whose end was handled (final look taken, final line printed). */
  private readonly done = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private looking = false;

  constructor(
    private readonly session: ClientSession,
    output: ClientOutput,
  ) {
    this.lines = new JobStateLines((line) => output.err(line));
  }

  /** Starts looking every {@link STATE_POLL_MS}. */
  start(): void {
    this.timer = setInterval(() => void this.lookAll(), STATE_POLL_MS);
    // The client's own waits keep it alive, never this.
    this.timer.unref();
  }

  /** Stops looking, once every ended job's last line was printed. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    for (const job of this.session.jobs) if (job.settled !== undefined) this.onEnded(job, job.settled);
    await Promise.all(this.done.values());
  }

  private async lookAll(): Promise<void> {
    if (this.looking) return;
    this.looking = true;
    try {
      await Promise.all(
        this.session.jobs.map(async (job) => {
          if (job.settled !== undefined) {
            this.onEnded(job, job.settled);
            return;
          }
          await this.look(job);
        }),
      );
    } finally {
      this.looking = false;
    }
  }

  /** One look at a job's states; a failed look is skipped (the next one, or the job's end, tells). */
  private async look(job: SubmittedJob): Promise<void> {
    if (!hasStatusHistory(job.client)) return;
    let history: JobStatusHistory;
    try {
      history = await job.client.getJobStatusHistory();
    } catch {
      return;
    }
    this.histories.set(job.jobId, history);
    this.lines.update(job.jobId, history);
  }

  /** The job ended: one last look for the changes since the previous one, then its final state. */
  private onEnded(job: SubmittedJob, outcome: JobOutcome): void {
    if (this.done.has(job.jobId)) return;
    this.done.set(
      job.jobId,
      (async () => {
        if (hasStatusHistory(job.client)) await this.look(job);
        this.lines.ended(job.jobId, job.jobName, outcome.status);
      })(),
    );
  }

  /** Every submitted job's summary, in submission order. */
  async summaries(): Promise<JobSummary[]> {
    const now = Date.now();
    const tracked = new Map(this.session.jobs.map((job) => [job.jobId, job]));
    return Promise.all(
      this.session.allSubmitted.map(async (info): Promise<JobSummary> => {
        const outcome = tracked.get(info.jobId)?.settled;
        let history = this.histories.get(info.jobId);
        if (outcome === undefined && hasStatusHistory(info.client)) {
          // Detached, or not ended (a run that timed out): its state now.
          history = await info.client.getJobStatusHistory().catch(() => history);
        }
        let state: JobStatus = outcome?.status ?? history?.status ?? (await info.client.getJobStatus().catch((): JobStatus => 'INITIALIZING'));
        // A history that saw the end agrees with the outcome; an older one must not win.
        if (outcome !== undefined) state = outcome.status;
        // FINISHED: the runtime `run` prints. Otherwise the cluster's timestamps, when they saw the
        // end (or the job still runs); else the client's own clock.
        const fromHistory = history === undefined || (outcome !== undefined && !GLOBALLY_TERMINAL_STATES.has(history.status)) ? undefined : historyDuration(history, now);
        const durationMs = outcome?.status === 'FINISHED' ? outcome.result.netRuntime : (fromHistory ?? now - info.submittedAt);
        return {
          jobId: info.jobId,
          jobName: history?.jobName !== undefined && history.jobName !== '' ? history.jobName : info.jobName,
          state,
          durationMs,
          ...(outcome?.status === 'FAILED' ? { error: rootCauseText(outcome.error) } : {}),
        };
      }),
    );
  }
}

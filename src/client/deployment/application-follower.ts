/**
 * Application mode, whatever the target deploys on: the program's main runs in the JobManager of
 * a cluster deployed for it, and each `execute()` of main is a job of that cluster.
 *
 * Attached (the default), the client follows the application's jobs over REST and prints what
 * `run` prints for each (and each state change), then takes the cluster down; exit code 0 only
 * when every job FINISHED. The JobManager may end between two looks, right after the last job:
 * its log then tells how the jobs ended, and whether main failed. Ctrl-C or SIGTERM cancels the
 * jobs and takes the cluster down; so does `--timeout`, with exit code 124. Detached (`-d`), the
 * client returns once the cluster is up, and the cluster ends with the application.
 *
 * A target plugs in with {@link ApplicationRunOptions.deploy} (`ssh-application`:
 * `../ssh/ssh-application.ts`).
 */
import type { JobStatus } from '../../api/environment/job-client.js';
import type { ClientOutput } from '../cli-output.js';
import type { JobStatusHistory, JobSummary } from '../job-states.js';
import type { CompletedJobResult, JobOverview } from '../rest-cluster-client.js';
import type { InterruptSignal, RunTimeout, SignalSource } from '../signals.js';
import type { DeployedCluster } from './deployed-cluster.js';
import type { Configuration } from '../../config/index.js';
import type { JobArtifact } from '../program/job-bundler.js';
import { GLOBALLY_TERMINAL_STATES } from '../../api/environment/job-client.js';
import { JobExecutionException } from '../../api/environment/job-execution-result.js';
import { deserializeError, ensureError } from '../../core/errors.js';
import { errorChainLines, jobFinishedLines, submittedLine } from '../cli-output.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_TIMEOUT, UsageError } from '../client-errors.js';
import { SHUTDOWN_ON_APPLICATION_FINISH } from '../../config/index.js';
import { JobStateLines, rootCauseText } from '../job-states.js';
import { toJobExecutionResult } from '../remote-executor.js';
import { RestClusterClient } from '../rest-cluster-client.js';
import { armTimeout, timedOutLine } from '../signals.js';
import { watchTaskManagerStarts } from './deployed-cluster.js';

/** How often the application's jobs are looked at. Short: the JobManager ends soon after the last job. */
const POLL_MS = 100;
/** How long the JobManager may take to end once its REST endpoint closed (it releases its TaskManagers first). */
const JOB_MANAGER_EXIT_TIMEOUT_MS = 60_000;
/** How long an interrupted client waits for the canceled jobs before it takes the cluster down anyway. */
const CANCEL_TIMEOUT_MS = 30_000;
/** JobManager log lines read at the end, for the jobs the client did not see end. */
const LOG_LINES = 5_000;

export interface ApplicationRunOptions {
  /** The job file, as the user named it. */
  readonly jobFile: string;
  readonly attached: boolean;
  readonly output: ClientOutput;
  readonly signals: SignalSource;
  /**
   * Deploys the application cluster: the artifact shipped, a JobManager that runs main with the
   * program's arguments. `log` takes progress lines (stderr). A deployment that fails cleans up
   * what it started and rejects.
   */
  /** `interrupted` says when the user gave up meanwhile (a deployment may wait for room). */
  readonly deploy: (log: (line: string) => void, interrupted: () => boolean) => Promise<DeployedCluster>;
  /** What a detached run prints on stdout: where the cluster is, and how to remove it later. */
  readonly detachedLines: (cluster: DeployedCluster) => readonly string[];
  /** `run --timeout`. */
  readonly timeout?: RunTimeout | undefined;
}

/** How an application run ended. */
export interface ApplicationRunResult {
  readonly exitCode: number;
  readonly jobs: readonly JobSummary[];
  readonly clusterId?: string;
}

interface TrackedJob {
  readonly jobId: string;
  name: string;
  status: JobStatus | undefined;
  /** Its end was printed. */
  reported: boolean;
  durationMs: number;
  error?: string;
}

/** Deploys the application's cluster and follows it (attached) or lets go of it (detached). */
export async function runApplicationCluster(options: ApplicationRunOptions): Promise<ApplicationRunResult> {
  const { output } = options;
  const interrupt = new Interrupt(output);
  // Subscribed before anything is deployed: a Ctrl-C (or the timeout) during the deployment must
  // not end the client before it took down what it started.
  const unsubscribe = options.signals.subscribe((signal) => interrupt.onSignal(signal));
  const disarm = options.attached ? armTimeout(options.timeout, () => interrupt.onTimeout()) : () => undefined;
  try {
    output.err(`Running ${options.jobFile} in application mode: its main runs in the JobManager of the cluster, not here.`);
    const cluster = await options.deploy((line) => output.err(line), () => interrupt.started);
    output.err(`Application cluster '${cluster.clusterId}' is up. JobManager Web Interface: ${cluster.restAddress}`);
    if (!options.attached) {
      await cluster.detach();
      for (const line of options.detachedLines(cluster)) output.out(line);
      return { exitCode: EXIT_OK, jobs: [], clusterId: cluster.clusterId };
    }
    const stopWatching = watchTaskManagerStarts(cluster, (line) => output.err(line));
    try {
      const { exitCode, jobs, cancelled } = await followJobs(cluster, interrupt, output);
      if (interrupt.timedOut && options.timeout !== undefined) output.err(timedOutLine(options.timeout, cancelled));
      return { exitCode, jobs, clusterId: cluster.clusterId };
    } finally {
      stopWatching();
    }
  } finally {
    disarm();
    unsubscribe();
  }
}

async function followJobs(
  cluster: DeployedCluster,
  interrupt: Interrupt,
  output: ClientOutput,
): Promise<{ exitCode: number; jobs: JobSummary[]; cancelled: string[] }> {
  const rest = new RestClusterClient(cluster.restAddress, { timeoutMs: 10_000, retries: 0 });
  const states = new JobStateLines((line) => output.err(line));
  const jobs = new Map<string, TrackedJob>();
  let lost = false;
  let cancelled: string[] = [];
  while (!interrupt.started) {
    let listed: JobOverview[];
    try {
      listed = await rest.listJobs();
    } catch {
      // The REST endpoint closes first when the JobManager shuts down: see whether it is ending.
      if (!(await jobManagerRuns(cluster))) break;
      await interrupt.sleep(POLL_MS);
      continue;
    }
    for (const job of listed) {
      let tracked = jobs.get(job.jid);
      if (tracked === undefined) {
        tracked = { jobId: job.jid, name: job.name, status: undefined, reported: false, durationMs: job.duration };
        jobs.set(job.jid, tracked);
        output.out(submittedLine(job.jid));
      }
      tracked.name = job.name;
      tracked.durationMs = job.duration;
      if (states.lastState(job.jid) !== job.state) await printStateChanges(rest, job, states);
      tracked.status = job.state;
      if (!tracked.reported && GLOBALLY_TERMINAL_STATES.has(job.state)) await reportEnd(rest, tracked, output);
    }
    await interrupt.sleep(POLL_MS);
  }
  if (interrupt.started) {
    cancelled = await cancelRunning(rest, jobs, interrupt, output, states);
  } else if (!(await waitForJobManagerExit(cluster, interrupt))) {
    lost = !interrupt.started;
    if (lost) output.err(`The JobManager of '${cluster.clusterId}' stopped answering but did not end within ${JOB_MANAGER_EXIT_TIMEOUT_MS / 1000} s; taking the cluster down.`);
  }
  // After Ctrl-C, main failing on its canceled job is no news.
  const application = await reconcileWithLog(cluster, jobs, output, !interrupt.started);
  for (const job of jobs.values()) if (job.status !== undefined) states.ended(job.jobId, job.name, job.status);
  const report = await cluster.shutDown();
  for (const line of report.lines) output.err(line);
  const summaries = [...jobs.values()].map(summaryOf);
  const end = (exitCode: number): { exitCode: number; jobs: JobSummary[]; cancelled: string[] } => ({ exitCode, jobs: summaries, cancelled });
  if (interrupt.timedOut) return end(EXIT_TIMEOUT);
  if (interrupt.started || lost || !report.ok || application.failed) return end(EXIT_FAILURE);
  if (jobs.size === 0) {
    output.err('The application ran no job.');
    return end(EXIT_FAILURE);
  }
  return end([...jobs.values()].every((job) => job.status === 'FINISHED') ? EXIT_OK : EXIT_FAILURE);
}

function summaryOf(job: TrackedJob): JobSummary {
  return {
    jobId: job.jobId,
    jobName: job.name,
    // Not known to have ended (the log did not say): the last state seen, else submitted.
    state: job.status ?? 'INITIALIZING',
    durationMs: job.durationMs,
    ...(job.error === undefined ? {} : { error: job.error }),
  };
}

/** A job's state changed since the last look: prints the changes, with those between two looks. */
async function printStateChanges(rest: RestClusterClient, job: JobOverview, states: JobStateLines): Promise<void> {
  let history: JobStatusHistory;
  try {
    history = await rest.getJobStatusHistory(job.jid);
  } catch {
    // Gone meanwhile: the overview's state is all there is.
    history = { jobName: job.name, status: job.state, timestamps: {} };
  }
  states.update(job.jid, history);
}

/** Prints how a job ended, as `run` does for an attached job, from its execution result. */
async function reportEnd(rest: RestClusterClient, job: TrackedJob, output: ClientOutput): Promise<void> {
  let result: CompletedJobResult | undefined;
  try {
    result = await rest.getExecutionResult(job.jobId);
  } catch {
    // Gone meanwhile: the JobManager's log tells at the end.
    return;
  }
  if (result === undefined) return;
  job.reported = true;
  try {
    for (const line of jobFinishedLines(toJobExecutionResult(result))) output.out(line);
    job.status = 'FINISHED';
  } catch (error) {
    job.status = error instanceof JobExecutionException ? error.status : 'FAILED';
    output.err(`Job with JobID ${job.jobId} ended ${job.status}:`);
    const cause = result.failure === undefined ? error : deserializeError(result.failure);
    if (job.status === 'FAILED') job.error = rootCauseText(cause);
    for (const line of errorChainLines(cause)) output.err(line);
  }
}

async function jobManagerRuns(cluster: DeployedCluster): Promise<boolean> {
  try {
    return await cluster.jobManagerAlive();
  } catch {
    // The JobManager cannot be asked about: treat it as lost; the shutdown reports why.
    return false;
  }
}

async function waitForJobManagerExit(cluster: DeployedCluster, interrupt: Interrupt): Promise<boolean> {
  const deadline = Date.now() + JOB_MANAGER_EXIT_TIMEOUT_MS;
  while (Date.now() < deadline && !interrupt.started) {
    if (!(await jobManagerRuns(cluster))) return true;
    await interrupt.sleep(POLL_MS);
  }
  return false;
}

/** Cancels the jobs still running and waits for them to end; resolves with their ids. */
async function cancelRunning(rest: RestClusterClient, jobs: Map<string, TrackedJob>, interrupt: Interrupt, output: ClientOutput, states: JobStateLines): Promise<string[]> {
  let listed: JobOverview[];
  try {
    listed = await rest.listJobs();
  } catch {
    output.err('The cluster does not answer; taking it down.');
    return [];
  }
  const running = listed.filter((job) => !GLOBALLY_TERMINAL_STATES.has(job.state));
  if (running.length === 0) output.err('No job was running.');
  await Promise.all(
    running.map(async (job) => {
      try {
        await rest.cancelJob(job.jid);
      } catch (error) {
        output.err(`Could not cancel job ${job.jid}: ${ensureError(error).message}`);
      }
    }),
  );
  const deadline = Date.now() + CANCEL_TIMEOUT_MS;
  for (const job of running) {
    while (Date.now() < deadline && !interrupt.forced) {
      let history: JobStatusHistory;
      try {
        history = await rest.getJobStatusHistory(job.jid);
      } catch {
        break;
      }
      states.update(job.jid, history);
      const status = history.status;
      if (GLOBALLY_TERMINAL_STATES.has(status)) {
        let tracked = jobs.get(job.jid);
        if (tracked === undefined) {
          // Submitted after the last look.
          tracked = { jobId: job.jid, name: job.name, status, reported: false, durationMs: job.duration };
          jobs.set(job.jid, tracked);
        }
        tracked.status = status;
        tracked.reported = true;
        const start = history.timestamps.INITIALIZING ?? 0;
        const end = history.timestamps[status] ?? 0;
        if (start > 0 && end >= start) tracked.durationMs = end - start;
        output.err(status === 'CANCELED' ? `Job with JobID ${job.jid} has been canceled (CANCELED).` : `Job with JobID ${job.jid} ended ${status}.`);
        break;
      }
      await interrupt.sleep(POLL_MS);
    }
  }
  return running.map((job) => job.jid);
}

/**
 * The JobManager's log has the last word on jobs whose end the client did not see (the
 * JobManager can end a few milliseconds after the last job, between two looks), and says
 * whether main itself failed.
 */
async function reconcileWithLog(cluster: DeployedCluster, jobs: Map<string, TrackedJob>, output: ClientOutput, reportMain: boolean): Promise<{ failed: boolean }> {
  const log = await cluster.jobManagerLog(LOG_LINES);
  for (const line of log) {
    const submitted = /Received JobGraph submission '(.*)' \(([0-9a-f]{32})\)\.$/.exec(line);
    if (submitted?.[2] !== undefined && !jobs.has(submitted[2])) {
      jobs.set(submitted[2], { jobId: submitted[2], name: submitted[1] ?? '', status: undefined, reported: false, durationMs: 0 });
      output.out(submittedLine(submitted[2]));
    }
    const ended = /Job ([0-9a-f]{32}) reached globally terminal state (\w+)\.$/.exec(line);
    const job = ended?.[1] === undefined ? undefined : jobs.get(ended[1]);
    if (job !== undefined && !job.reported) {
      job.status = ended?.[2] as JobStatus;
      job.reported = true;
      if (job.status === 'FINISHED') output.out(`Job with JobID ${job.jobId} has finished.`);
      else if (job.status === 'CANCELED') output.err(`Job with JobID ${job.jobId} has been canceled (CANCELED).`);
      else output.err(`Job with JobID ${job.jobId} ended ${job.status}: see the JobManager's log, ${cluster.jobManagerFiles()[0] ?? ''}`);
    }
  }
  for (const job of jobs.values()) {
    if (job.reported) continue;
    output.err(`Job with JobID ${job.jobId} did not report how it ended (last seen ${job.status ?? 'submitted'}).`);
    // Not known to have FINISHED: the exit code must not say it did.
    job.status = undefined;
  }
  const failure = log.findIndex((line) => line.endsWith(' - The application failed.'));
  if (failure === -1) return { failed: false };
  if (!reportMain) return { failed: true };
  output.err('');
  output.err('------------------------------------------------------------');
  output.err(" The application's main failed in the JobManager:");
  output.err('');
  for (const line of log.slice(failure + 1)) {
    if (/^\d{4}-\d\d-\d\dT\S+ \w+\s+\S+ - /.test(line)) break;
    output.err(line);
  }
  output.err(`Its output: ${cluster.jobManagerFiles().join(', ')}`);
  return { failed: true };
}

/**
 * Ctrl-C / SIGTERM: the first cancels the jobs and takes the cluster down; a second stops waiting
 * for the cancellation. The timeout does what the first signal does, quietly (its line comes last).
 */
class Interrupt {
  started = false;
  forced = false;
  timedOut = false;
  private wake: (() => void) | undefined;

  constructor(private readonly output: ClientOutput) {}

  onSignal(signal: InterruptSignal): void {
    if (this.started) {
      this.forced = true;
      this.output.err(`Received ${signal} again: taking the cluster down without waiting for the jobs.`);
    } else {
      this.started = true;
      this.output.err('');
      this.output.err(`Received ${signal}: cancelling the application's jobs and taking its cluster down. Interrupt again to stop waiting for the jobs.`);
    }
    this.wake?.();
  }

  onTimeout(): void {
    if (this.started) return;
    this.started = true;
    this.timedOut = true;
    this.wake?.();
  }

  /** Waits `ms`, or less when a signal arrives. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}

/** What an application target (`ssh-application`, `pool-application`) is given by `run`. */
export interface ApplicationTargetOptions {
  readonly configuration: Configuration;
  readonly artifact: JobArtifact;
  readonly jobFile: string;
  readonly args: readonly string[];
  readonly attached: boolean;
  readonly output: ClientOutput;
  readonly signals: SignalSource;
  readonly timeout?: RunTimeout | undefined;
}

/**
 * An attached client follows the application until its JobManager ends; with
 * `execution.shutdown-on-application-finish: false` that would be never, so it is refused.
 * `endHint` says how such a detached application is ended on this target.
 */
export function checkAttachedApplication(options: ApplicationTargetOptions, endHint: string): void {
  if (options.attached && !options.configuration.get(SHUTDOWN_ON_APPLICATION_FINISH)) {
    throw new UsageError(
      'With execution.shutdown-on-application-finish: false the application cluster outlives the application, so an attached client would wait forever. ' +
        `Run it detached (-d) and ${endHint}.`,
    );
  }
}

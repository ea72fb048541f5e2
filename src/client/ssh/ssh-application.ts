/**
 * `flink-ts run -t ssh-application job.ts`: Flink's application mode on SSH hosts. The client
 * bundles the job, copies the artifact to the master and starts a JobManager there that runs the
 * job's main itself (the program's code does not run in the client). Each `execute()` of main is
 * a job of that cluster; TaskManagers start on the worker hosts on demand. When main has returned
 * and its jobs have ended, the JobManager shuts down (`execution.shutdown-on-application-finish`).
 *
 * Attached (the default), the client follows the application's jobs over REST and prints what
 * `run` prints for each, then removes the cluster from every host; exit code 0 only when every
 * job FINISHED. Ctrl-C or SIGTERM cancels the jobs and takes the cluster down. Detached (`-d`),
 * the client returns once the cluster is up, and the cluster ends with the application.
 */
import type { JobStatus } from '../../api/environment/job-client.js';
import type { Configuration } from '../../config/index.js';
import type { ClientOutput } from '../cli-output.js';
import type { CompletedJobResult, JobOverview } from '../rest-cluster-client.js';
import type { JobArtifact } from '../program/job-bundler.js';
import type { SshCluster } from './ssh-cluster-descriptor.js';
import { GLOBALLY_TERMINAL_STATES } from '../../api/environment/job-client.js';
import { JobExecutionException } from '../../api/environment/job-execution-result.js';
import { SHUTDOWN_ON_APPLICATION_FINISH } from '../../config/index.js';
import { deserializeError, ensureError } from '../../core/errors.js';
import { errorChainLines, jobFinishedLines, submittedLine } from '../cli-output.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../client-errors.js';
import { toJobExecutionResult } from '../remote-executor.js';
import { RestClusterClient } from '../rest-cluster-client.js';
import { deployApplicationCluster, shutdownLines, watchTaskManagerStarts } from './ssh-cluster-descriptor.js';

/** How often the application's jobs are looked at. Short: the JobManager ends soon after the last job. */
const POLL_MS = 100;
/** How long the JobManager may take to end once its REST endpoint closed (it releases its TaskManagers first). */
const JOB_MANAGER_EXIT_TIMEOUT_MS = 60_000;
/** How long an interrupted client waits for the canceled jobs before it takes the cluster down anyway. */
const CANCEL_TIMEOUT_MS = 30_000;
/** JobManager log lines read at the end, for the jobs the client did not see end. */
const LOG_LINES = 5_000;

type InterruptSignal = 'SIGINT' | 'SIGTERM';

export interface SshApplicationOptions {
  readonly configuration: Configuration;
  readonly artifact: JobArtifact;
  readonly jobFile: string;
  readonly args: readonly string[];
  readonly attached: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly output: ClientOutput;
  readonly signals: { subscribe(handler: (signal: InterruptSignal) => void): () => void };
}

interface TrackedJob {
  readonly jobId: string;
  status: JobStatus | undefined;
  /** Its end was printed. */
  reported: boolean;
}

/** Runs the application; resolves with the exit code. */
export async function runSshApplication(options: SshApplicationOptions): Promise<number> {
  const { output, configuration } = options;
  if (options.attached && !configuration.get(SHUTDOWN_ON_APPLICATION_FINISH)) {
    // The client follows the application until its JobManager ends, which would then be never.
    throw new UsageError(
      'With execution.shutdown-on-application-finish: false the application cluster outlives the application, so an attached client would wait forever. ' +
        'Run it detached (-d) and stop it with flink-ts stop-cluster -D high-availability.cluster-id=<id>.',
    );
  }
  const interrupt = new Interrupt(options.output);
  // Subscribed before anything is deployed: a Ctrl-C during the deployment must not end the
  // client before it took down what it started.
  const unsubscribe = options.signals.subscribe((signal) => interrupt.onSignal(signal));
  try {
    output.err(`Running ${options.jobFile} in application mode: its main runs in the JobManager of the cluster, not here.`);
    const cluster = await deployApplicationCluster(configuration, { artifact: options.artifact, args: options.args }, { env: options.env, log: (line) => output.err(line), recordHosts: !options.attached });
    output.err(`Application cluster '${cluster.clusterId}' is up. JobManager Web Interface: ${cluster.restAddress}`);
    if (!options.attached) return await detach(cluster, configuration, output);
    return await follow(cluster, interrupt, output);
  } finally {
    unsubscribe();
  }
}

async function detach(cluster: SshCluster, configuration: Configuration, output: ClientOutput): Promise<number> {
  await cluster.detach();
  const rest = cluster.restAddress.replace(/^http:\/\//, '');
  output.out(`Application cluster '${cluster.clusterId}' runs detached. JobManager Web Interface: ${cluster.restAddress}`);
  output.out(`Its jobs: flink-ts list -m ${rest} -a`);
  if (configuration.get(SHUTDOWN_ON_APPLICATION_FINISH)) {
    output.out('The JobManager ends with the application; then remove the cluster\'s files from the hosts with:');
  } else {
    output.out('The cluster stays up after the application (execution.shutdown-on-application-finish: false). Stop it with:');
  }
  output.out(`  flink-ts stop-cluster -D high-availability.cluster-id=${cluster.clusterId}`);
  return EXIT_OK;
}

async function follow(cluster: SshCluster, interrupt: Interrupt, output: ClientOutput): Promise<number> {
  const stopWatching = watchTaskManagerStarts(cluster, (line) => output.err(line));
  try {
    return await followJobs(cluster, interrupt, output);
  } finally {
    stopWatching();
  }
}

async function followJobs(cluster: SshCluster, interrupt: Interrupt, output: ClientOutput): Promise<number> {
  const rest = new RestClusterClient(cluster.restAddress, { timeoutMs: 10_000, retries: 0 });
  const jobs = new Map<string, TrackedJob>();
  let lost = false;
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
        tracked = { jobId: job.jid, status: undefined, reported: false };
        jobs.set(job.jid, tracked);
        output.out(submittedLine(job.jid));
      }
      tracked.status = job.state;
      if (!tracked.reported && GLOBALLY_TERMINAL_STATES.has(job.state)) await reportEnd(rest, tracked, output);
    }
    await interrupt.sleep(POLL_MS);
  }
  if (interrupt.started) {
    await cancelRunning(rest, jobs, interrupt, output);
  } else if (!(await waitForJobManagerExit(cluster, interrupt))) {
    lost = !interrupt.started;
    if (lost) output.err(`The JobManager of '${cluster.clusterId}' stopped answering but did not end within ${JOB_MANAGER_EXIT_TIMEOUT_MS / 1000} s; taking the cluster down.`);
  }
  // After Ctrl-C, main failing on its canceled job is no news.
  const application = await reconcileWithLog(cluster, jobs, output, !interrupt.started);
  const report = await cluster.shutDown();
  const lines = shutdownLines(report, 'application cluster');
  for (const line of [...lines.out, ...lines.err]) output.err(line);
  if (interrupt.started || lost || !report.ok || application.failed) return EXIT_FAILURE;
  if (jobs.size === 0) {
    output.err('The application ran no job.');
    return EXIT_FAILURE;
  }
  return [...jobs.values()].every((job) => job.status === 'FINISHED') ? EXIT_OK : EXIT_FAILURE;
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
    for (const line of errorChainLines(cause)) output.err(line);
  }
}

async function jobManagerRuns(cluster: SshCluster): Promise<boolean> {
  try {
    return await cluster.jobManagerAlive();
  } catch {
    // The master cannot be asked: treat the JobManager as lost; the shutdown reports the host.
    return false;
  }
}

async function waitForJobManagerExit(cluster: SshCluster, interrupt: Interrupt): Promise<boolean> {
  const deadline = Date.now() + JOB_MANAGER_EXIT_TIMEOUT_MS;
  while (Date.now() < deadline && !interrupt.started) {
    if (!(await jobManagerRuns(cluster))) return true;
    await interrupt.sleep(POLL_MS);
  }
  return false;
}

async function cancelRunning(rest: RestClusterClient, jobs: ReadonlyMap<string, TrackedJob>, interrupt: Interrupt, output: ClientOutput): Promise<void> {
  let listed: JobOverview[];
  try {
    listed = await rest.listJobs();
  } catch {
    output.err('The cluster does not answer; taking it down.');
    return;
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
      let status: JobStatus;
      try {
        status = await rest.getJobStatus(job.jid);
      } catch {
        break;
      }
      if (GLOBALLY_TERMINAL_STATES.has(status)) {
        const tracked = jobs.get(job.jid);
        if (tracked !== undefined) {
          tracked.status = status;
          tracked.reported = true;
        }
        output.err(status === 'CANCELED' ? `Job with JobID ${job.jid} has been canceled (CANCELED).` : `Job with JobID ${job.jid} ended ${status}.`);
        break;
      }
      await interrupt.sleep(POLL_MS);
    }
  }
}

/**
 * The JobManager's log has the last word on jobs whose end the client did not see (the
 * JobManager can end a few milliseconds after the last job, between two looks), and says
 * whether main itself failed.
 */
async function reconcileWithLog(cluster: SshCluster, jobs: Map<string, TrackedJob>, output: ClientOutput, reportMain: boolean): Promise<{ failed: boolean }> {
  const log = await cluster.jobManagerLog(LOG_LINES);
  for (const line of log) {
    const submitted = /Received JobGraph submission '.*' \(([0-9a-f]{32})\)\.$/.exec(line);
    if (submitted?.[1] !== undefined && !jobs.has(submitted[1])) {
      jobs.set(submitted[1], { jobId: submitted[1], status: undefined, reported: false });
      output.out(submittedLine(submitted[1]));
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
  output.err(' The application\'s main failed in the JobManager:');
  output.err('');
  for (const line of log.slice(failure + 1)) {
    if (/^\d{4}-\d\d-\d\dT\S+ \w+\s+\S+ - /.test(line)) break;
    output.err(line);
  }
  output.err(`Its output: ${cluster.jobManagerFiles().join(', ')}`);
  return { failed: true };
}

/** Ctrl-C / SIGTERM: the first cancels the jobs and takes the cluster down; a second stops waiting for the cancellation. */
class Interrupt {
  started = false;
  forced = false;
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

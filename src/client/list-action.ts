/**
 * `flink-ts list`: the jobs of a cluster, in the blocks and line format of Flink's CLI, so that
 * scripts parsing `flink list` (`<date> : <jobId> : <name> (<STATE>)`) work unchanged.
 */
import type { JobStatus } from '../api/environment/job-client.js';
import type { ClientOutput } from './cli-output.js';
import type { JobOverview, RestClusterClient } from './rest-cluster-client.js';
import { EXIT_OK, reportError } from './client-errors.js';
import { clusterClientFor } from './cluster-address.js';

export const RUNNING_HEADER = '------------------ Running/Restarting Jobs -------------------';
export const SCHEDULED_HEADER = '----------------------- Scheduled Jobs -----------------------';
export const TERMINATED_HEADER = '---------------------- Terminated Jobs -----------------------';
export const LIST_FOOTER = '--------------------------------------------------------------';

export interface ListJobsOptions {
  /** `-r`: running and restarting jobs. */
  readonly running: boolean;
  /** `-s`: scheduled jobs (CREATED, INITIALIZING). */
  readonly scheduled: boolean;
  /** `-a`: all of the above plus terminated jobs. */
  readonly all: boolean;
  /** `-m host:port`. */
  readonly jobManager?: string | undefined;
  /** `-t`: `remote`, or a pool target with `-D pool.application.id`. */
  readonly target?: string | undefined;
  readonly dynamicProperties: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly output: ClientOutput;
  /** The cluster's client. @default one for the configuration's REST address (tests pass one) */
  readonly client?: RestClusterClient;
}

/** Lists the cluster's jobs; resolves with the exit code. */
export async function listJobs(options: ListJobsOptions): Promise<number> {
  const { output } = options;
  try {
    const client =
      options.client ??
(await clusterClientFor(options, (line) => output.out(line)));
    // Without a selection Flink shows running and scheduled jobs.
    const none = !options.running && !options.scheduled && !options.all;
    const showRunning = none || options.running || options.all;
    const showScheduled = none || options.scheduled || options.all;
    output.out('Waiting for response...');
    const jobs = await client.listJobs();
    for (const line of jobListLines(jobs, { running: showRunning, scheduled: showScheduled, terminated: options.all })) output.out(line);
    return EXIT_OK;
  } catch (error) {
    return reportError(error, output);
  }
}

/** The blocks Flink's `list` prints for the selected groups. */
export function jobListLines(jobs: readonly JobOverview[], show: { running: boolean; scheduled: boolean; terminated: boolean }): string[] {
  const running: JobOverview[] = [];
  const scheduled: JobOverview[] = [];
  const terminated: JobOverview[] = [];
  for (const job of jobs) {
    if (job.state === 'CREATED' || job.state === 'INITIALIZING') scheduled.push(job);
    else if (isGloballyTerminal(job.state)) terminated.push(job);
    // SUSPENDED is only locally terminal: the job will be recovered, so it counts as running.
    else running.push(job);
  }
  const lines: string[] = [];
  const block = (header: string, group: JobOverview[]): void => {
    lines.push(header, ...sortByStartTime(group).map(jobLine), LIST_FOOTER);
  };
  if (show.running) {
    if (running.length === 0) lines.push('No running jobs.');
    else block(RUNNING_HEADER, running);
  }
  if (show.scheduled) {
    if (scheduled.length === 0) lines.push('No scheduled jobs.');
    else block(SCHEDULED_HEADER, scheduled);
  }
  // Flink prints nothing at all for an empty terminated group.
  if (show.terminated && terminated.length > 0) block(TERMINATED_HEADER, terminated);
  return lines;
}

/** `dd.MM.yyyy HH:mm:ss : <jobId> : <name> (<STATE>)`, the time in the local time zone. */
export function jobLine(job: JobOverview): string {
  return `${formatStartTime(job['start-time'])} : ${job.jid} : ${job.name} (${job.state})`;
}

export function formatStartTime(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getDate())}.${two(d.getMonth() + 1)}.${String(d.getFullYear()).padStart(4, '0')} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

// Oldest first, as Flink sorts; the job id breaks ties so the output is stable.
function sortByStartTime(jobs: JobOverview[]): JobOverview[] {
  return [...jobs].sort((a, b) => a['start-time'] - b['start-time'] || a.jid.localeCompare(b.jid));
}

function isGloballyTerminal(state: JobStatus): boolean {
  return state === 'FINISHED' || state === 'FAILED' || state === 'CANCELED';
}

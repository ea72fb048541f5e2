/**
 * What `run` reports about its jobs' states, for people and for CI (Flink complaint #10): every
 * change of a job's state as it happens, in Flink's words (`Job <id> (<name>) switched from state
 * CREATED to RUNNING.`, on stderr), and a summary per job for `run --json`.
 *
 * States are read by polling, not pushed: a poll sees only the current state, so each look also
 * gets the time the job entered each state (REST's `timestamps`, the JobMaster's own record for
 * the local target) and prints the transitions that happened between two looks, in order.
 */
import type { JobClient, JobStatus } from '../api/environment/job-client.js';
import { GLOBALLY_TERMINAL_STATES } from '../api/environment/job-client.js';
import { ensureError } from '../core/errors.js';

/** How often the client looks at the states of the jobs it follows. Cheap: one small request per job. */
export const STATE_POLL_MS = 200;

/** A job's state as one look saw it, with when it entered each state it went through. */
export interface JobStatusHistory {
  readonly jobName: string;
  readonly status: JobStatus;
  /** When the job last entered each state (epoch ms); states it never entered are absent or 0. */
  readonly timestamps: Readonly<Partial<Record<JobStatus, number>>>;
}

/** A job client that can tell its job's state history (the targets' JobClients implement it). */
export interface StatusHistorySource {
  getJobStatusHistory(): Promise<JobStatusHistory>;
}

export function hasStatusHistory(client: JobClient): client is JobClient & StatusHistorySource {
  return typeof (client as Partial<StatusHistorySource>).getJobStatusHistory === 'function';
}

// The order of a job's life: it breaks ties between states entered in the same millisecond
// (the JobMaster goes CREATED → RUNNING at once).
const LIFECYCLE: readonly JobStatus[] = [
  'INITIALIZING',
  'CREATED',
  'RUNNING',
  'RECONCILING',
  'FAILING',
  'RESTARTING',
  'CANCELLING',
  'SUSPENDED',
  'FAILED',
  'CANCELED',
  'FINISHED',
];

/** The states a job went through, oldest first, ending with its current one. */
export function statePath(history: JobStatusHistory): JobStatus[] {
  const entered = LIFECYCLE.filter((state) => (history.timestamps[state] ?? 0) > 0 && state !== history.status);
  entered.sort((a, b) => (history.timestamps[a] ?? 0) - (history.timestamps[b] ?? 0) || LIFECYCLE.indexOf(a) - LIFECYCLE.indexOf(b));
  return [...entered, history.status];
}

/** Flink's line for a job's state change, as the client prints it. */
export function stateChangeLine(jobId: string, jobName: string, from: JobStatus, to: JobStatus): string {
  return `Job ${jobId} (${jobName}) switched from state ${from} to ${to}.`;
}

/**
 * Prints each job's state changes once, in order, from the looks it is given. A look may come
 * late (after several changes) or never (the cluster went away): {@link JobStateLines.ended} then
 * prints the change to the job's final state, which the client knows from the job's result.
 */
export class JobStateLines {
  private readonly printed = new Map<string, PrintedStates>();

  constructor(private readonly print: (line: string) => void) {}

  /** Takes a look at one job; prints the changes not printed yet. */
  update(jobId: string, history: JobStatusHistory): void {
    const known = this.known(jobId, history.jobName);
    const path = statePath(history);
    const last = known.path.at(-1);
    if (last === undefined) {
      for (const state of path) this.step(jobId, known, state);
    } else {
      const enteredAgain = (history.timestamps[last] ?? 0) > known.enteredAt && known.enteredAt > 0;
      const from = path.lastIndexOf(last);
      if (enteredAgain) {
        // The last printed state was left and entered again between two looks (RUNNING →
        // RESTARTING → RUNNING): what came after its first entry is what was missed.
        const since = known.enteredAt;
        for (const state of path) if ((history.timestamps[state] ?? 0) > since) this.step(jobId, known, state);
      } else if (from === -1) {
        // The look does not contain the last printed state (a state entered again): go on from there.
        this.step(jobId, known, history.status);
      } else {
        // Only ever forward: a look that is older than what was printed says nothing new.
        for (const state of path.slice(from + 1)) this.step(jobId, known, state);
      }
    }
    const current = known.path.at(-1);
    if (current !== undefined) known.enteredAt = Math.max(known.enteredAt, history.timestamps[current] ?? 0);
  }

  /** The job ended in `status`; prints the change to it if no look showed it. */
  ended(jobId: string, jobName: string, status: JobStatus): void {
    const known = this.known(jobId, jobName);
    if (known.path.at(-1) !== status) this.step(jobId, known, status);
  }

  /** The last state printed for a job. */
  lastState(jobId: string): JobStatus | undefined {
    return this.printed.get(jobId)?.path.at(-1);
  }

  private known(jobId: string, jobName: string): PrintedStates {
    const known = this.printed.get(jobId) ?? { name: jobName, path: [], enteredAt: 0 };
    this.printed.set(jobId, known);
    return known;
  }

  private step(jobId: string, known: PrintedStates, state: JobStatus): void {
    const last = known.path.at(-1);
    if (last === state) return;
    known.path.push(state);
    // A newer state's entry time is not known here; update() records it after the steps.
    known.enteredAt = 0;
    if (last !== undefined) this.print(stateChangeLine(jobId, known.name, last, state));
  }
}

/** What was printed for one job, and when (per the cluster) its last printed state was entered. */
interface PrintedStates {
  readonly name: string;
  readonly path: JobStatus[];
  enteredAt: number;
}

/** One job in `run --json`'s report. */
export interface JobSummary {
  readonly jobId: string;
  readonly jobName: string;
  /** Its final state, or the last one seen (a detached run, a run that timed out). */
  readonly state: JobStatus;
  /** From its submission (INITIALIZING) to its end, or to now when it has not ended. */
  readonly durationMs: number;
  /** The root cause of a FAILED job: `Name: message`. */
  readonly error?: string;
}

/** What `run --json` prints: exactly one such object. */
export interface RunSummary {
  readonly exitCode: number;
  readonly jobs: readonly JobSummary[];
  /** The cluster the run deployed (per-job, application targets); the first one when it deployed several. */
  readonly clusterId?: string;
}

/** The root cause of an error chain, as `Name: message` (the line a CI log should show). */
export function rootCauseText(error: unknown): string {
  let current = ensureError(error);
  for (let depth = 0; depth < 32; depth++) {
    const cause: unknown = current.cause;
    if (cause === undefined || cause === null) break;
    current = ensureError(cause);
  }
  return `${current.name}: ${current.message}`;
}

/** The duration a history shows: from the job's first state to its end (or to `now`). */
export function historyDuration(history: JobStatusHistory, now: number): number | undefined {
  const path = statePath(history);
  const start = path.map((s) => history.timestamps[s] ?? 0).find((t) => t > 0);
  if (start === undefined) return undefined;
  const end = GLOBALLY_TERMINAL_STATES.has(history.status) ? (history.timestamps[history.status] ?? now) : now;
  return Math.max(0, end - start);
}

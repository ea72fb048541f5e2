/**
 * What the client prints, in Flink's wording where Flink has one, so that users and scripts that
 * grep Flink's CLI output (`Job has been submitted with JobID`, `Job Runtime:`) keep working.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JobExecutionResult } from '../api/environment/job-execution-result.js';
import { ensureError, isFlinkTsError } from '../core/errors.js';

// Frames of the client itself (it called the program) and of oclif say nothing about the failure.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLIENT_FRAME_MARKERS = [
  ...['dist', 'src'].flatMap((top) => ['client', 'commands'].map((dir) => `${join(ROOT, top, dir)}/`)),
  '/node_modules/@oclif/',
  'node:internal/',
];

/** Line-oriented output of a client action: `out` is stdout, `err` is stderr. */
export interface ClientOutput {
  out(line: string): void;
  err(line: string): void;
}

/** Writes to the process's stdout and stderr. */
export const processOutput: ClientOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export const PLAN_HEADER = '----------------------- Execution Plan -----------------------';
export const PLAN_FOOTER = '--------------------------------------------------------------';
const EXCEPTION_RULE = '------------------------------------------------------------';

export function submittedLine(jobId: string): string {
  return `Job has been submitted with JobID ${jobId}`;
}

/** The lines an attached Flink client prints when `execute()` returns. */
export function jobFinishedLines(result: JobExecutionResult): string[] {
  const lines = ['Program execution finished', `Job with JobID ${result.jobId} has finished.`, `Job Runtime: ${result.netRuntime} ms`];
  const accumulators = Object.entries(result.accumulators);
  if (accumulators.length > 0) {
    lines.push('Accumulator Results: ');
    for (const [name, value] of accumulators.sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`- ${name} (${typeof value}): ${value}`);
    }
  }
  return lines;
}

/** Flink's banner for a failed program, then the cause chain. */
export function programExceptionLines(error: unknown): string[] {
  return ['', EXCEPTION_RULE, ' The program finished with the following exception:', '', ...errorChainLines(error)];
}

/**
 * `Name: message` for the error and each cause (`Caused by: ...`), with the stack frames of the
 * root cause only: that is where the user's code failed (for a failed job, the remote operator's
 * frames); the frames of the wrappers are the client's own and only add noise.
 */
export function errorChainLines(error: unknown): string[] {
  const lines: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== undefined && current !== null && !seen.has(current) && seen.size < 32) {
    seen.add(current);
    const err = ensureError(current);
    const prefix = seen.size === 1 ? '' : 'Caused by: ';
    const cause: unknown = err.cause;
    // The code of the root cause is what a user can search for; wrappers keep Flink's plain form.
    const code = isFlinkTsError(err) && (cause === undefined || cause === null) ? ` [${err.code}]` : '';
    lines.push(...`${prefix}${err.name}${code}: ${err.message}`.split('\n'));
    if (cause === undefined || cause === null) {
      // Frames of errors flink-ts raises itself point into flink-ts, not into the user's code;
      // a thrown non-Error has no frames of its own.
      if (current instanceof Error && !isFlinkTsError(err)) lines.push(...stackFrames(err));
      break;
    }
    current = cause;
  }
  return lines;
}

function stackFrames(error: Error): string[] {
  return (error.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line) && !CLIENT_FRAME_MARKERS.some((marker) => line.includes(marker)))
    .map((line) => `    ${line.trim()}`);
}

/**
 * `run --json`: stdout carries exactly one JSON object, the run's summary. Everything else the
 * process would print there (the client's `Job has been submitted …` lines, the program's own
 * `console.log`, `print()` sinks of the local target's slot workers) goes to stderr instead, so
 * that a CI script can `JSON.parse` stdout as it is.
 *
 * Diverting `process.stdout.write` is what catches all of these: user code and worker threads
 * write through it (a worker's stdout is piped into the parent's `process.stdout`), and Node
 * has no way to redirect file descriptor 1 itself.
 */
import type { ClientOutput } from './cli-output.js';

export interface DivertedStdout {
  /** The client's output while diverted: both streams go to stderr. */
  readonly output: ClientOutput;
  /** Puts stdout back and writes `value` there as one line of JSON. */
  printJson(value: unknown): void;
}

/** Sends everything written to stdout to stderr, until {@link DivertedStdout.printJson}. */
export function divertStdout(): DivertedStdout {
  const originalWrite = process.stdout.write.bind(process.stdout);
  process.stdout.write = process.stderr.write.bind(process.stderr);
  const err = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  return {
    output: { out: err, err },
    printJson(value: unknown): void {
      process.stdout.write = originalWrite;
      originalWrite(`${JSON.stringify(value)}\n`);
    },
  };
}

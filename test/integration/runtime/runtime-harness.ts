/**
 * Helpers for the runtime integration tests: run a fixture job through the built CLI (real
 * MiniCluster, real slot worker threads), then read what it printed, the job states it logged and
 * the files it wrote. Expected results are always computed by the tests themselves.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliProcess, CliResult } from '../cli/cli-harness.js';
import { assertBuilt, describeResult, startCli } from '../cli/cli-harness.js';

export { ROOT, assertBuilt, describeResult } from '../cli/cli-harness.js';
export type { CliProcess, CliResult } from '../cli/cli-harness.js';

export const RUNTIME_FIXTURES = fileURLToPath(new URL('../../fixtures/jobs/runtime/', import.meta.url));

export function fixture(name: string): string {
  return join(RUNTIME_FIXTURES, name);
}

const tempDirs: string[] = [];

/** A temp directory removed when the test process exits (also when a test fails halfway). */
export function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `flink-ts-rt-${label}-`));
  // One exit listener for all of them: a file with many runs would otherwise pass Node's listener limit.
  if (tempDirs.length === 0) {
    process.on('exit', () => {
      for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
    });
  }
  tempDirs.push(dir);
  return dir;
}

export interface RunOptions {
  /** `-p`; omitted when undefined. */
  readonly parallelism?: number;
  /** Job arguments (after the job file). */
  readonly args?: readonly string[];
  /** `-D key=value` entries. */
  readonly defines?: readonly string[];
  readonly cwd?: string;
}

export interface JobRun extends CliResult {
  /** The cluster's log lines of this run (job and task state changes). */
  readonly log: string;
}

/** The CLI arguments of a run; the cluster log goes to a fresh directory so each run can read its own. */
function cliArgs(job: string, options: RunOptions, logDir: string): string[] {
  const args = ['run'];
  if (options.parallelism !== undefined) args.push('-p', String(options.parallelism));
  for (const define of [`env.log.dir=${logDir}`, ...(options.defines ?? [])]) args.push('-D', define);
  args.push(job, ...(options.args ?? []));
  return args;
}

/** A running CLI whose cluster log can be read once it has ended. */
export interface StartedJob {
  readonly cli: CliProcess;
  /** Resolves when the CLI has exited. */
  readonly ended: Promise<JobRun>;
}

export function startJob(job: string, options: RunOptions = {}): StartedJob {
  assertBuilt();
  const logDir = tempDir('log');
  const cli = startCli(cliArgs(job, options, logDir), options.cwd === undefined ? {} : { cwd: options.cwd });
  const ended = cli.exited.then((result) => ({ ...result, log: readLogs(logDir) }));
  return { cli, ended };
}

/** Runs a job to its end through the CLI. */
export function runJob(job: string, options: RunOptions = {}): Promise<JobRun> {
  return startJob(job, options).ended;
}

function readLogs(dir: string): string {
  return readdirSync(dir)
    .map((name) => readFileSync(join(dir, name), 'utf8'))
    .join('');
}

/** Asserts a clean end: exit 0 and every job FINISHED. */
export function assertFinished(run: JobRun, jobs = 1): void {
  assert.equal(run.code, 0, describeResult(run));
  assert.deepEqual(terminalStates(run.log), Array<string>(jobs).fill('FINISHED'), describeResult(run));
}

/** The terminal state of each job, in the order they ended, from the Dispatcher's log lines. */
export function terminalStates(log: string): string[] {
  return [...log.matchAll(/Job [0-9a-f]{32} reached globally terminal state (\w+)\./g)].map((m) => m[1] ?? '');
}

/** The ids the client reported on submission, in order. */
export function submittedJobIds(stdout: string): string[] {
  return [...stdout.matchAll(/^Job has been submitted with JobID ([0-9a-f]{32})$/gm)].map((m) => m[1] ?? '');
}

const CLIENT_LINE = /^(Job has been submitted with JobID |Program execution finished$|Job with JobID |Job Runtime: |Accumulator Results:|- \S+ \(\w+\): )/;

/** What the job and the program printed: stdout without the client's own report lines. */
export function outputLines(stdout: string): string[] {
  return stdout.split('\n').filter((line) => line !== '' && !CLIENT_LINE.test(line));
}

/** The accumulators the CLI printed after each job's `Accumulator Results:` line, `name → type:value`, one map per job. */
export function printedAccumulators(stdout: string): Record<string, string>[] {
  const sections: Record<string, string>[] = [];
  let current: Record<string, string> | undefined;
  for (const line of stdout.split('\n')) {
    if (line.startsWith('Accumulator Results:')) {
      current = {};
      sections.push(current);
      continue;
    }
    const match = /^- (\S+) \((\w+)\): (.*)$/.exec(line);
    if (current !== undefined && match !== null) current[match[1] ?? ''] = `${match[2] ?? ''}:${match[3] ?? ''}`;
    else current = undefined;
  }
  return sections;
}

/** One line of a print sink: the subtask (1-based) it came from, and the printed record. */
export interface Printed {
  readonly subtask: number;
  readonly value: string;
}

/**
 * The lines a `print(identifier)` sink of parallelism `p` printed, checking Flink's prefix rule on
 * each: `identifier:N> ` with N in 1..p when p > 1, `identifier> ` when p = 1 (subtask 1).
 * Without an identifier: `N> ` when p > 1, no prefix at all when p = 1 (then every line of
 * `lines` is taken).
 */
export function printedBy(lines: readonly string[], identifier: string | undefined, p: number): Printed[] {
  const out: Printed[] = [];
  const head = identifier === undefined ? '' : identifier;
  for (const line of lines) {
    if (identifier !== undefined && !line.startsWith(`${head}:`) && !line.startsWith(`${head}> `)) continue;
    if (p === 1) {
      if (identifier === undefined) {
        out.push({ subtask: 1, value: line });
        continue;
      }
      assert.ok(line.startsWith(`${head}> `), `'${line}': a print sink at parallelism 1 prefixes '${head}> ' only`);
      out.push({ subtask: 1, value: line.slice(head.length + 2) });
      continue;
    }
    const match = (identifier === undefined ? /^(\d+)> (.*)$/ : /^:(\d+)> (.*)$/).exec(line.slice(head.length));
    assert.ok(match !== null, `'${line}': a print sink at parallelism ${p} prefixes '${identifier === undefined ? '' : `${head}:`}N> '`);
    const subtask = Number(match[1]);
    assert.ok(Number.isInteger(subtask) && subtask >= 1 && subtask <= p, `'${line}': subtask ${subtask} is not in 1..${p}`);
    out.push({ subtask, value: match[2] ?? '' });
  }
  return out;
}

export function values(printed: readonly Printed[]): string[] {
  return printed.map((entry) => entry.value);
}

/** Asserts equal multisets, reporting the differences rather than two long lists. */
export function assertSameMultiset(actual: readonly string[], expected: readonly string[], what: string): void {
  const counts = new Map<string, number>();
  for (const line of expected) counts.set(line, (counts.get(line) ?? 0) + 1);
  for (const line of actual) counts.set(line, (counts.get(line) ?? 0) - 1);
  const missing: string[] = [];
  const extra: string[] = [];
  for (const [line, n] of counts) {
    for (let i = 0; i < n; i++) missing.push(line);
    for (let i = 0; i < -n; i++) extra.push(line);
  }
  assert.ok(
    missing.length === 0 && extra.length === 0,
    `${what}: ${actual.length} lines, expected ${expected.length}; missing ${JSON.stringify(missing.slice(0, 20))}` +
      `${missing.length > 20 ? ` (+${missing.length - 20})` : ''}, unexpected ${JSON.stringify(extra.slice(0, 20))}${extra.length > 20 ? ` (+${extra.length - 20})` : ''}`,
  );
}

/**
 * Asserts that all records of a key came from one subtask (keyBy partitions) and returns the
 * subtask of each key.
 */
export function assertOneSubtaskPerKey(printed: readonly Printed[], keyOf: (value: string) => string, what: string): Map<string, number> {
  const owner = new Map<string, number>();
  for (const { subtask, value } of printed) {
    const key = keyOf(value);
    const seen = owner.get(key);
    if (seen === undefined) owner.set(key, subtask);
    else assert.equal(subtask, seen, `${what}: key '${key}' printed by subtask ${seen} and by subtask ${subtask}`);
  }
  return owner;
}

/** Groups values by key, keeping their order. */
export function groupBy<T>(items: Iterable<T>, keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = groups.get(key);
    if (list === undefined) groups.set(key, [item]);
    else list.push(item);
  }
  return groups;
}

/** Every file below `dir` (relative paths, sorted), hidden ones included. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push(relative(dir, path));
    }
  };
  walk(dir);
  return out.sort();
}

/** Resolves with `promise`, or rejects after `ms` saying what did not happen in time. */
export async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`Timed out after ${ms} ms waiting for ${what}`));
    }, ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Resolves once `predicate(stdout)` holds, checked at every chunk the CLI writes. Rejects when the
 * CLI exits first or `ms` pass; the CLI is killed then, so a failing test does not leave it running.
 */
export function waitForOutput(cli: CliProcess, predicate: (stdout: string) => boolean, ms: number, what: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const stdout = cli.child.stdout;
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      stdout?.off('data', check);
      cli.child.off('close', onClose);
      if (error === undefined) {
        resolve();
        return;
      }
      cli.child.kill('SIGKILL');
      reject(new Error(`${error.message}\nstdout (end):\n${cli.stdout.slice(-3000)}\nstderr:\n${cli.stderr}`));
    };
    // Registered after the CliProcess's own listener, so cli.stdout already holds the chunk.
    const check = (): void => {
      if (predicate(cli.stdout)) finish();
    };
    const onClose = (): void => {
      finish(new Error(`The CLI exited before ${what}`));
    };
    const timer = setTimeout(() => {
      finish(new Error(`Timed out after ${ms} ms waiting for ${what}`));
    }, ms);
    stdout?.on('data', check);
    cli.child.on('close', onClose);
    check();
  });
}

/** Waits until the CLI's stdout matches `pattern`, at most `ms`. */
export function waitForStdout(cli: CliProcess, pattern: RegExp, ms: number): Promise<void> {
  return waitForOutput(cli, (stdout) => pattern.test(stdout), ms, `${String(pattern)} on stdout`);
}

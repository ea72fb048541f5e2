/**
 * Helpers for the process tests: sandboxes (temp pid, log and working directories), running the
 * built CLI and fixture mains as real processes, polling with deadlines instead of sleeping, and
 * making sure that every process a test started is gone afterwards.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { ClientOutput } from '../../../src/client/cli-output.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BIN = join(ROOT, 'bin', 'flink-ts');
export const FIXTURE_DAEMON = fileURLToPath(new URL('../../fixtures/entrypoints/fixture-daemon.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

/** Fails with what to do when the CLI has not been built (npm test builds first). */
export function assertBuilt(): void {
  assert.ok(
    existsSync(join(ROOT, 'dist', 'commands', 'taskmanager', 'start.js')) && existsSync(join(ROOT, 'dist', 'entrypoints', 'taskmanager.js')),
    `The CLI is not built under ${ROOT}: run \`npm run build\` before these tests.`,
  );
}

/** The environment of the test process without anything that would pick another conf dir or user. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['FLINK_TS_CONF_DIR', 'FLINK_TS_PROPERTIES', 'FLINK_IDENT_STRING', 'NODE_OPTIONS']) delete env[key];
  return { ...env, ...extra };
}

/** A working directory with its own pid and log directories, passed to commands as `-D`. */
export class Sandbox {
  readonly dir: string;
  readonly pidDir: string;
  readonly logDir: string;

  constructor(name: string) {
    this.dir = mkdtempSync(join(tmpdir(), `flink-ts-${name}-`));
    this.pidDir = join(this.dir, 'pids');
    this.logDir = join(this.dir, 'logs');
  }

  /** `-D` values pointing pid and log files into the sandbox, plus `extra`. */
  properties(...extra: string[]): string[] {
    return [`env.pid.dir=${this.pidDir}`, `env.log.dir=${this.logDir}`, ...extra];
  }

  /** The same as command-line arguments. */
  propertyArgs(...extra: string[]): string[] {
    return this.properties(...extra).flatMap((p) => ['-D', p]);
  }

  pidFile(user: string, daemon: string): string {
    return join(this.pidDir, `flink-${user}-${daemon}.pid`);
  }

  logFiles(): string[] {
    return existsSync(this.logDir) ? readdirSync(this.logDir).sort() : [];
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The pids in a pid file, oldest first; [] when it does not exist. */
export function readPidFile(path: string): number[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map(Number);
}

/**
 * True when no process has this pid. A zombie (ended, not yet reaped by its parent) counts as
 * gone: it holds no resources, and whether it is reaped depends on the parent, not on the test.
 */
export function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return /^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

/** Polls `probe` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let delay = 10;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() >= deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await sleep(delay);
    delay = Math.min(delay * 2, 100);
  }
}

/** Remembers every pid a test may have started, and makes sure they are all gone at the end. */
export class ProcessTracker {
  private readonly pids = new Set<number>();

  track(...pids: readonly (number | undefined)[]): void {
    for (const pid of pids) if (pid !== undefined) this.pids.add(pid);
  }

  /** Tracks the pids currently in a pid file. */
  trackPidFile(path: string): number[] {
    const pids = readPidFile(path);
    this.track(...pids);
    return pids;
  }

  /** SIGKILLs whatever is left and asserts that every tracked process is gone. */
  async cleanUp(): Promise<void> {
    for (const pid of this.pids) {
      if (isGone(pid)) continue;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
    for (const pid of this.pids) await waitFor(`process ${pid} to be gone`, () => isGone(pid), 10_000);
    for (const pid of this.pids) assert.ok(isGone(pid), `process ${pid} is still running`);
    this.pids.clear();
  }
}

export interface ProcessResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A child process whose output is collected as it arrives. */
export class RunningProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<ProcessResult>;

  constructor(readonly child: ChildProcess) {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise<ProcessResult>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal, stdout: this.stdout, stderr: this.stderr }));
    });
  }

  get pid(): number {
    assert.ok(this.child.pid !== undefined, 'the process did not start');
    return this.child.pid;
  }

  /** Waits until stdout or stderr matches; fails if the process ends first. */
  async waitForOutput(pattern: RegExp, timeoutMs = 20_000): Promise<void> {
    let ended = false;
    void this.exited.then(() => (ended = true));
    await waitFor(
      `output matching ${String(pattern)}`,
      () => {
        if (pattern.test(this.stdout) || pattern.test(this.stderr)) return true;
        if (ended) throw new Error(`The process ended before printing ${String(pattern)}.\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
        return false;
      },
      timeoutMs,
    );
  }

  signal(name: NodeJS.Signals): void {
    this.child.kill(name);
  }
}

/** Runs `flink-ts <args>` (the built CLI) to completion. */
export async function runCli(args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<ProcessResult> {
  return startCli(args, options).exited;
}

/** Starts `flink-ts <args>` (the built CLI). */
export function startCli(args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): RunningProcess {
  return new RunningProcess(
    spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: options.env ?? cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] }),
  );
}

/** Starts the fixture main in the foreground (logs on stderr) with the given behaviour. */
export function startFixture(behaviour: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): RunningProcess {
  return new RunningProcess(
    spawn(process.execPath, ['--import', TSX, FIXTURE_DAEMON, ...args], {
      cwd: options.cwd,
      env: { ...(options.env ?? cleanEnv()), FLINK_TS_FIXTURE_BEHAVIOUR: behaviour },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}

/** A ClientOutput that keeps the lines for assertions. */
export class CapturedOutput implements ClientOutput {
  readonly outLines: string[] = [];
  readonly errLines: string[] = [];
  out(line: string): void {
    this.outLines.push(line);
  }
  err(line: string): void {
    this.errLines.push(line);
  }
  get stdout(): string {
    return this.outLines.join('\n');
  }
  get stderr(): string {
    return this.errLines.join('\n');
  }
}

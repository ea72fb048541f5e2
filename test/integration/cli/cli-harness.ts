/**
 * Runs the built CLI (`node bin/flink-ts ...`) as a child process, as a user would.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BIN = fileURLToPath(new URL('../../../bin/flink-ts', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../../fixtures/jobs/', import.meta.url));

/** Fails with what to do when the CLI has not been built (npm test builds before testing). */
export function assertBuilt(): void {
  assert.ok(
    existsSync(new URL('../../../dist/commands/run.js', import.meta.url)),
    `The CLI is not built (no dist/commands/run.js under ${ROOT}): run \`npm run build\` before the CLI integration tests.`,
  );
}

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** A running CLI process whose output is collected as it arrives. */
export class CliProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<CliResult>;
  private readonly waiters = new Set<() => void>();

  constructor(readonly child: ChildProcess) {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      this.notify();
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
      this.notify();
    });
    this.exited = new Promise<CliResult>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => {
        this.notify();
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr });
      });
    });
  }

  /** Resolves once stdout matches `pattern`; rejects if the process ends first. */
  async waitForStdout(pattern: RegExp): Promise<RegExpMatchArray> {
    for (;;) {
      const match = pattern.exec(this.stdout);
      if (match !== null) return match;
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`The CLI exited before printing ${String(pattern)}.\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      }
      await new Promise<void>((resolve) => {
        this.waiters.add(resolve);
      });
    }
  }

  private notify(): void {
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }
}

let isolatedConfDir: string | undefined;

/**
 * A conf dir with an empty config.yaml: the tests must not depend on the repository's conf/ or on
 * the developer's FLINK_TS_* variables.
 */
export function emptyConfDir(): string {
  if (isolatedConfDir === undefined) {
    const parent = mkdtempSync(join(tmpdir(), 'flink-ts-cli-test-'));
    process.on('exit', () => {
      rmSync(parent, { recursive: true, force: true });
    });
    isolatedConfDir = join(parent, 'conf');
    mkdirSync(isolatedConfDir);
    writeFileSync(join(isolatedConfDir, 'config.yaml'), '');
  }
  return isolatedConfDir;
}

export function startCli(args: readonly string[], options: CliOptions = {}): CliProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, FLINK_TS_CONF_DIR: emptyConfDir(), ...options.env };
  delete env.FLINK_TS_PROPERTIES;
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new CliProcess(child);
}

/** Runs the CLI to its end. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).exited;
}

/** The JSON documents between Flink's `Execution Plan` rulers. */
export function executionPlans(stdout: string): unknown[] {
  const plans: unknown[] = [];
  const pattern = /-{23} Execution Plan -{23}\n([\s\S]*?)\n-{62}/g;
  for (const match of stdout.matchAll(pattern)) plans.push(JSON.parse(match[1] ?? ''));
  return plans;
}

/** A compact description of a result, for assertion messages. */
export function describeResult(result: CliResult): string {
  return `exit ${String(result.code)}${result.signal === null ? '' : ` (${result.signal})`}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
}

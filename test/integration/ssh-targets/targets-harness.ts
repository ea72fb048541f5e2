/**
 * The set-up of the ssh target tests (ssh-session, run -t ssh-per-job, run -t ssh-application):
 * real sshd hosts on 127.0.0.2 and 127.0.0.3 (test/support/sshd.ts), a launcher conf dir with
 * masters and workers (../ssh/ssh-harness.ts), contexts in a FLINK_TS_HOME of the test's own, and
 * the built CLI run as a user runs it.
 *
 * All "hosts" are this machine, so what a cluster left behind can be checked exactly: its
 * processes are found in /proc by their `--configDir`, which names the cluster's directory on
 * the host, and its files in each host's home directory.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import type { SshdHosts } from '../../support/sshd.js';
import { startSshdHosts } from '../../support/sshd.js';
import type { ProcessResult } from '../entrypoints/daemon-harness.js';
import { BIN, RunningProcess, isGone, waitFor } from '../entrypoints/daemon-harness.js';
import type { LauncherFiles } from '../ssh/ssh-harness.js';
import { LauncherFixture, filesBelow } from '../ssh/ssh-harness.js';

export { describeResult } from '../ssh/ssh-harness.js';
export { isGone, waitFor } from '../entrypoints/daemon-harness.js';
export type { ProcessResult } from '../entrypoints/daemon-harness.js';

export const WORD_COUNT = fileURLToPath(new URL('../ssh/jobs/spread-word-count.ts', import.meta.url));
export const UNBOUNDED = fileURLToPath(new URL('../../fixtures/jobs/cluster/unbounded.ts', import.meta.url));
export const FAILING = fileURLToPath(new URL('../../fixtures/jobs/cluster/failing-map.ts', import.meta.url));
export const TWO_JOBS = fileURLToPath(new URL('../../fixtures/jobs/two-jobs.ts', import.meta.url));
export const THROWS_IN_MAIN = fileURLToPath(new URL('../../fixtures/jobs/throws-in-main.ts', import.meta.url));
export const HOSTS = ['127.0.0.2', '127.0.0.3'] as const;

/** The word count's exact result lines. */
export const WORD_COUNT_LINES = ['alpha=90', 'beta=60', 'delta=60', 'gamma=20'];

export function wordCountLines(stdout: string): string[] {
  return stdout.split('\n').filter((line) => /^\w+=\d+$/.test(line));
}

export function getJson<T>(url: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text) as T) : reject(new Error(`GET ${url}: ${res.statusCode ?? '?'} ${text}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Whether the job is RUNNING with every task RUNNING. A job counts as RUNNING while its tasks
 * still deploy; the tests interrupt jobs only once their tasks run, which is what they test.
 */
export async function allTasksRunning(rest: string, jobId: string): Promise<boolean> {
  const { jobs } = await getJson<{ jobs: { jid: string; state: string; tasks: { total: number; running: number } }[] }>(`${rest}/jobs/overview`);
  const job = jobs.find((j) => j.jid === jobId);
  return job !== undefined && job.state === 'RUNNING' && job.tasks.total > 0 && job.tasks.running === job.tasks.total;
}

/** A daemon found in /proc: its pid and the cluster and host directory its `--configDir` names. */
export interface FoundDaemon {
  readonly pid: number;
  readonly clusterId: string;
  readonly host: string;
  readonly role: 'jobmanager' | 'taskmanager';
}

interface ContextsFile {
  readonly current?: string;
  readonly contexts: Record<string, { name: string; target: string; restAddress: string; clusterId?: string; createdAt: number }>;
}

export class TargetsFixture {
  readonly launcher: LauncherFixture;
  /** FLINK_TS_HOME: where the contexts go, instead of the developer's ~/.flink-ts. */
  readonly flinkHome: string;
  private readonly started = new Set<RunningProcess>();

  constructor(
    readonly sshd: SshdHosts,
    name: string,
  ) {
    this.launcher = new LauncherFixture(sshd, name);
    this.flinkHome = join(this.launcher.dir, 'flink-ts-home');
  }

  /** masters 127.0.0.2 (no port: the deployment chooses free ones), workers both hosts. */
  write(files: Partial<LauncherFiles> = {}): void {
    this.launcher.write({ masters: ['127.0.0.2'], workers: [...HOSTS], ...files });
  }

  env(): NodeJS.ProcessEnv {
    return { ...this.launcher.env(), FLINK_TS_HOME: this.flinkHome };
  }

  /** Starts `flink-ts <args>`; with `stdin: true` its stdin is a pipe the test writes to. */
  start(args: readonly string[], options: { stdin?: boolean } = {}): RunningProcess {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: this.launcher.dir, env: this.env(), stdio: [options.stdin === true ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    const running = new RunningProcess(child);
    this.started.add(running);
    void running.exited.finally(() => this.started.delete(running));
    return running;
  }

  /** Runs `flink-ts <args>` to its end (at most 2 min). */
  cli(...args: string[]): Promise<ProcessResult> {
    return exitWithin(this.start(args), 120_000);
  }

  contexts(): ContextsFile {
    const file = join(this.flinkHome, 'contexts.json');
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ContextsFile) : { contexts: {} };
  }

  /** Every daemon of these sshd hosts that runs now (of one cluster, when given). */
  daemons(clusterId?: string): FoundDaemon[] {
    const found: FoundDaemon[] = [];
    const pattern = /\/\.flink-ts\/clusters\/([^/]+)\/([^/]+)\/conf$/;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let args: string[];
      try {
        args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      } catch {
        continue;
      }
      const configDir = args[args.indexOf('--configDir') + 1];
      if (!args.includes('--configDir') || configDir === undefined || !configDir.startsWith(`${this.sshd.dir}/`)) continue;
      const match = pattern.exec(configDir);
      if (match === null || (clusterId !== undefined && match[1] !== clusterId)) continue;
      const pid = Number(entry);
      if (isGone(pid)) continue;
      // The log file is named after the daemon: flink-<user>-taskexecutor-<n>-<host>.log.
      const role = (args[args.indexOf('--logFile') + 1] ?? '').includes('-taskexecutor-') ? 'taskmanager' : 'jobmanager';
      found.push({ pid, clusterId: match[1] ?? '', host: match[2] ?? '', role });
    }
    return found.sort((a, b) => a.pid - b.pid);
  }

  /** Whatever of the cluster is on the hosts besides its logs: [] when it was removed properly. */
  leftovers(clusterId: string): string[] {
    const left: string[] = [];
    for (const address of HOSTS) {
      const dir = this.launcher.clusterDir(address, clusterId);
      for (const sub of ['conf', 'pid', 'tmp']) if (existsSync(join(dir, sub))) left.push(`${address}:${sub}/`);
      for (const file of filesBelow(dir)) if (!file.startsWith('log/')) left.push(`${address}:${file}`);
    }
    // The launcher's own record of the cluster's hosts.
    if (existsSync(join(this.launcher.home, '.flink-ts', 'clusters', clusterId))) left.push(`launcher:~/.flink-ts/clusters/${clusterId}`);
    return left;
  }

  /** Asserts that nothing of the cluster runs or is left on any host but its logs. */
  assertRemoved(clusterId: string): void {
    assert.deepEqual(this.daemons(clusterId), [], `no process of ${clusterId} is left`);
    assert.deepEqual(this.leftovers(clusterId), [], `no file of ${clusterId} but logs is left`);
  }

  /**
   * Ends the CLI processes still running and every daemon of these hosts, then asserts that
   * there were none: every test must have removed its clusters itself.
   */
  async cleanUp(): Promise<void> {
    for (const running of this.started) running.child.kill('SIGKILL');
    const left = this.daemons();
    for (const daemon of left) {
      try {
        process.kill(daemon.pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
    for (const daemon of left) await waitFor(`process ${daemon.pid} to be gone`, () => isGone(daemon.pid), 10_000);
    await this.launcher.cleanUp();
    assert.deepEqual(left, [], 'the tests left no daemon running');
  }
}

/**
 * The CLI's result once it exited; fails (and kills it) when it has not within `timeoutMs`, with
 * its output so far, so that a client that hangs fails its test instead of the whole file.
 */
export async function exitWithin(run: RunningProcess, timeoutMs = 90_000): Promise<ProcessResult> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      run.child.kill('SIGKILL');
      reject(new Error(`The CLI did not exit within ${timeoutMs} ms.\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([run.exited, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** The cluster id in a line such as `Per-job cluster 'perjob-1a2b3c4d' is up`. */
export function clusterIdIn(text: string, kind: 'Per-job' | 'Application' | 'Session'): string {
  const id = new RegExp(`${kind} cluster '([A-Za-z0-9._-]+)' is (?:up|running)`).exec(text)?.[1];
  assert.ok(id !== undefined, `no ${kind.toLowerCase()} cluster id in:\n${text}`);
  return id;
}

/**
 * The set-up every `run -t ssh-*` test file shares: two sshd hosts and a {@link TargetsFixture}
 * with the default masters and workers, started before the file's tests and cleaned up after
 * them (failing the file when a test left a daemon). Call it at the top of a `describe`; the
 * returned function gives the fixture to the tests.
 */
export function useTargetsFixture(name: string): () => TargetsFixture {
  let sshd: SshdHosts | undefined;
  let fixture: TargetsFixture | undefined;
  before(async () => {
    sshd = await startSshdHosts({ count: 2 });
    fixture = new TargetsFixture(sshd, name);
    fixture.write();
  });
  after(async () => {
    try {
      await fixture?.cleanUp();
    } finally {
      await sshd?.stop();
    }
  });
  return () => {
    assert.ok(fixture !== undefined, 'the sshd hosts did not start');
    return fixture;
  };
}

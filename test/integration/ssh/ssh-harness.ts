/**
 * A launcher setup on real sshd hosts (test/support/sshd.ts) for the SSH tests: a temp dir with
 * the launcher's conf dir (config.yaml, masters, workers) and its own HOME, the built CLI run
 * exactly as a user runs it, the table it prints parsed, and each host's cluster directory
 * inspected. `cleanUp()` kills whatever a failed test left running and removes the temp dir.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { SshdHosts } from '../../support/sshd.js';
import type { ProcessResult } from '../entrypoints/daemon-harness.js';
import { ProcessTracker, assertBuilt, cleanEnv, isGone, runCli } from '../entrypoints/daemon-harness.js';

export { isGone, waitFor } from '../entrypoints/daemon-harness.js';
export type { ProcessResult } from '../entrypoints/daemon-harness.js';

export const ROOT = new URL('../../../', import.meta.url).pathname;

/** One row of the HOST ROLE PID RESULT table. */
export interface TableRow {
  readonly host: string;
  readonly role: string;
  readonly pid: number | undefined;
  readonly result: string;
}

export function describeResult(result: ProcessResult): string {
  return `exit ${String(result.code)}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
}

/** The rows of the table in `stdout` (after its header line). */
export function tableRows(stdout: string): TableRow[] {
  const lines = stdout.split('\n');
  const header = lines.findIndex((line) => /^HOST\s+ROLE\s+PID\s+RESULT$/.test(line));
  assert.ok(header !== -1, `no table in:\n${stdout}`);
  const rows: TableRow[] = [];
  for (const line of lines.slice(header + 1)) {
    const match = /^(\S+)\s+(jobmanager|taskmanager|poolagent|-)\s+(\d+|-)\s+(.+)$/.exec(line);
    if (match === null) break;
    rows.push({ host: match[1] ?? '', role: match[2] ?? '', pid: match[3] === '-' ? undefined : Number(match[3]), result: match[4] ?? '' });
  }
  return rows;
}

/** A port free on `address` right now. */
export function freePort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, address, () => {
      const bound = server.address();
      server.close(() => resolve(typeof bound === 'object' && bound !== null ? bound.port : 0));
    });
  });
}

/** Every file below `dir` (relative paths), [] when it does not exist. */
export function filesBelow(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (path: string): void => {
    for (const name of readdirSync(path)) {
      const child = join(path, name);
      if (statSync(child).isDirectory()) walk(child);
      else out.push(relative(dir, child));
    }
  };
  walk(dir);
  return out.sort();
}

export interface LauncherFiles {
  readonly masters: readonly string[];
  readonly workers: readonly string[];
  /** config.yaml entries on top of the SSH settings (identity file, known_hosts, port). */
  readonly config?: Readonly<Record<string, string | number | boolean>>;
}

export class LauncherFixture {
  readonly dir: string;
  readonly confDir: string;
  /** HOME of the launcher (where a generated cluster secret and added-hosts file go). */
  readonly home: string;
  private readonly tracker = new ProcessTracker();

  constructor(
    readonly sshd: SshdHosts,
    name: string,
  ) {
    assertBuilt();
    this.dir = mkdtempSync(join(tmpdir(), `flink-ts-ssh-${name}-`));
    this.confDir = join(this.dir, 'conf');
    this.home = join(this.dir, 'home');
    mkdirSync(this.confDir);
    mkdirSync(this.home);
  }

  /** Writes the conf dir: the SSH settings of the sshd hosts, `config`, masters and workers. */
  write(files: LauncherFiles): void {
    const entries: Record<string, string | number | boolean> = {
      'launcher.ssh.identity-file': this.sshd.identityFile,
      'launcher.ssh.known-hosts': this.sshd.knownHosts,
      'launcher.ssh.port': this.sshd.port,
      'launcher.ssh.connect-timeout': '5 s',
      // Quick failure detection keeps a test whose process died from waiting long.
      'heartbeat.interval': '1 s',
      'heartbeat.timeout': '5 s',
      ...files.config,
    };
    writeFileSync(join(this.confDir, 'config.yaml'), Object.entries(entries).map(([k, v]) => `${k}: ${JSON.stringify(v)}\n`).join(''));
    writeFileSync(join(this.confDir, 'masters'), files.masters.map((l) => `${l}\n`).join(''));
    writeFileSync(join(this.confDir, 'workers'), files.workers.map((l) => `${l}\n`).join(''));
  }

  env(): NodeJS.ProcessEnv {
    const env = cleanEnv({ FLINK_TS_CONF_DIR: this.confDir, HOME: this.home });
    // The tests authenticate with their identity file only.
    delete env.SSH_AUTH_SOCK;
    return env;
  }

  /** Runs `flink-ts <args>` (the built CLI); pids in its table are remembered for cleanUp(). */
  async cli(...args: string[]): Promise<ProcessResult> {
    const result = await runCli(args, { cwd: this.dir, env: this.env() });
    if (/^HOST\s+ROLE\s+PID\s+RESULT$/m.test(result.stdout)) this.tracker.track(...tableRows(result.stdout).map((row) => row.pid));
    return result;
  }

  /** `~/.flink-ts/clusters/<cluster>/<address>` on the host `address`. */
  clusterDir(address: string, cluster = 'default'): string {
    const host = this.sshd.hosts.find((h) => h.address === address);
    assert.ok(host !== undefined, `no sshd host ${address}`);
    return join(host.home, '.flink-ts', 'clusters', cluster, address);
  }

  /** Every file of the cluster on that host, relative to its cluster directory. */
  remoteFiles(address: string, cluster = 'default'): string[] {
    return filesBelow(this.clusterDir(address, cluster));
  }

  /** Kills anything still running and removes the temp dir. */
  async cleanUp(): Promise<void> {
    await this.tracker.cleanUp();
    if (process.env.FLINK_TS_KEEP_TEST_DIRS !== '1') rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Asserts that none of the pids is alive. */
export function assertGone(pids: readonly (number | undefined)[]): void {
  for (const pid of pids) if (pid !== undefined) assert.ok(isGone(pid), `process ${pid} is still running`);
}

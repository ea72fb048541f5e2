/**
 * The set-up of the pool target tests: a real redis-server, real agent daemons for 127.0.0.2 and
 * 127.0.0.3 (two slots and 8 GiB each) started with the built CLI, a conf dir pointing at that
 * Redis, and contexts in a FLINK_TS_HOME of the test's own. What a test leaves behind is checked
 * exactly: container processes are found in /proc by their container directories, and the pool
 * must have all its capacity back.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Configuration } from '../../../src/config/index.js';
import type { ApplicationStatus } from '../../../src/resourcemanager/pool/pool-model.js';
import { ResourcePool } from '../../../src/resourcemanager/pool/resource-pool.js';
import type { RedisServer } from '../../support/redis.js';
import { startRedis } from '../../support/redis.js';
import type { ProcessResult } from '../entrypoints/daemon-harness.js';
import { BIN, ProcessTracker, RunningProcess, assertBuilt, cleanEnv, isGone, readPidFile, runCli, startCli, waitFor } from '../entrypoints/daemon-harness.js';

export { isGone, waitFor } from '../entrypoints/daemon-harness.js';
export type { ProcessResult, RunningProcess } from '../entrypoints/daemon-harness.js';
export { exitWithin } from '../ssh-targets/targets-harness.js';
export { WORD_COUNT, WORD_COUNT_LINES, UNBOUNDED, FAILING, TWO_JOBS, allTasksRunning, wordCountLines, getJson } from '../ssh-targets/targets-harness.js';

export const HOSTS = ['127.0.0.2', '127.0.0.3'] as const;
const USER = 'pool-test';

export function describeResult(result: ProcessResult): string {
  return `exit ${String(result.code)}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
}

export class PoolFixture {
  readonly tracker = new ProcessTracker();
  redis!: RedisServer;
  pool!: ResourcePool;
  readonly dir = mkdtempSync(join(tmpdir(), 'flink-ts-pool-targets-'));
  readonly home = join(this.dir, 'home');
  env: NodeJS.ProcessEnv = {};

  constructor(private readonly extraConfig: readonly string[] = []) {}

  async start(): Promise<void> {
    assertBuilt();
    this.redis = await startRedis();
    mkdirSync(this.home);
    mkdirSync(join(this.dir, 'conf'));
    writeFileSync(
      join(this.dir, 'conf', 'config.yaml'),
      [
        `pool.redis-url: ${this.redis.url}`,
        'pool.heartbeat.interval: 200 ms',
        'pool.lease.ttl: 3 s',
        `env.pid.dir: ${join(this.dir, 'pid')}`,
        `env.log.dir: ${join(this.dir, 'log')}`,
        ...this.extraConfig,
        '',
      ].join('\n'),
    );
    this.env = cleanEnv({ FLINK_IDENT_STRING: USER, HOME: this.home, FLINK_TS_CONF_DIR: join(this.dir, 'conf'), FLINK_TS_HOME: join(this.dir, 'flink-ts-home') });
    this.pool = await ResourcePool.connect(Configuration.fromMap({ 'pool.redis-url': this.redis.url }), { mode: 'service' });
    for (const host of HOSTS) await this.startAgent(host);
  }

  async startAgent(host: string): Promise<void> {
    const started = await this.cli('pool', 'agent', 'start', '--host', host, '--slots', '2', '--memory', '8g');
    assert.equal(started.code, 0, describeResult(started));
  }

  get agentPidFile(): string {
    return join(this.dir, 'pid', `flink-${USER}-poolagent.pid`);
  }

  agentPids(): number[] {
    return readPidFile(this.agentPidFile).filter((pid) => !isGone(pid));
  }

  cli(...args: string[]): Promise<ProcessResult> {
    return runCli(args, { cwd: this.dir, env: this.env });
  }

  /** Starts `flink-ts <args>`; with `stdin: true` its stdin is a pipe the test writes to. */
  spawn(args: readonly string[], options: { stdin?: boolean } = {}): RunningProcess {
    if (options.stdin !== true) return startCli(args, { cwd: this.dir, env: this.env });
    return new RunningProcess(spawn(process.execPath, [BIN, ...args], { cwd: this.dir, env: this.env, stdio: ['pipe', 'pipe', 'pipe'] }));
  }

  /** Every container process of these agents that runs now. */
  containerProcesses(): number[] {
    const found: number[] = [];
    const marker = `${this.home}/.flink-ts/pool-agent/`;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let cmdline: string;
      try {
        cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      } catch {
        continue;
      }
      if (cmdline.includes(marker) && cmdline.includes('--configDir') && !isGone(Number(entry))) found.push(Number(entry));
    }
    return found;
  }

  async application(id: string): Promise<ApplicationStatus | undefined> {
    return this.pool.application(id);
  }

  /** Waits until no container runs and the pool has every slot back. */
  async assertNothingLeft(): Promise<void> {
    await waitFor('every container process to end', () => this.containerProcesses().length === 0, 30_000);
    await waitFor('the pool to have all its capacity back', async () => {
      const { hosts, queues } = await this.pool.status();
      return hosts.every((h) => h.state !== 'RUNNING' || (h.slotsFree === h.slotsTotal && h.memoryFree === h.memoryTotal)) && queues.every((q) => q.usedMemory === 0 && q.pendingRequests === 0);
    }, 30_000);
  }

  contexts(): { current?: string; contexts: Record<string, { name: string; target: string; restAddress: string; clusterId?: string; properties?: Record<string, string> }> } {
    try {
      return JSON.parse(readFileSync(join(this.dir, 'flink-ts-home', 'contexts.json'), 'utf8')) as ReturnType<PoolFixture['contexts']>;
    } catch {
      return { contexts: {} };
    }
  }

  async stop(): Promise<void> {
    try {
      await this.cli('pool', 'agent', 'stop-all');
      this.tracker.trackPidFile(this.agentPidFile);
      for (const pid of this.containerProcesses()) this.tracker.track(pid);
      await this.tracker.cleanUp();
    } finally {
      await this.pool.close();
      await this.redis.destroy();
      if (process.env.FLINK_TS_KEEP_TEST_DIRS !== '1') rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

export function applicationIdIn(text: string): string {
  const id = /(application_\d+_\d{4})/.exec(text)?.[1];
  assert.ok(id !== undefined, `an application id in:\n${text}`);
  return id;
}

/**
 * `npm run bench -- ssh-per-job`: a small WordCount (`-p 2`) with the built CLI's
 * `run -t ssh-per-job` on two loopback sshd hosts (127.0.0.2: master and worker, 127.0.0.3:
 * worker), from the command to its exit: CLI start-up, bundling, the JobManager's deployment,
 * two TaskManagers started on demand by the JobManager over SSH, the job, the result, and the
 * cluster stopped and removed from both hosts. Each run is checked: exact output, exit 0, no
 * process and no file but logs left. Target: < 4 s (median of 3, after one warm-up run).
 *
 * Baseline, in the same run and on the same hosts: what the launcher needs to bring up and take
 * down a cluster with nothing in it, i.e. `start-cluster` of a JobManager alone (empty
 * conf/workers) plus `stop-cluster`, as a user runs them. ratio = baseline / per-job: the share
 * of the per-job run that any cluster's start and stop costs anyway.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshdHosts } from '../test/support/sshd.js';
import type { SshdHosts } from '../test/support/sshd.js';
import { ROOT } from './cli.js';
import { freePort, median, range, timedCli } from './timed-cli.js';

const ROUNDS = 3;
const TARGET_MS = 4_000;
const JOB = join(ROOT, 'test', 'integration', 'ssh', 'jobs', 'spread-word-count.ts');
const EXPECTED = 'alpha=90,beta=60,delta=60,gamma=20';






/** Pids of daemons whose cluster directory is on the sshd hosts: none may be left after a run. */
function daemonsOf(sshd: SshdHosts): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue; // Ended meanwhile.
    }
    if (cmdline.includes(`${sshd.dir}/`) && cmdline.includes('/.flink-ts/clusters/')) pids.push(Number(entry));
  }
  return pids;
}

/** Files of a cluster on a host other than its logs. */
function leftovers(sshd: SshdHosts, clusterId: string): string[] {
  return sshd.hosts.flatMap((h) => ['conf', 'pid', 'tmp'].map((d) => join(h.home, '.flink-ts', 'clusters', clusterId, h.address, d)).filter((d) => existsSync(d)));
}

function writeConf(dir: string, sshd: SshdHosts, masters: string, workers: string, extra: readonly string[] = []): string {
  const confDir = join(dir, 'conf');
  mkdirSync(confDir, { recursive: true });
  writeFileSync(
    join(confDir, 'config.yaml'),
    [`launcher.ssh.identity-file: ${sshd.identityFile}`, `launcher.ssh.known-hosts: ${sshd.knownHosts}`, `launcher.ssh.port: ${sshd.port}`, ...extra, ''].join('\n'),
  );
  writeFileSync(join(confDir, 'masters'), masters);
  writeFileSync(join(confDir, 'workers'), workers);
  return confDir;
}

export async function sshPerJob(): Promise<Record<string, unknown>> {
  const sshd = await startSshdHosts({ count: 2 });
  const dir = mkdtempSync(join(tmpdir(), 'flink-ts-bench-ssh-per-job-'));
  try {
    const home = join(dir, 'home');
    mkdirSync(home);
    const baseEnv: NodeJS.ProcessEnv = { ...process.env, HOME: home, FLINK_TS_HOME: join(dir, 'flink-ts-home') };
    for (const name of ['FLINK_TS_PROPERTIES', 'SSH_AUTH_SOCK', 'NODE_OPTIONS']) delete baseEnv[name];

    const perJobEnv = { ...baseEnv, FLINK_TS_CONF_DIR: writeConf(join(dir, 'per-job'), sshd, '127.0.0.2\n', '127.0.0.2\n127.0.0.3\n') };
    const perJob: number[] = [];
    // The first round warms the page cache, the sshd processes and the artifact cache; it is not counted.
    for (let round = 0; round <= ROUNDS; round++) {
      const run = await timedCli(['run', '-t', 'ssh-per-job', '-p', '2', JOB], perJobEnv, dir);
      const counts = run.stdout.split('\n').filter((l) => /^\w+=\d+$/.test(l)).join(',');
      const clusterId = /Per-job cluster '([^']+)' is up/.exec(run.stderr)?.[1] ?? '';
      if (run.code !== 0 || counts !== EXPECTED || clusterId === '') throw new Error(`run -t ssh-per-job failed (exit ${String(run.code)}):\n${run.stdout}\n${run.stderr}`);
      const left = [...daemonsOf(sshd).map((pid) => `process ${pid}`), ...leftovers(sshd, clusterId)];
      if (left.length > 0) throw new Error(`the per-job cluster ${clusterId} left ${left.join(', ')}`);
      if (round > 0) perJob.push(run.ms);
    }

    const restPort = await freePort('127.0.0.2');
    const rpcPort = await freePort('127.0.0.2');
    const emptyEnv = { ...baseEnv, FLINK_TS_CONF_DIR: writeConf(join(dir, 'empty'), sshd, `127.0.0.2:${restPort}\n`, '', [`jobmanager.rpc.port: ${rpcPort}`]) };
    const baseline: number[] = [];
    for (let round = 0; round <= ROUNDS; round++) {
      const start = await timedCli(['start-cluster'], emptyEnv, dir);
      const stop = await timedCli(['stop-cluster'], emptyEnv, dir);
      if (start.code !== 0 || stop.code !== 0) throw new Error(`start-cluster/stop-cluster failed:\n${start.stdout}${start.stderr}\n${stop.stdout}${stop.stderr}`);
      if (round > 0) baseline.push(start.ms + stop.ms);
    }

    console.log(`baseline: start-cluster + stop-cluster of a JobManager alone:          ${range(baseline)}`);
    console.log(`run -t ssh-per-job, WordCount -p 2 (2 TaskManagers), cluster removed:  ${range(perJob)} (target < ${TARGET_MS} ms)`);
    return {
      ratio: Math.round((median(baseline) / median(perJob)) * 100) / 100,
      perJobMs: Math.round(median(perJob)),
      baselineMs: Math.round(median(baseline)),
      targetMs: TARGET_MS,
      rounds: ROUNDS,
    };
  } finally {
    await sshd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

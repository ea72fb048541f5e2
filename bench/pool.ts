/**
 * `npm run bench -- pool`: the resource pool against a redis-server and two agents of its own
 * (127.0.0.2 and 127.0.0.3, two slots each), with the built CLI:
 *
 * 1. allocation throughput of the Lua scripts (./pool-allocation.ts; target >= 10 k/s);
 * 2. container request -> TaskManager registered: a pool session's JobManager asks the pool for
 *    a TaskManager container for a one-slot job, and the TaskManager registers with it; measured
 *    in the JobManager's log, from "Requesting 1 TaskManager container(s)" to "Registering
 *    TaskManager" (target < 1 s). Baseline: a TaskManager process started directly
 *    (`taskmanager start-foreground` against a standalone JobManager) until it registered;
 *    ratio = baseline / pool;
 * 3. `run -t pool-per-job` of a small WordCount, from the command to its exit: submission, the
 *    JobManager container, TaskManager containers on demand, the job, the result, everything
 *    released (target < 4 s; Flink per-job on YARN takes tens of seconds). Baseline: the same job
 *    with `run -t local`; ratio = local / per-job.
 * Each is the median of 3 rounds after a warm-up.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedis } from '../test/support/redis.js';
import { ROOT } from './cli.js';
import { freePort, median, timedCli } from './timed-cli.js';
import type { Timed } from './timed-cli.js';
import { poolAllocation } from './pool-allocation.js';

const ROUNDS = 3;
const JOB = join(ROOT, 'test', 'integration', 'ssh', 'jobs', 'spread-word-count.ts');
const EXPECTED = 'alpha=90,beta=60,delta=60,gamma=20';



function check(result: Timed, what: string): Timed {
  if (result.code !== 0) throw new Error(`${what} failed (exit ${String(result.code)}):\n${result.stdout}\n${result.stderr}`);
  return result;
}


function counts(stdout: string): string {
  return stdout
    .split('\n')
    .filter((l) => /^\w+=\d+$/.test(l))
    .join(',');
}

async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function json<T>(url: string): Promise<T> {
  return (await (await fetch(url)).json()) as T;
}


/** ms from each "Requesting a TaskManager container" to the next "Registering TaskManager" in a JobManager log. */
function requestToRegistered(log: string): number[] {
  const out: number[] = [];
  let requested: number | undefined;
  for (const line of log.split('\n')) {
    const at = Date.parse(line.slice(0, 24));
    if (line.includes('Requesting 1 TaskManager container(s)')) requested = at;
    else if (line.includes('Registering TaskManager with ResourceID') && requested !== undefined) {
      out.push(at - requested);
      requested = undefined;
    }
  }
  return out;
}

function jobManagerLog(home: string): string {
  const root = join(home, '.flink-ts', 'pool-agent');
  for (const host of readdirSync(root)) {
    const containers = join(root, host, 'containers');
    let ids: string[];
    try {
      ids = readdirSync(containers);
    } catch {
      continue; // A host that never ran a container.
    }
    for (const id of ids) {
      try {
        return readFileSync(join(containers, id, 'log', 'jobmanager.log'), 'utf8');
      } catch {
        // A TaskManager's container.
      }
    }
  }
  return '';
}

export async function pool(): Promise<Record<string, unknown>> {
  const allocation = await poolAllocation();
  const redis = await startRedis({ appendfsync: 'everysec' });
  const dir = mkdtempSync(join(tmpdir(), 'flink-ts-bench-pool-'));
  const home = join(dir, 'home');
  mkdirSync(home);
  mkdirSync(join(dir, 'conf'));
  writeFileSync(
    join(dir, 'conf', 'config.yaml'),
    [`pool.redis-url: ${redis.url}`, 'pool.heartbeat.interval: 200 ms', `env.pid.dir: ${join(dir, 'pid')}`, `env.log.dir: ${join(dir, 'log')}`, 'resourcemanager.taskmanager-timeout: 1 s', ''].join('\n'),
  );
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, FLINK_TS_CONF_DIR: join(dir, 'conf'), FLINK_TS_HOME: join(dir, 'flink-ts-home') };
  try {
    for (const host of ['127.0.0.2', '127.0.0.3']) check(await timedCli(['pool', 'agent', 'start', '--host', host, '--slots', '2', '--memory', '8g'], env, dir), `agent ${host}`);

    // 2. container request -> TaskManager registered.
    const session = check(await timedCli(['pool-session', '-d', '-nm', 'bench'], env, dir), 'pool-session');
    const rest = /^JobManager Web Interface: (\S+)$/m.exec(session.stdout)?.[1] ?? '';
    for (let round = 0; round <= ROUNDS; round++) {
      await until('no TaskManager', async () => (await json<{ taskmanagers: number }>(`${rest}/overview`)).taskmanagers === 0);
      const run = check(await timedCli(['run', '-p', '1', JOB], env, dir), 'run on the session');
      if (counts(run.stdout) !== EXPECTED) throw new Error(`wrong result: ${run.stdout}`);
    }
    const poolStarts = requestToRegistered(jobManagerLog(home)).slice(1);
    check(await timedCli(['pool', 'kill', /application_\d+_\d+/.exec(session.stdout)?.[0] ?? ''], env, dir), 'pool kill');

    // Baseline: a TaskManager started directly against a standalone JobManager.
    const [restPort, rpcPort] = [await freePort(), await freePort()];
    const standalone = ['-D', `rest.port=${restPort}`, '-D', `jobmanager.rpc.port=${rpcPort}`];
    check(await timedCli(['jobmanager', 'start', ...standalone], env, dir), 'jobmanager start');
    const directStarts: number[] = [];
    for (let round = 0; round <= ROUNDS; round++) {
      const started = performance.now();
      const tm = spawn(process.execPath, [join(ROOT, 'bin', 'flink-ts'), 'taskmanager', 'start-foreground', ...standalone], { cwd: dir, env, stdio: 'ignore' });
      await until('the TaskManager to register', async () => (await json<{ taskmanagers: number }>(`http://127.0.0.1:${restPort}/overview`)).taskmanagers === 1);
      if (round > 0) directStarts.push(performance.now() - started);
      tm.kill('SIGTERM');
      await new Promise((r) => tm.once('exit', r));
      await until('the TaskManager to be gone', async () => (await json<{ taskmanagers: number }>(`http://127.0.0.1:${restPort}/overview`)).taskmanagers === 0);
    }
    check(await timedCli(['jobmanager', 'stop'], env, dir), 'jobmanager stop');

    // 3. pool-per-job WordCount, and the same job on the local target.
    const perJob: number[] = [];
    const local: number[] = [];
    for (let round = 0; round <= ROUNDS; round++) {
      const run = check(await timedCli(['run', '-t', 'pool-per-job', '-p', '2', JOB], env, dir), 'pool-per-job');
      if (counts(run.stdout) !== EXPECTED || !/Released the per-job cluster/.test(run.stderr)) throw new Error(`wrong per-job run: ${run.stdout}\n${run.stderr}`);
      const baseline = check(await timedCli(['run', '-t', 'local', '-p', '2', JOB], env, dir), 'local');
      if (round > 0) {
        perJob.push(run.ms);
        local.push(baseline.ms);
      }
    }

    const containerMs = median(poolStarts);
    const directMs = median(directStarts);
    const perJobMs = median(perJob);
    const localMs = median(local);
    console.log(`container request -> TaskManager registered: ${containerMs.toFixed(0)} ms (target < 1000); direct TaskManager start: ${directMs.toFixed(0)} ms; ratio ${(directMs / containerMs).toFixed(2)}`);
    console.log(`pool-per-job WordCount submit -> result -> released: ${perJobMs.toFixed(0)} ms (target < 4000); local run: ${localMs.toFixed(0)} ms; ratio ${(localMs / perJobMs).toFixed(2)}`);
    return {
      ...allocation,
      containerToRegisteredMs: Math.round(containerMs),
      directTaskManagerStartMs: Math.round(directMs),
      containerRatio: Number((directMs / containerMs).toFixed(2)),
      perJobMs: Math.round(perJobMs),
      localMs: Math.round(localMs),
      perJobRatio: Number((localMs / perJobMs).toFixed(2)),
      met: allocation.met === true && containerMs < 1000 && perJobMs < 4000,
    };
  } finally {
    await timedCli(['pool', 'agent', 'stop-all'], env, dir).catch(() => undefined);
    await timedCli(['jobmanager', 'stop-all'], env, dir).catch(() => undefined);
    await redis.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

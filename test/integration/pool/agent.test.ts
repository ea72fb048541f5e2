/**
 * Pool agents as users run them: the built CLI (`flink-ts pool agent start|stop`) starting real
 * agent daemons for 127.0.0.2 and 127.0.0.3 side by side, against a real redis-server, running
 * real TaskManager and JobManager processes as containers.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Configuration } from '../../../src/config/index.js';
import type { ContainerStatus } from '../../../src/resourcemanager/pool/pool-model.js';
import { ResourcePool } from '../../../src/resourcemanager/pool/resource-pool.js';
import type { RedisServer } from '../../support/redis.js';
import { startRedis } from '../../support/redis.js';
import { ProcessTracker, assertBuilt, cleanEnv, isGone, readPidFile, runCli, startCli, waitFor } from '../entrypoints/daemon-harness.js';
import type { ProcessResult } from '../entrypoints/daemon-harness.js';

const USER = 'agent-test';
const MB = 1024 ** 2;

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function describeResult(result: ProcessResult): string {
  return `exit ${String(result.code)}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
}

describe('pool agents (built CLI, real Redis, real containers)', () => {
  const tracker = new ProcessTracker();
  let redis: RedisServer;
  let pool: ResourcePool;
  let dir = '';
  let home = '';
  let pidFile = '';
  let env: NodeJS.ProcessEnv = {};
  const cli = (...args: string[]): Promise<ProcessResult> => runCli(args, { cwd: dir, env });
  const workDir = (host: string): string => join(home, '.flink-ts', 'pool-agent', host);
  const applicationConfiguration = (): Record<string, string> => ({
    'pool.redis-url': redis.url,
    'pool.heartbeat.interval': '200 ms',
    // No JobManager in the TaskManager-only tests: it must keep trying meanwhile.
    'jobmanager.rpc.address': '127.0.0.1',
    'taskmanager.registration.timeout': '10 min',
  });
  const containerOf = async (applicationId: string, id: string): Promise<ContainerStatus | undefined> => (await pool.containers(applicationId)).find((c) => c.id === id);

  before(async () => {
    assertBuilt();
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), 'flink-ts-pool-agent-'));
    home = join(dir, 'home');
    mkdirSync(home);
    mkdirSync(join(dir, 'conf'));
    writeFileSync(
      join(dir, 'conf', 'config.yaml'),
      [`pool.redis-url: ${redis.url}`, 'pool.heartbeat.interval: 200 ms', 'pool.lease.ttl: 3 s', `env.pid.dir: ${join(dir, 'pid')}`, `env.log.dir: ${join(dir, 'log')}`, ''].join('\n'),
    );
    env = cleanEnv({ FLINK_IDENT_STRING: USER, HOME: home, FLINK_TS_CONF_DIR: join(dir, 'conf') });
    pidFile = join(dir, 'pid', `flink-${USER}-poolagent.pid`);
    pool = await ResourcePool.connect(Configuration.fromMap({ 'pool.redis-url': redis.url }), { mode: 'command' });
  });
  after(async () => {
    tracker.trackPidFile(pidFile);
    await tracker.cleanUp();
    await pool.close();
    await redis.destroy();
    if (process.env.FLINK_TS_KEEP_TEST_DIRS !== '1') rmSync(dir, { recursive: true, force: true });
  });

  test('two agents with different --host start side by side and register their hosts', async () => {
    const first = await cli('pool', 'agent', 'start', '--host', '127.0.0.2', '--slots', '4', '--memory', '4g', '--labels', 'ssd,big');
    assert.equal(first.code, 0, describeResult(first));
    const second = await cli('pool', 'agent', 'start', '--host', '127.0.0.3', '--slots', '2', '--memory', '2g');
    assert.equal(second.code, 0, describeResult(second));
    assert.equal(tracker.trackPidFile(pidFile).length, 2);
    const { hosts } = await pool.status();
    assert.deepEqual(
      hosts.map((h) => [h.id, h.address, h.state, h.slotsTotal, h.memoryTotal, h.labels]),
      [
        ['127.0.0.2', '127.0.0.2', 'RUNNING', 4, 4 * 1024 * MB, ['ssd', 'big']],
        ['127.0.0.3', '127.0.0.3', 'RUNNING', 2, 2 * 1024 * MB, []],
      ],
    );
    for (const host of hosts) {
      assert.match(host.agentRestAddress, new RegExp(`^http://${host.id.replace(/\./g, '\\.')}:\\d+$`));
      assert.deepEqual(await httpGet(`${host.agentRestAddress}/containers`), { status: 200, body: '{"containers":[]}' });
    }
  });

  test('a second agent for the same host refuses to start, naming the first', async () => {
    const again = await cli('pool', 'agent', 'start', '--host', '127.0.0.2');
    assert.equal(again.code, 1, describeResult(again));
    assert.match(again.stderr, /An agent for host 127\.0\.0\.2 already runs \(pid \d+/);
    assert.equal(readPidFile(pidFile).length, 2);
  });

  let taskManagerApp = '';
  let taskManagerContainer = '';
  let taskManagerPid = 0;

  test('a container request launches a real TaskManager process in its container directory', async () => {
    taskManagerApp = await pool.submitApplication({ name: 'tm-only', user: USER, queue: 'default', type: 'session', configuration: applicationConfiguration(), clientLease: false });
    await pool.requestContainers({ applicationId: taskManagerApp, kind: 'taskmanager', slots: 1, memoryBytes: 512 * MB, properties: { 'taskmanager.numberOfTaskSlots': '1' } }, 1);
    const running = await waitFor('the container to run', async () => (await pool.containers(taskManagerApp)).find((c) => c.state === 'RUNNING' && c.pid !== undefined));
    taskManagerContainer = running.id;
    taskManagerPid = running.pid ?? 0;
    tracker.track(taskManagerPid);
    assert.equal(running.kind, 'taskmanager');
    const cdir = join(workDir(running.hostId), 'containers', running.id);
    const cmdline = readFileSync(`/proc/${taskManagerPid}/cmdline`, 'utf8').split('\0');
    assert.ok(cmdline.some((arg) => arg.endsWith('dist/entrypoints/taskmanager.js')), cmdline.join(' '));
    assert.deepEqual(cmdline.slice(cmdline.indexOf('--configDir'), cmdline.indexOf('--configDir') + 2), ['--configDir', join(cdir, 'conf')]);
    const logFile = join(cdir, 'log', 'taskmanager.log');
    await waitFor('the TaskManager to log its start', () => existsSync(logFile) && readFileSync(logFile, 'utf8').includes('started with 1 slot(s)'));
    assert.match(readFileSync(logFile, 'utf8'), new RegExp(`RPC .*${running.hostAddress.replace(/\./g, '\\.')}`));
  });

  test('releasing the container kills its process; its logs stay readable from the agent', async () => {
    await pool.releaseContainer(taskManagerApp, taskManagerContainer, 'released by the test');
    await waitFor('the TaskManager process to end', () => isGone(taskManagerPid));
    const ended = await waitFor('the exit report', async () => {
      const c = await containerOf(taskManagerApp, taskManagerContainer);
      return c?.exitCode !== undefined ? c : undefined;
    });
    assert.deepEqual([ended.state, ended.exitCode], ['KILLED', 0]);
    const host = (await pool.status()).hosts.find((h) => h.id === ended.hostId);
    assert.ok(host !== undefined);
    const files = await httpGet(`${host.agentRestAddress}/containers/${taskManagerContainer}/logs`);
    assert.equal(files.status, 200);
    assert.deepEqual((JSON.parse(files.body) as { files: { name: string }[] }).files.map((f) => f.name), ['taskmanager.log', 'taskmanager.out']);
    const log = await httpGet(`${host.agentRestAddress}/containers/${taskManagerContainer}/logs/taskmanager.log`);
    assert.equal(log.status, 200);
    assert.match(log.body, /Received SIGTERM: shutting down/);
  });

  test('flink-ts logs prints the logs of an application\'s containers, also after they ended', async () => {
    const result = await cli('logs', taskManagerApp, '--tail', '5');
    assert.equal(result.code, 0, describeResult(result));
    assert.match(result.stdout, new RegExp(`==> ${taskManagerContainer} \\(taskmanager on 127\\.0\\.0\\.[23], KILLED, exit code 0\\) taskmanager\\.log <==`));
    assert.match(result.stdout, /Terminating TaskManagerRunner \(taskexecutor\) with exit code 0\./);
    const unknown = await cli('logs', 'application_1700000000000_9999');
    assert.equal(unknown.code, 1, describeResult(unknown));
    assert.match(unknown.stderr, /The pool has no application 'application_1700000000000_9999'/);
  });

  test('a JobManager container binds free ports on its host and registers its real REST address', async () => {
    const app = await pool.submitApplication({ name: 'session', user: USER, queue: 'default', type: 'session', configuration: applicationConfiguration(), clientLease: false });
    await pool.requestContainers({ applicationId: app, kind: 'jobmanager', slots: 0, memoryBytes: 512 * MB, properties: {} }, 1);
    const running = await waitFor('the application to run', async () => {
      const status = await pool.application(app);
      return status?.state === 'RUNNING' && status.restAddress !== undefined ? status : undefined;
    }, 60_000);
    const [jm] = await pool.containers(app);
    assert.ok(jm !== undefined);
    tracker.track(jm.pid);
    const match = /^http:\/\/(127\.0\.0\.[23]):(\d+)$/.exec(running.restAddress ?? '');
    assert.ok(match !== null, `REST address ${String(running.restAddress)}`);
    assert.equal(match[1], jm.hostAddress);
    assert.notEqual(Number(match[2]), 0);
    const overview = await httpGet(`${running.restAddress ?? ''}/overview`);
    assert.equal(overview.status, 200, overview.body);
    const log = readFileSync(join(workDir(jm.hostId), 'containers', jm.id, 'log', 'jobmanager.log'), 'utf8');
    assert.ok(log.includes(`Rest endpoint listening at ${running.restAddress ?? ''}`), log);
    await pool.finishApplication(app, 'KILLED', 'killed by the test');
    await waitFor('the JobManager process to end', () => jm.pid !== undefined && isGone(jm.pid), 30_000);
  });

  test('launch specs from Redis that would write outside the container or carry launcher settings are refused: FAILED, nothing started', async () => {
    const outside = join(dir, 'outside');
    const cases: [Record<string, string>, Record<string, string>, RegExp][] = [
      [{ 'env.log.dir': outside }, {}, /^Rejected the launch spec of container_\S+: 'env\.log\.dir' points to .*outside the container's directory/],
      [{}, { 'launcher.ssh.user': 'root' }, /^Rejected the launch spec of container_\S+: 'launcher\.ssh\.user' is a launcher setting/],
      [{ '$internal.resourcemanager.driver': 'ssh' }, {}, /^Rejected the launch spec of container_\S+: '\$internal\.resourcemanager\.driver' is 'ssh'/],
    ];
    for (const [configuration, properties, why] of cases) {
      const app = await pool.submitApplication({ name: 'evil', user: USER, queue: 'default', type: 'session', configuration: { ...applicationConfiguration(), ...configuration }, clientLease: false });
      await pool.requestContainers({ applicationId: app, kind: 'taskmanager', slots: 1, memoryBytes: 256 * MB, properties }, 1);
      const ended = await waitFor('the container to be refused', async () => (await pool.containers(app)).find((c) => c.exitCode !== undefined));
      assert.deepEqual([ended.state, ended.exitCode, ended.pid], ['FAILED', -1000, undefined], JSON.stringify(ended));
      assert.match(ended.diagnostics, why);
      await pool.finishApplication(app, 'KILLED', 'done');
    }
    assert.ok(!existsSync(outside), 'nothing was written outside the containers');
  });

  test('kill -9 of an agent takes its containers down with it', async () => {
    const app = await pool.submitApplication({ name: 'crash', user: USER, queue: 'default', type: 'session', configuration: applicationConfiguration(), clientLease: false });
    await pool.requestContainers({ applicationId: app, kind: 'taskmanager', slots: 1, memoryBytes: 256 * MB, properties: {} }, 2);
    const containers = await waitFor('both containers to run', async () => {
      const all = await pool.containers(app);
      return all.length === 2 && all.every((c) => c.state === 'RUNNING' && c.pid !== undefined) ? all : undefined;
    });
    tracker.track(...containers.map((c) => c.pid));
    const onHost2 = containers.filter((c) => c.hostId === '127.0.0.2');
    assert.ok(onHost2.length > 0, `placed on ${containers.map((c) => c.hostId).join(', ')}`);
    const agentPid = readPidFile(pidFile)[0] ?? 0; // the 127.0.0.2 agent started first
    assert.ok(readFileSync(`/proc/${agentPid}/cmdline`, 'utf8').includes('$internal.pool.agent.host=127.0.0.2'));
    process.kill(agentPid, 'SIGKILL');
    for (const c of onHost2) await waitFor(`container ${c.id} to end with its agent`, () => c.pid !== undefined && isGone(c.pid), 30_000);
    for (const c of containers.filter((x) => x.hostId !== '127.0.0.2')) assert.ok(c.pid !== undefined && !isGone(c.pid), 'the other host\'s containers keep running');
    await pool.finishApplication(app, 'KILLED', 'done');
  });

  test('stop --host stops that agent only: its host is deregistered, its pid removed', async () => {
    const result = await cli('pool', 'agent', 'stop', '--host', '127.0.0.3');
    assert.equal(result.code, 0, describeResult(result));
    // The agent killed with SIGKILL above left its pid behind: dropped with a note.
    assert.match(result.stdout, /^Removed the stale pid \d+ from .*flink-agent-test-poolagent\.pid: no poolagent process with that pid is running\.$/m);
    assert.match(result.stdout, /^Stopping poolagent daemon \(pid: \d+\) on host .+\.$/m);
    const host = (await pool.status()).hosts.find((h) => h.id === '127.0.0.3');
    assert.equal(host?.state, 'LOST');
    assert.equal(readPidFile(pidFile).length, 0, 'the killed agent\'s stale pid is dropped too');
  });

  test('start-foreground: the agent runs in the command, registers its host, and SIGTERM deregisters it (exit 0)', async () => {
    const agent = startCli(['pool', 'agent', 'start-foreground', '--host', '127.0.0.4', '--slots', '1', '--memory', '1g'], { cwd: dir, env });
    tracker.track(agent.pid);
    await waitFor('the host to register', async () => (await pool.status()).hosts.find((h) => h.id === '127.0.0.4')?.state === 'RUNNING', 30_000);
    agent.signal('SIGTERM');
    const result = await agent.exited;
    assert.equal(result.code, 0, describeResult(result));
    assert.equal((await pool.status()).hosts.find((h) => h.id === '127.0.0.4')?.state, 'LOST');
  });
});


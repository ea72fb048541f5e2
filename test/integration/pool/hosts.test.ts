/**
 * `flink-ts pool hosts add|remove` as users run them: the built CLI starting pool agents over
 * real SSH on two sshd "hosts" (127.0.0.2, 127.0.0.3, each with its own home directory), which
 * register with a real redis-server on 127.0.0.1 (the same machine's loopback, which processes
 * "on" 127.0.0.2 reach as well), and stopping them again; and the errors that leave nothing on
 * the host.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Configuration } from '../../../src/config/index.js';
import { ResourcePool } from '../../../src/resourcemanager/pool/resource-pool.js';
import type { RedisServer } from '../../support/redis.js';
import { startRedis } from '../../support/redis.js';
import type { SshdHosts } from '../../support/sshd.js';
import { startSshdHosts } from '../../support/sshd.js';
import { readPidFile } from '../entrypoints/daemon-harness.js';
import { LauncherFixture, describeResult, filesBelow, freePort, isGone, tableRows } from '../ssh/ssh-harness.js';

const MB = 1024 ** 2;

describe('pool hosts add|remove over SSH (real sshd, real Redis)', () => {
  let sshd: SshdHosts | undefined;
  let redis: RedisServer | undefined;
  let fixture: LauncherFixture | undefined;
  let pool: ResourcePool | undefined;
  const agents = new Map<string, number>();

  const fx = (): LauncherFixture => {
    assert.ok(fixture !== undefined, 'the sshd hosts did not start');
    return fixture;
  };
  const poolApi = (): ResourcePool => {
    assert.ok(pool !== undefined, 'redis-server did not start');
    return pool;
  };
  const home = (address: string): string => fx().sshd.hosts.find((h) => h.address === address)?.home ?? '';
  /** The pool's directory on the host: `~/.flink-ts/pools/default/<address>` in that host's home. */
  const poolDir = (address: string): string => join(home(address), '.flink-ts', 'pools', 'default', address);
  const pidFile = (address: string): string => join(poolDir(address), 'pid', `flink-${fx().sshd.user}-poolagent.pid`);

  before(async () => {
    sshd = await startSshdHosts({ count: 2 });
    redis = await startRedis();
    fixture = new LauncherFixture(sshd, 'pool-hosts');
    fixture.write({ masters: [], workers: [], config: { 'pool.redis-url': redis.url, 'pool.heartbeat.interval': '200 ms', 'pool.lease.ttl': '3 s' } });
    pool = await ResourcePool.connect(Configuration.fromMap({ 'pool.redis-url': redis.url }), { mode: 'command' });
  });

  after(async () => {
    // Whatever a failed test left running.
    for (const pid of agents.values()) if (!isGone(pid)) process.kill(pid, 'SIGKILL');
    await fixture?.cleanUp();
    await pool?.close();
    await redis?.destroy();
    await sshd?.stop();
  });

  test('pool hosts add starts an agent on each host, which registers it with its slots and labels', async () => {
    const first = await fx().cli('pool', 'hosts', 'add', '127.0.0.2', '--slots', '4', '--memory', '1g', '--labels', 'ssd,big');
    assert.equal(first.code, 0, describeResult(first));
    const second = await fx().cli('pool', 'hosts', 'add', '127.0.0.3', '--slots', '2', '--memory', '512m');
    assert.equal(second.code, 0, describeResult(second));
    for (const [address, result] of [['127.0.0.2', first], ['127.0.0.3', second]] as const) {
      const [row] = tableRows(result.stdout);
      assert.deepEqual([row?.host, row?.role, row?.result], [address, 'poolagent', 'started'], describeResult(result));
      assert.ok(row?.pid !== undefined);
      agents.set(address, row.pid);
      assert.match(result.stdout, new RegExp(`^Host ${address.replace(/\./g, '\\.')} joined pool 'default' at redis://127\\.0\\.0\\.1:\\d+: its agent runs on ${address.replace(/\./g, '\\.')} \\(pid ${row.pid}\\)`, 'm'));
    }
    const { hosts } = await poolApi().status();
    assert.deepEqual(
      hosts.map((h) => [h.id, h.address, h.state, h.slotsTotal, h.memoryTotal, h.labels]),
      [
        ['127.0.0.2', '127.0.0.2', 'RUNNING', 4, 1024 * MB, ['ssd', 'big']],
        ['127.0.0.3', '127.0.0.3', 'RUNNING', 2, 512 * MB, []],
      ],
    );
  });

  test('each agent runs as a daemon "on" its host: pid file, configuration, logs and work dir in that host\'s home', () => {
    for (const [address, pid] of agents) {
      assert.deepEqual(readPidFile(pidFile(address)), [pid]);
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      assert.ok(cmdline.includes('$internal.pool.agent.host=' + address), cmdline.join(' '));
      assert.ok(cmdline.some((arg) => arg.endsWith('dist/entrypoints/pool-agent.js')), cmdline.join(' '));
      // Started through that host's sshd: its working directory and HOME are the host's.
      assert.equal(readlinkSync(`/proc/${pid}/cwd`), poolDir(address));
      assert.ok(readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`HOME=${home(address)}`));
      // The launcher's configuration, pool settings included, is what the agent reads.
      const config = readFileSync(join(poolDir(address), 'conf', 'config.yaml'), 'utf8');
      assert.ok(config.includes(`pool.redis-url: "${redis?.url ?? ''}"`), config);
      const files = filesBelow(poolDir(address));
      assert.ok(files.some((f) => /^log\/flink-.+-poolagent-0-.+\.log$/.test(f)), files.join(', '));
      assert.ok(files.includes('work/agent.pid'), files.join(', '));
    }
  });

  test('a second add of a host whose agent runs is refused, naming the agent', async () => {
    const again = await fx().cli('pool', 'hosts', 'add', '127.0.0.2');
    assert.equal(again.code, 1, describeResult(again));
    assert.equal(tableRows(again.stdout)[0]?.result, `failed: an agent already runs there (pid ${agents.get('127.0.0.2') ?? 0})`);
    assert.ok(again.stderr.includes(`An agent of pool 'default' at ${redis?.url ?? ''} already runs on 127.0.0.2`), describeResult(again));
    assert.ok(!isGone(agents.get('127.0.0.2') ?? 0), 'the running agent is left alone');
  });

  test('pool hosts remove stops the agent: the host is deregistered, the process and its pid file are gone', async () => {
    const pid = agents.get('127.0.0.3') ?? 0;
    const result = await fx().cli('pool', 'hosts', 'remove', '127.0.0.3');
    assert.equal(result.code, 0, describeResult(result));
    assert.deepEqual(tableRows(result.stdout), [{ host: '127.0.0.3', role: 'poolagent', pid, result: 'stopped' }]);
    assert.ok(isGone(pid));
    const host = (await poolApi().status()).hosts.find((h) => h.id === '127.0.0.3');
    assert.equal(host?.state, 'LOST');
    assert.equal((await poolApi().status()).hosts.find((h) => h.id === '127.0.0.2')?.state, 'RUNNING');
    // Logs stay; configuration and pid files do not.
    assert.ok(filesBelow(poolDir('127.0.0.3')).every((f) => f.startsWith('log/') || f.startsWith('work/')), filesBelow(poolDir('127.0.0.3')).join(', '));
    assert.ok(!existsSync(pidFile('127.0.0.3')));
    const again = await fx().cli('pool', 'hosts', 'remove', '127.0.0.3');
    assert.equal(again.code, 0, describeResult(again));
    assert.equal(tableRows(again.stdout)[0]?.result, 'no agent running');
  });

  test('an unknown host key is refused (strict checking), exit 1, nothing done on the host', async () => {
    const before = filesBelow(home('127.0.0.3'));
    const knownHosts = join(fx().dir, 'known_hosts_without_3');
    writeFileSync(knownHosts, readFileSync(fx().sshd.knownHosts, 'utf8').split('\n').filter((line) => line.startsWith('[127.0.0.2]')).join('\n'));
    const result = await fx().cli('pool', 'hosts', 'add', '127.0.0.3', '-D', `launcher.ssh.known-hosts=${knownHosts}`);
    assert.equal(result.code, 1, describeResult(result));
    const fingerprint = fx().sshd.hosts[1]?.fingerprint ?? '';
    assert.deepEqual(tableRows(result.stdout), [{ host: '127.0.0.3', role: 'poolagent', pid: undefined, result: `failed: unknown host key ${fingerprint}` }]);
    assert.ok(result.stderr.includes(`127.0.0.3 (poolagent): The authenticity of host '127.0.0.3 (port ${fx().sshd.port})' can't be established. ED25519 key fingerprint is ${fingerprint}.`), describeResult(result));
    assert.match(result.stderr, /^Host 127\.0\.0\.3 was not added to the pool\.$/m);
    assert.deepEqual(filesBelow(home('127.0.0.3')), before);
  });

  test('a wrong install path names the host and the path, exit 1', async () => {
    const before = filesBelow(home('127.0.0.3'));
    const result = await fx().cli('pool', 'hosts', 'add', '127.0.0.3', '-D', 'launcher.install-dir=/nonexistent/flink-ts');
    assert.equal(result.code, 1, describeResult(result));
    assert.equal(tableRows(result.stdout)[0]?.result, 'failed: no usable flink-ts at /nonexistent/flink-ts');
    assert.ok(
      result.stderr.includes(
        '127.0.0.3 (poolagent): flink-ts is not installed at /nonexistent/flink-ts on host 127.0.0.3 (no /nonexistent/flink-ts/bin/flink-ts): install it there, set launcher.install-dir, or set launcher.ship-distribution: true.',
      ),
      describeResult(result),
    );
    assert.deepEqual(filesBelow(home('127.0.0.3')), before);
  });

  test('an agent that cannot reach Redis never registers: exit 1 with its reason, no process and no files left on the host', async () => {
    const nobody = await freePort('127.0.0.1');
    const result = await fx().cli('pool', 'hosts', 'add', '127.0.0.3', '-D', `pool.redis-url=redis://127.0.0.1:${nobody}`);
    assert.equal(result.code, 1, describeResult(result));
    const [row] = tableRows(result.stdout);
    assert.deepEqual([row?.role, row?.result], ['poolagent', 'failed: the process exited with code 1'], describeResult(result));
    assert.ok(result.stderr.includes(`Could not reach the pool's Redis at redis://127.0.0.1:${nobody}`), describeResult(result));
    assert.ok(!existsSync(poolDir('127.0.0.3')), filesBelow(poolDir('127.0.0.3')).join(', '));
    assert.deepEqual(agentsBelow(home('127.0.0.3'), '127.0.0.3'), []);
    assert.equal((await poolApi().status()).hosts.find((h) => h.id === '127.0.0.3')?.state, 'LOST');
  });

  test('pool hosts remove of the other host leaves no agent process on either host', async () => {
    const pid = agents.get('127.0.0.2') ?? 0;
    const result = await fx().cli('pool', 'hosts', 'remove', '127.0.0.2');
    assert.equal(result.code, 0, describeResult(result));
    assert.ok(isGone(pid));
    assert.equal((await poolApi().status()).hosts.find((h) => h.id === '127.0.0.2')?.state, 'LOST');
    for (const address of ['127.0.0.2', '127.0.0.3']) assert.deepEqual(agentsBelow(home(address), address), []);
  });
});

/** Pool agent processes for `address` whose working directory is below `dir` (a host's home: other tests may run agents too). */
function agentsBelow(dir: string, address: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes(`$internal.pool.agent.host=${address}`)) continue;
      if (readlinkSync(`/proc/${entry}/cwd`).startsWith(`${dir}/`)) pids.push(Number(entry));
    } catch {
      // Ended meanwhile, or not ours to inspect.
    }
  }
  return pids;
}

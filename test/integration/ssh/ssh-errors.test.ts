/**
 * What start-cluster and stop-cluster say when a host cannot be used: an unknown host key, a key
 * the host does not accept, a host nobody listens on, a missing installation, a cluster already
 * running; and that a partial start keeps (and reports) what did start, which stop-cluster then
 * removes. Real sshd on 127.0.0.2 and 127.0.0.3; 127.0.0.250 stands for a host that is down.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { SshdHosts } from '../../support/sshd.js';
import { startSshdHosts } from '../../support/sshd.js';
import { LauncherFixture, assertGone, describeResult, freePort, isGone, tableRows } from './ssh-harness.js';

const DOWN = '127.0.0.250';

describe('start-cluster errors over SSH', () => {
  let sshd: SshdHosts | undefined;
  const fixtures: LauncherFixture[] = [];

  const hosts = (): SshdHosts => {
    assert.ok(sshd !== undefined, 'the sshd hosts did not start');
    return sshd;
  };

  /** A launcher for masters 127.0.0.2 and the given workers, on free ports. */
  async function launcher(name: string, workers: readonly string[]): Promise<LauncherFixture> {
    const fixture = new LauncherFixture(hosts(), name);
    fixtures.push(fixture);
    fixture.write({
      masters: [`127.0.0.2:${await freePort('127.0.0.2')}`],
      workers,
      config: { 'jobmanager.rpc.port': await freePort('127.0.0.2') },
    });
    return fixture;
  }

  before(async () => {
    sshd = await startSshdHosts({ count: 2 });
  });

  after(async () => {
    for (const fixture of fixtures) await fixture.cleanUp();
    await sshd?.stop();
  });

  test('an unknown host key is refused, showing its fingerprint; what started elsewhere is stopped again', async () => {
    const fixture = await launcher('unknown-key', ['127.0.0.3']);
    const knownHosts = join(fixture.dir, 'known_hosts');
    // Only the second host is known.
    writeFileSync(knownHosts, readFileSync(hosts().knownHosts, 'utf8').split('\n').filter((line) => line.startsWith('[127.0.0.3]')).join('\n'));
    const result = await fixture.cli('start-cluster', '-D', `launcher.ssh.known-hosts=${knownHosts}`);
    assert.equal(result.code, 1, describeResult(result));
    const { port } = hosts();
    const fingerprint = hosts().hosts[0]?.fingerprint ?? '';
    const message =
      `The authenticity of host '127.0.0.2 (port ${port})' can't be established. ED25519 key fingerprint is ${fingerprint}. ` +
      `Add it to ${knownHosts} (e.g. \`ssh-keyscan -p ${port} 127.0.0.2 >> ${knownHosts}\`, after checking the fingerprint) or set launcher.ssh.strict-host-key-checking: accept-new.`;
    const rows = tableRows(result.stdout);
    assert.deepEqual(rows[0], { host: '127.0.0.2', role: 'jobmanager', pid: undefined, result: `failed: unknown host key ${fingerprint}` });
    assert.equal(rows[1]?.result, 'stopped again: the JobManager did not start', describeResult(result));
    assertGone([rows[1]?.pid]);
    assert.ok(result.stderr.includes(`\n127.0.0.2 (jobmanager): ${message}\n`), describeResult(result));
    assert.match(result.stderr, /The cluster did not start: the JobManager failed on 127\.0\.0\.2\./);
    assert.ok(fixture.remoteFiles('127.0.0.3').every((f) => f.startsWith('log/')), fixture.remoteFiles('127.0.0.3').join(', '));
  });

  test('a key the host does not accept is an authentication error naming user@host and the key', async () => {
    const fixture = await launcher('wrong-key', ['127.0.0.2']);
    const result = await fixture.cli('start-cluster', '-D', `launcher.ssh.identity-file=${hosts().unauthorizedIdentityFile}`);
    assert.equal(result.code, 1, describeResult(result));
    const [jobManager] = tableRows(result.stdout);
    assert.equal(jobManager?.result, `failed: permission denied for ${hosts().user}@127.0.0.2`);
    assert.match(
      result.stderr,
      new RegExp(`^127\\.0\\.0\\.2 \\(jobmanager, taskmanager\\): Permission denied for ${hosts().user}@127\\.0\\.0\\.2 \\(port ${hosts().port}\\): the host accepted none of the keys offered: ${hosts().unauthorizedIdentityFile} \\(ED25519 SHA256:[A-Za-z0-9+/]+\\)\\.`, 'm'),
    );
  });

  test('a missing installation names the host and the path', async () => {
    const fixture = await launcher('no-install', ['127.0.0.2']);
    const result = await fixture.cli('start-cluster', '-D', 'launcher.install-dir=/nonexistent/flink-ts');
    assert.equal(result.code, 1, describeResult(result));
    const message =
      'flink-ts is not installed at /nonexistent/flink-ts on host 127.0.0.2 (no /nonexistent/flink-ts/bin/flink-ts): install it there, set launcher.install-dir, or set launcher.ship-distribution: true.';
    assert.deepEqual(
      tableRows(result.stdout).map((r) => r.result),
      ['failed: no usable flink-ts at /nonexistent/flink-ts', 'failed: no usable flink-ts at /nonexistent/flink-ts'],
    );
    assert.ok(result.stderr.includes(`\n127.0.0.2 (jobmanager, taskmanager): ${message}\n`), describeResult(result));
  });

  test("a process that fails to start on its host brings back its exit code and the end of its logs", async () => {
    const fixture = await launcher('rest-port-taken', ['127.0.0.3']);
    const restPort = Number(/:(\d+)$/.exec(readFileSync(join(fixture.confDir, 'masters'), 'utf8').trim())?.[1]);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(restPort, '127.0.0.2', resolve));
    try {
      const result = await fixture.cli('start-cluster');
      assert.equal(result.code, 1, describeResult(result));
      const rows = tableRows(result.stdout);
      assert.deepEqual(rows.map((r) => [r.role, r.result]), [
        ['jobmanager', 'failed: the process exited with code 1'],
        ['taskmanager', 'stopped again: the JobManager did not start'],
      ]);
      assertGone(rows.map((r) => r.pid));
      assert.match(result.stderr, /^127\.0\.0\.2 \(jobmanager\): Error starting standalonesession daemon on host \S+: the process exited with code 1\.$/m);
      assert.match(result.stderr, /^ {2}Last lines of \S+\/127\.0\.0\.2\/log\/flink-\S+-standalonesession-0-\S+\.out:$/m);
      assert.ok(result.stderr.includes(`every port of '${restPort}' is in use on 127.0.0.2`), describeResult(result));
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test('Node.js is found through a login shell, and a host without it is named', async () => {
    // PATH without node: found through the login shell's profile; with no usable shell either: not found.
    const viaProfile = await startSshdHosts({ count: 1, firstAddress: 4, env: { PATH: '/nonexistent' } });
    const without = await startSshdHosts({ count: 1, firstAddress: 5, env: { PATH: '/nonexistent', SHELL: '/nonexistent' } });
    try {
      for (const [node, expected] of [
        [viaProfile, 'started'],
        [without, 'failed: no Node.js found'],
      ] as const) {
        const fixture = new LauncherFixture(node, 'node');
        fixtures.push(fixture);
        const address = node.hosts[0]?.address ?? '';
        fixture.write({ masters: [`${address}:${await freePort(address)}`], workers: [], config: { 'jobmanager.rpc.port': await freePort(address) } });
        const result = await fixture.cli('start-cluster');
        assert.equal(tableRows(result.stdout)[0]?.result, expected, describeResult(result));
        if (expected === 'started') assert.equal((await fixture.cli('stop-cluster')).code, 0);
        else assert.match(result.stderr, /^127\.0\.0\.5 \(jobmanager\): Node\.js was not found on host 127\.0\.0\.5 \(not on the PATH of an SSH command, nor of a login shell\): install Node\.js 20\.11 or newer there\.$/m);
      }
    } finally {
      await viaProfile.stop();
      await without.stop();
    }
  });

  test('an unreachable master is a connect error naming host:port', async () => {
    const fixture = await launcher('unreachable', ['127.0.0.3']);
    writeFileSync(join(fixture.confDir, 'masters'), `${DOWN}\n`);
    const result = await fixture.cli('start-cluster');
    assert.equal(result.code, 1, describeResult(result));
    const [jobManager] = tableRows(result.stdout);
    assert.equal(jobManager?.host, DOWN);
    assert.equal(jobManager.result, `failed: cannot connect to ${DOWN}:${hosts().port} (connection refused)`);
    assert.ok(
      result.stderr.includes(`\n${DOWN} (jobmanager): Could not connect to ${DOWN}:${hosts().port} over SSH: connection refused (is sshd running and listening on that address and port?).\n`),
      describeResult(result),
    );
  });

  test('a partial start keeps and reports what started, refuses a second start, and stop-cluster removes it', async () => {
    const fixture = await launcher('partial', ['127.0.0.2', DOWN, '127.0.0.3']);
    const result = await fixture.cli('start-cluster');
    assert.equal(result.code, 1, describeResult(result));
    const rows = tableRows(result.stdout);
    assert.deepEqual(
      rows.map((r) => [r.host, r.role, r.result]),
      [
        ['127.0.0.2', 'jobmanager', 'started'],
        ['127.0.0.2', 'taskmanager', 'started'],
        [DOWN, 'taskmanager', `failed: cannot connect to ${DOWN}:${hosts().port} (connection refused)`],
        ['127.0.0.3', 'taskmanager', 'started'],
      ],
    );
    const running = rows.filter((r) => r.result === 'started').map((r) => r.pid);
    for (const pid of running) assert.ok(pid !== undefined && !isGone(pid));
    assert.match(result.stdout, /^Cluster is running: 2 TaskManager\(s\) with 2 slot\(s\) registered\./m);
    assert.match(result.stderr, /1 of 4 processes did not start; the others run\./);

    const again = await fixture.cli('start-cluster');
    assert.equal(again.code, 1, describeResult(again));
    assert.match(tableRows(again.stdout)[0]?.result ?? '', /^failed: cluster already running there \(pids \d+, \d+\)$/);
    assert.match(again.stderr, /^127\.0\.0\.2 \(jobmanager, taskmanager\): On host 127\.0\.0\.2: processes of cluster 'default' are already running on this host \(.*standalonesession pid \d+.*\)/m);
    for (const pid of running) assert.ok(pid !== undefined && !isGone(pid), 'a refused start leaves the running cluster alone');

    const stop = await fixture.cli('stop-cluster');
    assert.equal(stop.code, 1, describeResult(stop));
    assert.match(stop.stderr, new RegExp(`The cluster was not stopped on 1 of 3 host\\(s\\): ${DOWN.replace(/\./g, '\\.')}\\.`));
    assertGone(running);
    for (const address of ['127.0.0.2', '127.0.0.3']) assert.ok(fixture.remoteFiles(address).every((f) => f.startsWith('log/')), address);

    writeFileSync(join(fixture.confDir, 'workers'), '127.0.0.2\n127.0.0.3\n');
    const stopAgain = await fixture.cli('stop-cluster');
    assert.equal(stopAgain.code, 0, describeResult(stopAgain));
  });
});

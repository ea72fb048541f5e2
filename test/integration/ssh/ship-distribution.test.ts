/**
 * launcher.ship-distribution: true copies the built distribution (bin, dist, package.json and the
 * production node_modules) to each host over SFTP, into a directory named by version and content
 * hash, once; the processes then run from there, and a job runs on them.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { localDistribution } from '../../../src/launcher/distribution.js';
import { SHIPPED_MARKER } from '../../../src/launcher/installation.js';
import type { SshdHosts } from '../../support/sshd.js';
import { startSshdHosts } from '../../support/sshd.js';
import { LauncherFixture, ROOT, assertGone, describeResult, freePort, tableRows } from './ssh-harness.js';

const JOB = fileURLToPath(new URL('./jobs/spread-word-count.ts', import.meta.url));

describe('shipping the distribution', () => {
  let sshd: SshdHosts | undefined;
  let fixture: LauncherFixture | undefined;
  let restPort = 0;

  const fx = (): LauncherFixture => {
    assert.ok(fixture !== undefined, 'the sshd hosts did not start');
    return fixture;
  };

  /** Where each host receives this build (its home is the login's HOME). */
  function shippedDir(address: string): string {
    const home = fx().sshd.hosts.find((h) => h.address === address)?.home ?? '';
    return join(home, '.flink-ts', 'dist', localDistribution(ROOT).name);
  }

  before(async () => {
    sshd = await startSshdHosts({ count: 2 });
    fixture = new LauncherFixture(sshd, 'ship');
    restPort = await freePort('127.0.0.2');
    fixture.write({
      masters: [`127.0.0.2:${restPort}`],
      workers: ['127.0.0.2', '127.0.0.3'],
      config: { 'jobmanager.rpc.port': await freePort('127.0.0.2'), 'launcher.ship-distribution': true },
    });
  });

  after(async () => {
    await fixture?.cleanUp();
    await sshd?.stop();
  });

  test('the first start ships the production distribution to every host and runs from it', async () => {
    const result = await fx().cli('start-cluster');
    assert.equal(result.code, 0, describeResult(result));
    const rows = tableRows(result.stdout);
    assert.deepEqual(rows.map((r) => r.result), ['started', 'started', 'started']);
    for (const address of ['127.0.0.2', '127.0.0.3']) {
      const dir = shippedDir(address);
      const marker = JSON.parse(readFileSync(join(dir, SHIPPED_MARKER), 'utf8')) as { version: string; hash: string };
      assert.equal(marker.hash, localDistribution(ROOT).hash);
      assert.ok(existsSync(join(dir, 'dist', 'entrypoints', 'taskmanager.js')));
      assert.ok(statSync(join(dir, 'bin', 'flink-ts')).mode & 0o100, 'bin/flink-ts stays executable');
      const modules = readdirSync(join(dir, 'node_modules'));
      for (const dependency of ['ssh2', 'msgpackr', 'yaml', '@oclif']) assert.ok(modules.includes(dependency), `${dependency} shipped`);
      for (const tool of ['typescript', 'eslint', '@types']) assert.ok(!modules.includes(tool), `${tool} is not a production dependency`);
      // No partial copy is left beside it.
      assert.deepEqual(readdirSync(join(dir, '..')), [localDistribution(ROOT).name]);
    }
    for (const row of rows) {
      const host = row.host;
      const cmdline = readFileSync(`/proc/${row.pid ?? 0}/cmdline`, 'utf8');
      assert.ok(cmdline.includes(join(shippedDir(host), 'dist', 'entrypoints')), `${row.role} on ${host} runs from the shipped copy: ${cmdline}`);
    }
  });

  test('a job runs on the shipped installation', async () => {
    const result = await fx().cli('run', '-m', `127.0.0.2:${restPort}`, '-p', '2', JOB);
    assert.equal(result.code, 0, describeResult(result));
    assert.deepEqual(
      result.stdout.split('\n').filter((line) => /^\w+=\d+$/.test(line)),
      ['alpha=90', 'beta=60', 'delta=60', 'gamma=20'],
    );
  });

  test('the next start finds the build on the hosts and ships nothing', async () => {
    const markers = ['127.0.0.2', '127.0.0.3'].map((a) => statSync(join(shippedDir(a), SHIPPED_MARKER)).mtimeMs);
    const stop = await fx().cli('stop-cluster');
    assert.equal(stop.code, 0, describeResult(stop));
    const again = await fx().cli('start-cluster');
    assert.equal(again.code, 0, describeResult(again));
    assert.deepEqual(['127.0.0.2', '127.0.0.3'].map((a) => statSync(join(shippedDir(a), SHIPPED_MARKER)).mtimeMs), markers);
    const final = await fx().cli('stop-cluster');
    assert.equal(final.code, 0, describeResult(final));
    assertGone(tableRows(final.stdout).map((r) => r.pid));
  });
});

/**
 * Processes added one at a time: `jobmanager start --host <h> --remote` and
 * `taskmanager start --host localhost` (a local process through execa, no SSH, as Flink's
 * all-localhost shortcut), and stop-cluster stopping them although conf/workers does not list
 * them.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { SshdHosts } from '../../support/sshd.js';
import { startSshdHosts } from '../../support/sshd.js';
import type { TableRow } from './ssh-harness.js';
import { LauncherFixture, assertGone, describeResult, filesBelow, freePort, tableRows, waitFor } from './ssh-harness.js';

function overview(port: number): Promise<{ taskmanagers: number }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.2', port, path: '/overview', agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(JSON.parse(text) as { taskmanagers: number }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('processes added with --host, on an SSH host and on localhost', () => {
  let sshd: SshdHosts | undefined;
  let fixture: LauncherFixture | undefined;
  let restPort = 0;
  const rows: TableRow[] = [];

  const fx = (): LauncherFixture => {
    assert.ok(fixture !== undefined, 'the sshd hosts did not start');
    return fixture;
  };

  before(async () => {
    sshd = await startSshdHosts({ count: 1 });
    fixture = new LauncherFixture(sshd, 'added');
    restPort = await freePort('127.0.0.2');
    // The hosts files name other hosts: the processes below are additions.
    fixture.write({ masters: ['127.0.0.2'], workers: [], config: { 'jobmanager.rpc.port': await freePort('127.0.0.2') } });
  });

  after(async () => {
    await fixture?.cleanUp();
    await sshd?.stop();
  });

  test('jobmanager start --host --remote starts the JobManager on that host', async () => {
    const result = await fx().cli('jobmanager', 'start', '--host', '127.0.0.2', '--remote', '--webui-port', String(restPort));
    assert.equal(result.code, 0, describeResult(result));
    const [row] = tableRows(result.stdout);
    assert.deepEqual([row?.host, row?.role, row?.result], ['127.0.0.2', 'jobmanager', 'started']);
    if (row !== undefined) rows.push(row);
  });

  test('taskmanager start --host localhost starts a local process that joins the cluster', async () => {
    const result = await fx().cli('taskmanager', 'start', '--host', 'localhost');
    assert.equal(result.code, 0, describeResult(result));
    const [row] = tableRows(result.stdout);
    assert.deepEqual([row?.host, row?.role, row?.result], ['localhost', 'taskmanager', 'started']);
    if (row !== undefined) rows.push(row);
    await waitFor('the local TaskManager to register', async () => (await overview(restPort)).taskmanagers === 1);
    // Local processes keep their files below the launcher's own home.
    assert.ok(existsSync(join(fx().home, '.flink-ts', 'clusters', 'default', 'localhost', 'conf', 'config.yaml')));
  });

  test('stop-cluster also stops the added processes and cleans up both hosts', async () => {
    const result = await fx().cli('stop-cluster');
    assert.equal(result.code, 0, describeResult(result));
    assert.deepEqual(
      tableRows(result.stdout).map((r) => [r.host, r.role, r.pid, r.result]).sort(),
      rows.map((r) => [r.host, r.role, r.pid, 'stopped']).sort(),
    );
    assertGone(rows.map((r) => r.pid));
    const local = filesBelow(join(fx().home, '.flink-ts'));
    assert.ok(local.every((f) => f.startsWith('clusters/default/localhost/log/')), local.join(', '));
    assert.ok(fx().remoteFiles('127.0.0.2').every((f) => f.startsWith('log/')));
  });
});

/**
 * A standalone cluster on two "hosts" (real sshd on 127.0.0.2 and 127.0.0.3): start-cluster with
 * the JobManager and one TaskManager on the first and two TaskManagers on the second, a job over
 * all their slots, a TaskManager added with --host, and stop-cluster leaving nothing but logs.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { SshdHosts } from '../../support/sshd.js';
import { startSshdHosts } from '../../support/sshd.js';
import type { TableRow } from './ssh-harness.js';
import { LauncherFixture, assertGone, describeResult, freePort, isGone, tableRows } from './ssh-harness.js';

const JOB = fileURLToPath(new URL('./jobs/spread-word-count.ts', import.meta.url));

function getJson<T>(port: number, path: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const req = request({ host: '127.0.0.2', port, path, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text) as T) : reject(new Error(`GET ${path}: ${res.statusCode ?? '?'} ${text}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('start-cluster and stop-cluster over SSH on two hosts', () => {
  let sshd: SshdHosts | undefined;
  let fixture: LauncherFixture | undefined;
  let restPort = 0;
  const started: TableRow[] = [];

  const fx = (): LauncherFixture => {
    assert.ok(fixture !== undefined, 'the sshd hosts did not start');
    return fixture;
  };

  before(async () => {
    sshd = await startSshdHosts({ count: 2 });
    fixture = new LauncherFixture(sshd, 'cluster');
    restPort = await freePort('127.0.0.2');
    fixture.write({
      masters: ['# the JobManager, with its REST port', `127.0.0.2:${restPort}`],
      workers: ['# a TaskManager next to the JobManager, two on the second host', '127.0.0.2', '127.0.0.3', '', '/rack2/127.0.0.3  # same host, behind a topology prefix'],
      config: { 'jobmanager.rpc.port': await freePort('127.0.0.2') },
    });
  });

  after(async () => {
    await fixture?.cleanUp();
    await sshd?.stop();
  });

  test('start-cluster starts every process, reports each one, and waits for all slots', async () => {
    const result = await fx().cli('start-cluster', '-D', 'taskmanager.numberOfTaskSlots=2');
    assert.equal(result.code, 0, describeResult(result));
    const rows = tableRows(result.stdout);
    started.push(...rows);
    assert.deepEqual(
      rows.map((r) => [r.host, r.role, r.result]),
      [
        ['127.0.0.2', 'jobmanager', 'started'],
        ['127.0.0.2', 'taskmanager', 'started'],
        ['127.0.0.3', 'taskmanager', 'started'],
        ['127.0.0.3', 'taskmanager', 'started'],
      ],
    );
    for (const row of rows) assert.ok(row.pid !== undefined && !isGone(row.pid), `${row.role} on ${row.host} runs`);
    assert.match(result.stdout, new RegExp(`^Cluster is running: 3 TaskManager\\(s\\) with 6 slot\\(s\\) registered\\. REST endpoint: http://127\\.0\\.0\\.2:${restPort}$`, 'm'));
    assert.equal(result.stderr, '');
  });

  test("every host runs with the launcher's configuration, -D included, in the cluster's own directories", () => {
    const secret = readFileSync(join(fx().confDir, '.cluster-secret'), 'utf8').trim();
    for (const address of ['127.0.0.2', '127.0.0.3']) {
      const dir = fx().clusterDir(address);
      const file = join(dir, 'conf', 'config.yaml');
      assert.equal(statSync(file).mode & 0o777, 0o600, `${file} holds the cluster secret`);
      const text = readFileSync(file, 'utf8');
      for (const line of [
        'taskmanager.numberOfTaskSlots: "2"',
        'jobmanager.rpc.address: "127.0.0.2"',
        `rest.port: "${restPort}"`,
        `security.cluster-secret: "${secret}"`,
        `env.pid.dir: "${join(dir, 'pid')}"`,
      ]) {
        assert.ok(text.includes(`\n${line}\n`), `${file} has ${line}:\n${text}`);
      }
    }
    const pidsOn3 = started.filter((r) => r.host === '127.0.0.3').map((r) => r.pid);
    assert.deepEqual(readFileSync(join(fx().clusterDir('127.0.0.3'), 'pid', `flink-${fx().sshd.user}-taskexecutor.pid`), 'utf8').trim().split('\n').map(Number).sort(), pidsOn3.sort());
  });

  test('a job runs over the slots of both hosts, with exact output', async () => {
    const result = await fx().cli('run', '-m', `127.0.0.2:${restPort}`, '-p', '6', JOB);
    assert.equal(result.code, 0, describeResult(result));
    assert.deepEqual(
      result.stdout.split('\n').filter((line) => /^\w+=\d+$/.test(line)),
      ['alpha=90', 'beta=60', 'delta=60', 'gamma=20'],
    );
    const jobId = /Job has been submitted with JobID ([0-9a-f]{32})/.exec(result.stdout)?.[1];
    assert.ok(jobId !== undefined, describeResult(result));
    const taskManagers = await getJson<{ taskmanagers: { id: string; path: string }[] }>(restPort, '/taskmanagers');
    const hostOf = new Map(taskManagers.taskmanagers.map((tm) => [tm.id, tm.path.split(':')[0]]));
    const job = await getJson<{ vertices: { id: string }[] }>(restPort, `/jobs/${jobId}`);
    const hosts = new Set<string | undefined>();
    for (const vertex of job.vertices) {
      const { subtasks } = await getJson<{ subtasks: { 'taskmanager-id': string }[] }>(restPort, `/jobs/${jobId}/vertices/${vertex.id}`);
      for (const subtask of subtasks) hosts.add(hostOf.get(subtask['taskmanager-id']));
    }
    assert.deepEqual([...hosts].sort(), ['127.0.0.2', '127.0.0.3']);
  });

  test('taskmanager start --host adds a TaskManager to the running cluster', async () => {
    const result = await fx().cli('taskmanager', 'start', '--host', '127.0.0.3');
    assert.equal(result.code, 0, describeResult(result));
    const [row] = tableRows(result.stdout);
    assert.ok(row !== undefined && row.pid !== undefined);
    assert.deepEqual([row.host, row.role, row.result], ['127.0.0.3', 'taskmanager', 'started']);
    started.push(row);
    const overview = await getJson<{ taskmanagers: number; 'slots-total': number }>(restPort, '/overview');
    // It registers right after it reported its start.
    assert.ok(overview.taskmanagers >= 3, JSON.stringify(overview));
  });

  test('stop-cluster stops every process and leaves only the logs on each host', async () => {
    const result = await fx().cli('stop-cluster');
    assert.equal(result.code, 0, describeResult(result));
    const rows = tableRows(result.stdout);
    assert.deepEqual(
      rows.map((r) => [r.host, r.role, r.pid, r.result]).sort(),
      started.map((r) => [r.host, r.role, r.pid, 'stopped']).sort(),
    );
    assertGone(started.map((r) => r.pid));
    for (const address of ['127.0.0.2', '127.0.0.3']) {
      const files = fx().remoteFiles(address);
      assert.ok(files.length > 0 && files.every((f) => f.startsWith('log/')), `only logs stay on ${address}: ${files.join(', ')}`);
      assert.ok(files.some((f) => /^log\/flink-\w+-taskexecutor-0-.*\.log$/.test(f)), files.join(', '));
    }
    assert.ok(!existsSync(join(fx().home, '.flink-ts', 'clusters', 'default', 'added-hosts')), 'the added hosts are forgotten');
    assert.match(result.stdout, /^Logs are kept: 127\.0\.0\.2:\S+\/log, 127\.0\.0\.3:\S+\/log$/m);
  });

  test('a second stop-cluster finds nothing to stop and succeeds', async () => {
    const result = await fx().cli('stop-cluster');
    assert.equal(result.code, 0, describeResult(result));
    assert.deepEqual(tableRows(result.stdout).map((r) => [r.host, r.role, r.result]), [
      ['127.0.0.2', '-', 'no process running'],
      ['127.0.0.3', '-', 'no process running'],
    ]);
  });
});

/**
 * The built CLI (`node bin/flink-ts list|cancel`) against a RestServer over the fake facade, as a
 * user runs it. Needs `npm run build` (npm test builds first).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertBuilt, describeResult, runCli } from '../../../integration/cli/cli-harness.js';
import { fakeCheckpointConfig, fakeJob, hexId } from '../../rest/fake-cluster-facade.js';
import type { TestServer } from '../../rest/rest-test-server.js';
import { startTestServer } from '../../rest/rest-test-server.js';
import { closedPort } from './remote-test-support.js';

let t: TestServer;
let address: string;

before(async () => {
  assertBuilt();
  t = await startTestServer();
  address = `127.0.0.1:${t.server.port}`;
  t.facade.add(fakeJob(hexId(1), { name: 'Flink Streaming Job', startTime: Date.UTC(2024, 0, 7, 16, 18, 8) }));
  t.facade.finish(t.facade.add(fakeJob(hexId(2), { name: 'Flink Streaming Job', startTime: Date.UTC(2024, 0, 7, 15, 59, 11) })), 'FINISHED');
});

after(async () => {
  await t.close();
});

test('list -m host:port of a closed port exits 1 and tells what to check', async () => {
  const port = await closedPort();
  const result = await runCli(['list', '-m', `127.0.0.1:${port}`]);
  assert.equal(result.code, 1, describeResult(result));
  assert.equal(result.stdout, 'Waiting for response...\n');
  assert.equal(
    result.stderr,
    `Could not connect to the cluster at http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}. Is the JobManager running? Check -m / rest.address and rest.port.\n`,
  );
});

test("list -a prints Flink's blocks", async () => {
  const result = await runCli(['list', '-a', '-m', address], { env: { TZ: 'UTC' } });
  assert.equal(result.code, 0, describeResult(result));
  assert.equal(
    result.stdout,
    [
      'Waiting for response...',
      '------------------ Running/Restarting Jobs -------------------',
      `07.01.2024 16:18:08 : ${hexId(1)} : Flink Streaming Job (RUNNING)`,
      '--------------------------------------------------------------',
      'No scheduled jobs.',
      '---------------------- Terminated Jobs -----------------------',
      `07.01.2024 15:59:11 : ${hexId(2)} : Flink Streaming Job (FINISHED)`,
      '--------------------------------------------------------------',
      '',
    ].join('\n'),
  );
});

test('the cluster address can come from the configuration instead of -m', async () => {
  const result = await runCli(['list', '-r', '-D', 'rest.address=127.0.0.1', '-D', `rest.port=${t.server.port}`], { env: { TZ: 'UTC' } });
  assert.equal(result.code, 0, describeResult(result));
  assert.match(result.stdout, /Flink Streaming Job \(RUNNING\)/);
});

test('cancel: accepted (0), unknown job (1), malformed id (2, nothing sent)', async () => {
  const ok = await runCli(['cancel', '-m', address, hexId(1)]);
  assert.equal(ok.code, 0, describeResult(ok));
  assert.equal(ok.stdout, `Cancelling job ${hexId(1)}.\nCancelled job ${hexId(1)}.\n`);

  const unknown = await runCli(['cancel', '-m', address, hexId(3)]);
  assert.equal(unknown.code, 1, describeResult(unknown));
  assert.equal(unknown.stderr, `Job ${hexId(3)} not found.\n`);

  const cancelled = t.facade.cancelled.length;
  const malformed = await runCli(['cancel', '-m', address, 'not-a-job']);
  assert.equal(malformed.code, 2, describeResult(malformed));
  assert.equal(malformed.stderr, "'not-a-job' is not a valid JobID: expected 32 hexadecimal characters.\n");
  assert.equal(t.facade.cancelled.length, cancelled);
});

test('savepoint, stop and checkpoint: Flink lines and exit codes through the built CLI', async () => {
  t.facade.checkpointConfigs.set(hexId(1), { ...fakeCheckpointConfig(), savepointDir: '/data/savepoints' });
  const sp = await runCli(['savepoint', '-m', address, hexId(1), '/mnt/sp']);
  assert.equal(sp.code, 0, describeResult(sp));
  assert.equal(
    sp.stdout,
    `Triggering savepoint for job ${hexId(1)}.\nWaiting for response...\nSavepoint completed. Path: /mnt/sp/savepoint-000000-0123456789ab\nYou can resume your program from this savepoint with the run command.\n`,
  );
  const dispose = await runCli(['savepoint', '-m', address, '-d', '/mnt/sp/savepoint-000000-0123456789ab']);
  assert.equal(dispose.code, 0, describeResult(dispose));
  assert.match(dispose.stdout, /Savepoint '\/mnt\/sp\/savepoint-000000-0123456789ab' disposed\.\n$/);
  const cp = await runCli(['checkpoint', '-m', address, '--full', hexId(1)]);
  assert.equal(cp.code, 0, describeResult(cp));
  assert.match(cp.stdout, /Checkpoint\(FULL\) \d+ for job 0+1 completed\./);
  const stop = await runCli(['stop', '-m', address, '--drain', '-p', '/mnt/final', hexId(1)]);
  assert.equal(stop.code, 0, describeResult(stop));
  assert.equal(stop.stdout, `Draining job "${hexId(1)}" with a CANONICAL savepoint.\nSavepoint completed. Path: /mnt/final/savepoint-000000-0123456789ab\n`);
  const missing = await runCli(['stop', '-m', address]);
  assert.equal(missing.code, 2, describeResult(missing));
  assert.equal(missing.stderr, 'Missing JobID. Specify a Job ID to stop a job.\n');
});

import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { checkpointJob } from '../../../../src/client/checkpoint-action.js';
import { RestClusterClient } from '../../../../src/client/rest-cluster-client.js';
import { savepoint } from '../../../../src/client/savepoint-action.js';
import { stopJob } from '../../../../src/client/stop-action.js';
import { fakeCheckpointConfig, fakeJob, hexId } from '../../rest/fake-cluster-facade.js';
import type { TestServer } from '../../rest/rest-test-server.js';
import { startTestServer } from '../../rest/rest-test-server.js';
import { RecordingOutput, isolatedEnv } from './remote-test-support.js';

let t: TestServer;
let address: string;
const env = isolatedEnv();
const JOB = hexId(0xabcd);
const UNKNOWN = hexId(0x9999);

before(async () => {
  t = await startTestServer();
  address = `127.0.0.1:${t.server.port}`;
});

after(async () => {
  await t.close();
});

beforeEach(() => {
  t.facade.jobs.clear();
  t.facade.resetCheckpointing();
  t.facade.add(fakeJob(JOB));
  t.facade.checkpointConfigs.set(JOB, fakeCheckpointConfig({ savepointDir: '/data/savepoints' }));
});

const common = (): { jobManager: string; target: undefined; dynamicProperties: string[]; env: NodeJS.ProcessEnv } => ({
  jobManager: address,
  target: undefined,
  dynamicProperties: [],
  env,
});

test("savepoint prints Flink's lines and the path", async () => {
  const out = new RecordingOutput();
  const code = await savepoint({ ...common(), jobId: JOB, targetDirectory: '/mnt/sp', dispose: undefined, output: out });
  assert.equal(code, 0, out.stderr.join('\n'));
  assert.deepEqual(out.stdout, [
    `Triggering savepoint for job ${JOB}.`,
    'Waiting for response...',
    'Savepoint completed. Path: /mnt/sp/savepoint-000000-0123456789ab',
    'You can resume your program from this savepoint with the run command.',
  ]);
  assert.deepEqual(t.facade.savepointRequests, [{ jobId: JOB, targetDirectory: '/mnt/sp', type: 'SAVEPOINT' }]);
});

test('a failed savepoint exits 1 with the cause', async () => {
  t.facade.onSavepoint = () => Promise.reject(new Error('Job is not running: it is FINISHED.'));
  const out = new RecordingOutput();
  const code = await savepoint({ ...common(), jobId: JOB, targetDirectory: undefined, dispose: undefined, output: out });
  assert.equal(code, 1);
  assert.deepEqual(out.stdout, [`Triggering savepoint for job ${JOB}.`, 'Waiting for response...']);
  assert.deepEqual(out.stderr, [`Failed to trigger a savepoint for the job ${JOB}.`, 'Job is not running: it is FINISHED.']);
});

test('savepoint: an unknown job exits 1 with the 404 message; a missing or malformed id exits 2', async () => {
  let out = new RecordingOutput();
  assert.equal(await savepoint({ ...common(), jobId: UNKNOWN, targetDirectory: undefined, dispose: undefined, output: out }), 1);
  assert.deepEqual(out.stderr, [`Failed to trigger a savepoint for the job ${UNKNOWN}.`, `Job ${UNKNOWN} not found.`]);
  out = new RecordingOutput();
  assert.equal(await savepoint({ ...common(), jobId: undefined, targetDirectory: undefined, dispose: undefined, output: out }), 2);
  assert.deepEqual(out.stderr, ['Missing JobID. Specify a Job ID to trigger a savepoint.']);
  out = new RecordingOutput();
  assert.equal(await savepoint({ ...common(), jobId: 'abc', targetDirectory: undefined, dispose: undefined, output: out }), 2);
  assert.deepEqual(out.stderr, ["'abc' is not a valid JobID: expected 32 hexadecimal characters."]);
});

test('savepoint -d disposes a savepoint', async () => {
  const out = new RecordingOutput();
  const path = '/data/savepoints/savepoint-abc';
  assert.equal(await savepoint({ ...common(), jobId: undefined, targetDirectory: undefined, dispose: path, output: out }), 0);
  assert.deepEqual(out.stdout, [`Disposing savepoint '${path}'.`, 'Waiting for response...', `Savepoint '${path}' disposed.`]);
  assert.deepEqual(t.facade.disposed, [path]);

  t.facade.onDispose = () => Promise.reject(new Error(`'${path}' is not a savepoint: it has no _metadata file.`));
  const failed = new RecordingOutput();
  assert.equal(await savepoint({ ...common(), jobId: undefined, targetDirectory: undefined, dispose: path, output: failed }), 1);
  assert.deepEqual(failed.stderr, [`Failed to dispose the savepoint '${path}'.`, `'${path}' is not a savepoint: it has no _metadata file.`]);
});

test("stop suspends (or drains) the job with a savepoint, in Flink's words", async () => {
  let out = new RecordingOutput();
  assert.equal(await stopJob({ ...common(), jobId: JOB, savepointPath: '/mnt/sp', drain: false, output: out }), 0);
  assert.deepEqual(out.stdout, [`Suspending job "${JOB}" with a CANONICAL savepoint.`, 'Savepoint completed. Path: /mnt/sp/savepoint-000000-0123456789ab']);
  out = new RecordingOutput();
  assert.equal(await stopJob({ ...common(), jobId: JOB, savepointPath: undefined, drain: true, output: out }), 0);
  assert.deepEqual(out.stdout, [`Draining job "${JOB}" with a CANONICAL savepoint.`, 'Savepoint completed. Path: /data/savepoints/savepoint-000000-0123456789ab']);
  assert.deepEqual(
    t.facade.savepointRequests.map((r) => [r.targetDirectory, r.type]),
    [
      ['/mnt/sp', 'SAVEPOINT_SUSPEND'],
      [undefined, 'SAVEPOINT_TERMINATE'],
    ],
  );
});

test('stop without a savepoint directory anywhere exits 1 naming the option to set', async () => {
  t.facade.checkpointConfigs.set(JOB, fakeCheckpointConfig({ savepointDir: undefined }));
  const out = new RecordingOutput();
  assert.equal(await stopJob({ ...common(), jobId: JOB, savepointPath: undefined, drain: false, output: out }), 1);
  assert.deepEqual(out.stderr, [
    `Could not stop with a savepoint job "${JOB}".`,
    'Config key [execution.checkpointing.savepoint-dir] is not set. Property [targetDirectory] must be provided.',
  ]);
});

test('checkpoint prints the id; --full names the type', async () => {
  t.facade.onCheckpoint = () => Promise.resolve(12);
  let out = new RecordingOutput();
  assert.equal(await checkpointJob({ ...common(), jobId: JOB, full: false, output: out }), 0);
  assert.deepEqual(out.stdout, [
    `Triggering checkpoint for job ${JOB}.`,
    'Waiting for response...',
    `Checkpoint 12 for job ${JOB} completed.`,
    'You can resume your program from this checkpoint with the run command.',
  ]);
  out = new RecordingOutput();
  assert.equal(await checkpointJob({ ...common(), jobId: JOB, full: true, output: out }), 0);
  assert.equal(out.stdout[2], `Checkpoint(FULL) 12 for job ${JOB} completed.`);
  out = new RecordingOutput();
  assert.equal(await checkpointJob({ ...common(), jobId: undefined, full: false, output: out }), 2);
  assert.deepEqual(out.stderr, ['Missing JobID. Specify a Job ID to manipulate a checkpoint.']);
});

test('waiting for an operation gives up at the deadline, naming where to look', async () => {
  t.facade.onSavepoint = () => new Promise(() => undefined);
  const client = new RestClusterClient(`http://${address}`, { timeoutMs: 5000, retries: 0 });
  const triggerId = await client.triggerSavepoint(JOB);
  await assert.rejects(client.waitForSavepoint(JOB, triggerId, { deadlineMs: 50, initialDelayMs: 10 }), (error: Error) => {
    assert.match(error.message, /^The savepoint did not complete within 50 ms \(client\.timeout\); it may still complete: GET http:\/\/.*\/jobs\/[0-9a-f]{32}\/savepoints\/[0-9a-f]{32} shows its status\.$/);
    return true;
  });
});

import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { cancelJob } from '../../../../src/client/cancel-action.js';
import { listJobs } from '../../../../src/client/list-action.js';
import { T0, fakeJob, hexId } from '../../rest/fake-cluster-facade.js';
import type { TestServer } from '../../rest/rest-test-server.js';
import { startTestServer } from '../../rest/rest-test-server.js';
import { RecordingOutput, closedPort, isolatedEnv } from './remote-test-support.js';

// Flink prints start times in the local time zone; the expected lines below are in UTC.
process.env.TZ = 'UTC';

let t: TestServer;
let address: string;
const env = isolatedEnv();

before(async () => {
  t = await startTestServer();
  address = `127.0.0.1:${t.server.port}`;
});

after(async () => {
  await t.close();
});

beforeEach(() => {
  t.facade.jobs.clear();
});

async function list(flags: { running?: boolean; scheduled?: boolean; all?: boolean } = {}): Promise<{ code: number; out: RecordingOutput }> {
  const out = new RecordingOutput();
  const code = await listJobs({ running: false, scheduled: false, all: false, ...flags, jobManager: address, dynamicProperties: [], env, output: out });
  return { code, out };
}

test("list prints Flink's blocks: running and scheduled by default, oldest first", async () => {
  t.facade.add(fakeJob(hexId(2), { name: 'Second Job', startTime: Date.UTC(2024, 0, 7, 16, 20, 0) }));
  t.facade.add(fakeJob(hexId(1), { name: 'Flink Streaming Job', startTime: Date.UTC(2024, 0, 7, 16, 18, 8) }));
  t.facade.add(fakeJob(hexId(3), { name: 'restarting', status: 'RESTARTING', startTime: Date.UTC(2024, 0, 7, 16, 19, 0) }));
  t.facade.add(fakeJob(hexId(4), { name: 'queued', status: 'CREATED', startTime: Date.UTC(2024, 11, 31, 23, 59, 59) }));
  t.facade.finish(t.facade.add(fakeJob(hexId(5), { name: 'old', startTime: T0 - 3_600_000 })), 'FINISHED');
  const { code, out } = await list();
  assert.equal(code, 0);
  assert.deepEqual(out.stdout, [
    'Waiting for response...',
    '------------------ Running/Restarting Jobs -------------------',
    `07.01.2024 16:18:08 : ${hexId(1)} : Flink Streaming Job (RUNNING)`,
    `07.01.2024 16:19:00 : ${hexId(3)} : restarting (RESTARTING)`,
    `07.01.2024 16:20:00 : ${hexId(2)} : Second Job (RUNNING)`,
    '--------------------------------------------------------------',
    '----------------------- Scheduled Jobs -----------------------',
    `31.12.2024 23:59:59 : ${hexId(4)} : queued (CREATED)`,
    '--------------------------------------------------------------',
  ]);
  assert.deepEqual(out.stderr, []);
});

test('list -a adds the terminated jobs; empty groups say so', async () => {
  t.facade.finish(t.facade.add(fakeJob(hexId(5), { name: 'done', startTime: Date.UTC(2024, 0, 7, 15, 59, 11) })), 'FINISHED');
  t.facade.finish(t.facade.add(fakeJob(hexId(6), { name: 'stopped', startTime: Date.UTC(2024, 0, 7, 16, 12, 34) })), 'CANCELED');
  const { code, out } = await list({ all: true });
  assert.equal(code, 0);
  assert.deepEqual(out.stdout, [
    'Waiting for response...',
    'No running jobs.',
    'No scheduled jobs.',
    '---------------------- Terminated Jobs -----------------------',
    `07.01.2024 15:59:11 : ${hexId(5)} : done (FINISHED)`,
    `07.01.2024 16:12:34 : ${hexId(6)} : stopped (CANCELED)`,
    '--------------------------------------------------------------',
  ]);
});

test('list -r and -s select one group; an empty cluster prints no terminated block', async () => {
  t.facade.add(fakeJob(hexId(4), { name: 'queued', status: 'INITIALIZING', startTime: T0 }));
  assert.deepEqual((await list({ running: true })).out.stdout, ['Waiting for response...', 'No running jobs.']);
  assert.deepEqual((await list({ scheduled: true })).out.stdout, [
    'Waiting for response...',
    '----------------------- Scheduled Jobs -----------------------',
    `07.01.2024 16:18:08 : ${hexId(4)} : queued (INITIALIZING)`,
    '--------------------------------------------------------------',
  ]);
  t.facade.jobs.clear();
  assert.deepEqual((await list({ all: true })).out.stdout, ['Waiting for response...', 'No running jobs.', 'No scheduled jobs.']);
});

test('list against an unreachable cluster fails with exit code 1 and says what to check', async () => {
  const port = await closedPort();
  const out = new RecordingOutput();
  const code = await listJobs({ running: false, scheduled: false, all: false, jobManager: `127.0.0.1:${port}`, dynamicProperties: [], env, output: out });
  assert.equal(code, 1);
  assert.deepEqual(out.stderr, [
    `Could not connect to the cluster at http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}. Is the JobManager running? Check -m / rest.address and rest.port.`,
  ]);
});

test('a malformed -m is a usage error (exit code 2)', async () => {
  const out = new RecordingOutput();
  const code = await listJobs({ running: false, scheduled: false, all: false, jobManager: 'localhost', dynamicProperties: [], env, output: out });
  assert.equal(code, 2);
  assert.match(out.stderr[0] ?? '', /Invalid -m value 'localhost': expected the cluster's REST address as host:port/);
});

async function cancel(jobId: string | undefined, jobManager = address): Promise<{ code: number; out: RecordingOutput }> {
  const out = new RecordingOutput();
  const code = await cancelJob({ jobId, jobManager, dynamicProperties: [], env, output: out });
  return { code, out };
}

test("cancel prints Flink's two lines once the cluster accepted", async () => {
  t.facade.add(fakeJob(hexId(7)));
  const { code, out } = await cancel(hexId(7));
  assert.equal(code, 0);
  assert.deepEqual(out.stdout, [`Cancelling job ${hexId(7)}.`, `Cancelled job ${hexId(7)}.`]);
  assert.equal(t.facade.jobs.get(hexId(7))?.detail.status, 'CANCELED');
});

test('cancel of an unknown job fails with the server message', async () => {
  const { code, out } = await cancel(hexId(8));
  assert.equal(code, 1);
  assert.deepEqual(out.stdout, [`Cancelling job ${hexId(8)}.`]);
  assert.deepEqual(out.stderr, [`Job ${hexId(8)} not found.`]);
});

test('cancel of a finished job fails: nothing left to cancel', async () => {
  t.facade.finish(t.facade.add(fakeJob(hexId(9))), 'FINISHED');
  const { code, out } = await cancel(hexId(9));
  assert.equal(code, 1);
  assert.match(out.stderr[0] ?? '', /already reached the terminal state FINISHED/);
});

test('cancel with a missing or malformed id is a usage error before any request', async () => {
  const missing = await cancel(undefined, '127.0.0.1:1');
  assert.equal(missing.code, 2);
  assert.deepEqual(missing.out.stderr, ['Missing JobID. Specify a JobID to cancel a job.']);
  const malformed = await cancel('xyz', '127.0.0.1:1');
  assert.equal(malformed.code, 2);
  assert.deepEqual(malformed.out.stderr, ["'xyz' is not a valid JobID: expected 32 hexadecimal characters."]);
  assert.deepEqual(malformed.out.stdout, []);
});

import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import type { CheckpointStatsEntry, CheckpointStatsSnapshot } from '../../../src/runtime/checkpoint/checkpoint-stats.js';
import { fakeCheckpointConfig, fakeJob, hexId, T0 } from './fake-cluster-facade.js';
import type { TestServer } from './rest-test-server.js';
import { call, errorsOf, startTestServer } from './rest-test-server.js';

/** The parts of the JSON the assertions read. */
interface StatsJson {
  counts: Record<string, number>;
  summary: Record<string, Record<string, number>>;
  latest: Record<string, Record<string, unknown> | null>;
  history: Record<string, unknown>[];
}

interface AsyncJson {
  status: { id: string };
  operation: { location?: string; checkpointId?: number; 'failure-cause'?: Record<string, string> };
}

let t: TestServer;
const JOB = hexId(0x1111);
const BATCH = hexId(0x2222);
const UNKNOWN = hexId(0x9999);

before(async () => {
  t = await startTestServer();
});

after(async () => {
  await t.close();
});

beforeEach(() => {
  t.facade.jobs.clear();
  t.facade.resetCheckpointing();
  t.facade.add(fakeJob(JOB));
  t.facade.add(fakeJob(BATCH));
  t.facade.checkpointConfigs.set(JOB, fakeCheckpointConfig());
});

function entry(id: number, options: Partial<CheckpointStatsEntry> = {}): CheckpointStatsEntry {
  return {
    id,
    status: 'COMPLETED',
    type: 'CHECKPOINT',
    triggerTimestamp: T0 + id * 1000,
    latestAckTimestamp: T0 + id * 1000 + 40,
    stateSize: id * 100,
    endToEndDuration: id * 10,
    numSubtasks: 4,
    numAcknowledgedSubtasks: 4,
    externalPath: `/tmp/checkpoints/${JOB}/chk-${id}`,
    discarded: false,
    failureTimestamp: undefined,
    failureMessage: undefined,
    ...options,
  };
}

function stats(history: CheckpointStatsEntry[]): CheckpointStatsSnapshot {
  const count = (status: string): number => history.filter((e) => e.status === status).length;
  return {
    counts: { restored: 1, total: history.length, inProgress: count('IN_PROGRESS'), completed: count('COMPLETED'), failed: count('FAILED') },
    latestCompleted: history.find((e) => e.status === 'COMPLETED'),
    latestSavepoint: history.find((e) => e.type !== 'CHECKPOINT' && e.status === 'COMPLETED'),
    latestFailed: history.find((e) => e.status === 'FAILED'),
    latestRestored: { id: 7, restoreTimestamp: T0 - 5, isSavepoint: true, externalPath: '/tmp/savepoints/savepoint-abc' },
    history,
  };
}

test("GET /jobs/:jobid/checkpoints answers Flink's CheckpointingStatistics", async () => {
  const failed = entry(5, { status: 'FAILED', failureTimestamp: T0 + 5100, failureMessage: 'Checkpoint expired before completing.', externalPath: undefined });
  const running = entry(6, { status: 'IN_PROGRESS', endToEndDuration: -1, numAcknowledgedSubtasks: 1, externalPath: undefined });
  const savepoint = entry(4, { type: 'SAVEPOINT_SUSPEND', externalPath: '/tmp/savepoints/savepoint-111111-0123456789ab' });
  t.facade.checkpointStats.set(JOB, stats([running, failed, savepoint, entry(3), entry(2), entry(1)]));
  const r = await call(t.url, 'GET', `/jobs/${JOB}/checkpoints`);
  assert.equal(r.status, 200);
  const body = r.json as StatsJson;
  assert.deepEqual(body.counts, { restored: 1, total: 6, in_progress: 1, completed: 4, failed: 1 });
  // Completed sizes 100, 200, 300, 400; durations 10, 20, 30, 40.
  assert.deepEqual(body.summary.state_size, { min: 100, max: 400, avg: 250, p50: 250, p90: 400, p95: 400, p99: 400, p999: 400 });
  assert.deepEqual(body.summary.checkpointed_size, body.summary.state_size);
  assert.equal(body.summary.end_to_end_duration?.max, 40);
  assert.deepEqual(body.summary.alignment_buffered, { min: 0, max: 0, avg: 0 });
  assert.deepEqual(Object.keys(body.latest).sort(), ['completed', 'failed', 'restored', 'savepoint']);
  assert.equal(body.latest.completed?.id, 4);
  assert.equal(body.latest.savepoint?.checkpoint_type, 'SYNC_SAVEPOINT');
  assert.equal(body.latest.savepoint?.savepointFormat, 'CANONICAL');
  assert.equal(body.latest.savepoint?.is_savepoint, true);
  assert.deepEqual(body.latest.restored, { id: 7, restore_timestamp: T0 - 5, is_savepoint: true, external_path: '/tmp/savepoints/savepoint-abc' });
  assert.deepEqual(
    body.history.map((e) => [e.id, e.className, e.status]),
    [
      [6, 'in_progress', 'IN_PROGRESS'],
      [5, 'failed', 'FAILED'],
      [4, 'completed', 'COMPLETED'],
      [3, 'completed', 'COMPLETED'],
      [2, 'completed', 'COMPLETED'],
      [1, 'completed', 'COMPLETED'],
    ],
  );
  assert.deepEqual(body.history[2 + 1], {
    className: 'completed',
    id: 3,
    status: 'COMPLETED',
    is_savepoint: false,
    savepointFormat: null,
    trigger_timestamp: T0 + 3000,
    latest_ack_timestamp: T0 + 3040,
    checkpointed_size: 300,
    state_size: 300,
    end_to_end_duration: 30,
    alignment_buffered: 0,
    processed_data: 0,
    persisted_data: 0,
    num_subtasks: 4,
    num_acknowledged_subtasks: 4,
    checkpoint_type: 'CHECKPOINT',
    tasks: {},
    external_path: `/tmp/checkpoints/${JOB}/chk-3`,
    discarded: false,
  });
  assert.equal(body.history[1]?.failure_message, 'Checkpoint expired before completing.');
  assert.equal(body.history[1]?.failure_timestamp, T0 + 5100);
  assert.equal(body.history[1]?.external_path, undefined);
  // A running checkpoint shows how long it has run until its latest acknowledgement.
  assert.equal(body.history[0]?.end_to_end_duration, 40);
});

test('GET /jobs/:jobid/checkpoints without any checkpoint: zero counts, empty summary, null latest', async () => {
  const r = await call(t.url, 'GET', `/jobs/${JOB}/checkpoints`);
  assert.equal(r.status, 200);
  const body = r.json as StatsJson;
  assert.deepEqual(body.counts, { restored: 0, total: 0, in_progress: 0, completed: 0, failed: 0 });
  assert.deepEqual(body.summary.end_to_end_duration, { min: 0, max: 0, avg: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0 });
  assert.deepEqual(body.latest, { completed: null, savepoint: null, failed: null, restored: null });
  assert.deepEqual(body.history, []);
});

test('checkpoint statistics: 404 for an unknown job and for a job without checkpointing', async () => {
  let r = await call(t.url, 'GET', `/jobs/${UNKNOWN}/checkpoints`);
  assert.equal(r.status, 404);
  assert.deepEqual(errorsOf(r), [`Job ${UNKNOWN} not found.`]);
  r = await call(t.url, 'GET', `/jobs/${BATCH}/checkpoints`);
  assert.equal(r.status, 404);
  assert.deepEqual(errorsOf(r), ['Checkpointing has not been enabled.']);
});

test("GET /jobs/:jobid/checkpoints/config answers Flink's CheckpointConfigInfo", async () => {
  const r = await call(t.url, 'GET', `/jobs/${JOB}/checkpoints/config`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, {
    mode: 'exactly_once',
    interval: 10_000,
    timeout: 600_000,
    min_pause: 0,
    max_concurrent: 1,
    externalization: { enabled: false, delete_on_cancellation: false },
    state_backend: 'HashMapStateBackend',
    checkpoint_storage: 'FileSystemCheckpointStorage',
    unaligned_checkpoints: false,
    tolerable_failed_checkpoints: 0,
    aligned_checkpoint_timeout: 0,
    checkpoints_after_tasks_finish: true,
    state_changelog_enabled: false,
  });
  t.facade.checkpointConfigs.set(
    JOB,
    fakeCheckpointConfig({ mode: 'AT_LEAST_ONCE', interval: undefined, externalizedRetention: 'DELETE_ON_CANCELLATION', checkpointStorage: 'jobmanager' }),
  );
  const body = (await call(t.url, 'GET', `/jobs/${JOB}/checkpoints/config`)).json as Record<string, unknown>;
  assert.equal(body.mode, 'at_least_once');
  assert.equal(body.interval, Number.MAX_SAFE_INTEGER);
  assert.deepEqual(body.externalization, { enabled: true, delete_on_cancellation: true });
  assert.equal(body.checkpoint_storage, 'JobManagerCheckpointStorage');
});

test('checkpoint config: 404 for an unknown job and for a job without checkpointing', async () => {
  let r = await call(t.url, 'GET', `/jobs/${UNKNOWN}/checkpoints/config`);
  assert.equal(r.status, 404);
  assert.deepEqual(errorsOf(r), [`Job ${UNKNOWN} not found.`]);
  r = await call(t.url, 'GET', `/jobs/${BATCH}/checkpoints/config`);
  assert.equal(r.status, 404);
  assert.deepEqual(errorsOf(r), [`Checkpointing is not enabled for this job (${BATCH}).`]);
});

test('GET /jobs/:jobid/checkpoints/details/:checkpointid: one entry, 404 unknown, 400 malformed', async () => {
  t.facade.checkpointStats.set(JOB, stats([entry(2), entry(1)]));
  let r = await call(t.url, 'GET', `/jobs/${JOB}/checkpoints/details/1`);
  assert.equal(r.status, 200);
  assert.equal((r.json as { id: number }).id, 1);
  assert.equal((r.json as { external_path: string }).external_path, `/tmp/checkpoints/${JOB}/chk-1`);
  r = await call(t.url, 'GET', `/jobs/${JOB}/checkpoints/details/42`);
  assert.equal(r.status, 404);
  assert.deepEqual(errorsOf(r), ['Could not find checkpointing statistics for checkpoint 42.']);
  r = await call(t.url, 'GET', `/jobs/${JOB}/checkpoints/details/latest`);
  assert.equal(r.status, 400);
  assert.match(errorsOf(r)[0] ?? '', /Invalid checkpoint id 'latest'/);
  r = await call(t.url, 'GET', `/jobs/${UNKNOWN}/checkpoints/details/1`);
  assert.equal(r.status, 404);
});

/** Polls a status path until COMPLETED. */
async function settled(path: string): Promise<AsyncJson> {
  for (let i = 0; i < 100; i++) {
    const r = await call(t.url, 'GET', path);
    assert.equal(r.status, 200, r.text);
    const body = r.json as AsyncJson;
    if (body.status.id === 'COMPLETED') return body;
    assert.deepEqual(body, { status: { id: 'IN_PROGRESS' } });
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`${path} never completed`);
}

test('POST /jobs/:jobid/savepoints: 202 with a request-id, then the location', async () => {
  const r = await call(t.url, 'POST', `/jobs/${JOB}/savepoints`, { 'target-directory': '/data/sp' });
  assert.equal(r.status, 202);
  const triggerId = (r.json as { 'request-id': string })['request-id'];
  assert.match(triggerId, /^[0-9a-f]{32}$/);
  assert.deepEqual(await settled(`/jobs/${JOB}/savepoints/${triggerId}`), {
    status: { id: 'COMPLETED' },
    operation: { location: '/data/sp/savepoint-000000-0123456789ab' },
  });
  assert.deepEqual(t.facade.savepointRequests, [{ jobId: JOB, targetDirectory: '/data/sp', type: 'SAVEPOINT' }]);
  assert.deepEqual(t.facade.cancelled, []);
});

test('a savepoint stays IN_PROGRESS until the JobMaster answers; a failure carries its cause', async () => {
  let fail: (error: Error) => void = () => undefined;
  t.facade.onSavepoint = () =>
    new Promise((_resolve, reject) => {
      fail = reject;
    });
  const r = await call(t.url, 'POST', `/jobs/${JOB}/savepoints`, {});
  const triggerId = (r.json as { 'request-id': string })['request-id'];
  assert.deepEqual((await call(t.url, 'GET', `/jobs/${JOB}/savepoints/${triggerId}`)).json, { status: { id: 'IN_PROGRESS' } });
  fail(new Error('Task Source: numbers (1/2) declined the savepoint: it has finished.'));
  const body = await settled(`/jobs/${JOB}/savepoints/${triggerId}`);
  const cause = body.operation['failure-cause'] ?? {};
  assert.equal(cause.class, 'Error');
  assert.match(cause['stack-trace'] ?? '', /^Error: Task Source: numbers \(1\/2\) declined the savepoint/);
  const decoded = JSON.parse(Buffer.from(cause['serialized-throwable'] ?? '', 'base64').toString('utf8')) as { message: string };
  assert.equal(decoded.message, 'Task Source: numbers (1/2) declined the savepoint: it has finished.');
  assert.equal(body.operation.location, undefined);
});

test('a client-supplied triggerId is honoured: the same id does not trigger a second savepoint', async () => {
  const triggerId = 'ABCDEF0123456789abcdef0123456789';
  const first = await call(t.url, 'POST', `/jobs/${JOB}/savepoints`, { triggerId });
  const second = await call(t.url, 'POST', `/jobs/${JOB}/savepoints`, { triggerId, 'target-directory': '/elsewhere' });
  assert.equal(first.status, 202);
  assert.equal(second.status, 202);
  assert.deepEqual(first.json, { 'request-id': triggerId.toLowerCase() });
  assert.deepEqual(second.json, first.json);
  assert.equal(t.facade.savepointRequests.filter((s) => s.jobId === JOB).length, 1);
  await settled(`/jobs/${JOB}/savepoints/${triggerId.toLowerCase()}`);
});

test('cancel-job cancels the job once the savepoint completed', async () => {
  const r = await call(t.url, 'POST', `/jobs/${JOB}/savepoints`, { 'cancel-job': true });
  const body = await settled(`/jobs/${JOB}/savepoints/${(r.json as { 'request-id': string })['request-id']}`);
  assert.equal(typeof body.operation.location, 'string');
  assert.ok(t.facade.cancelled.includes(JOB));
});

test('savepoint triggers: 404 unknown job, 400 without a directory, for a job without checkpointing and for malformed bodies', async () => {
  let r = await call(t.url, 'POST', `/jobs/${UNKNOWN}/savepoints`, {});
  assert.equal(r.status, 404);
  assert.deepEqual(errorsOf(r), [`Job ${UNKNOWN} not found.`]);
  t.facade.checkpointConfigs.set(JOB, fakeCheckpointConfig({ savepointDir: undefined }));
  r = await call(t.url, 'POST', `/jobs/${JOB}/savepoints`, {});
  assert.equal(r.status, 400);
  assert.deepEqual(errorsOf(r), ['Config key [execution.checkpointing.savepoint-dir] is not set. Property [target-directory] must be provided.']);
  r = await call(t.url, 'POST', `/jobs/${JOB}/stop`, {});
  assert.deepEqual(errorsOf(r), ['Config key [execution.checkpointing.savepoint-dir] is not set. Property [targetDirectory] must be provided.']);
  r = await call(t.url, 'POST', `/jobs/${BATCH}/savepoints`, { 'target-directory': '/x' });
  assert.equal(r.status, 400);
  assert.match(errorsOf(r)[0] ?? '', /Checkpointing is not enabled for this job/);
  const malformed: [unknown, RegExp][] = [
    [[1, 2], /must be a JSON object/],
    [{ 'cancel-job': 'yes' }, /Field 'cancel-job' of the savepoint trigger request must be true or false, not "yes"/],
    [{ 'target-directory': 42 }, /Field 'target-directory' .* must be a string/],
    [{ targetDirectory: '/x' }, /Unknown field 'targetDirectory' in the savepoint trigger request; known fields: target-directory, cancel-job, triggerId, formatType/],
    [{ triggerId: 'nope' }, /Invalid trigger id 'nope': expected 32 hexadecimal characters/],
    [{ formatType: 'NATIVE' }, /Savepoint format 'NATIVE' is not supported/],
  ];
  for (const [body, message] of malformed) {
    r = await call(t.url, 'POST', `/jobs/${JOB}/savepoints`, body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.match(errorsOf(r)[0] ?? '', message);
  }
  r = await call(t.url, 'POST', `/jobs/${JOB}/savepoints`, '{"target-directory": ');
  assert.equal(r.status, 400);
  assert.equal(t.facade.savepointRequests.length, 0);
});

test('savepoint status: 404 for an unknown trigger id (also of another job), 400 for a malformed one', async () => {
  const r = await call(t.url, 'POST', `/jobs/${JOB}/savepoints`, {});
  const triggerId = (r.json as { 'request-id': string })['request-id'];
  await settled(`/jobs/${JOB}/savepoints/${triggerId}`);
  let status = await call(t.url, 'GET', `/jobs/${BATCH}/savepoints/${triggerId}`);
  assert.equal(status.status, 404);
  assert.deepEqual(errorsOf(status), [`There is no savepoint operation with triggerId=${triggerId} for job ${BATCH}.`]);
  status = await call(t.url, 'GET', `/jobs/${JOB}/savepoints/xyz`);
  assert.equal(status.status, 400);
});

test('POST /jobs/:jobid/stop: suspend or drain, polled at the savepoint status path', async () => {
  let r = await call(t.url, 'POST', `/jobs/${JOB}/stop`, { targetDirectory: '/data/sp' });
  assert.equal(r.status, 202);
  let body = await settled(`/jobs/${JOB}/savepoints/${(r.json as { 'request-id': string })['request-id']}`);
  assert.equal(body.operation.location, '/data/sp/savepoint-000000-0123456789ab');
  r = await call(t.url, 'POST', `/jobs/${JOB}/stop`, { drain: true, triggerId: hexId(0x77) });
  assert.deepEqual(r.json, { 'request-id': hexId(0x77) });
  body = await settled(`/jobs/${JOB}/savepoints/${hexId(0x77)}`);
  assert.equal(body.operation.location, '/tmp/savepoints/savepoint-000000-0123456789ab');
  assert.deepEqual(
    t.facade.savepointRequests.map((s) => [s.targetDirectory, s.type]),
    [
      ['/data/sp', 'SAVEPOINT_SUSPEND'],
      [undefined, 'SAVEPOINT_TERMINATE'],
    ],
  );
  r = await call(t.url, 'POST', `/jobs/${JOB}/stop`, { drain: 'true' });
  assert.equal(r.status, 400);
  assert.match(errorsOf(r)[0] ?? '', /Field 'drain' of the stop-with-savepoint request must be true or false/);
  r = await call(t.url, 'POST', `/jobs/${JOB}/stop`, { 'target-directory': '/x' });
  assert.match(errorsOf(r)[0] ?? '', /Unknown field 'target-directory'/);
  r = await call(t.url, 'POST', `/jobs/${UNKNOWN}/stop`, {});
  assert.equal(r.status, 404);
});

test('POST /jobs/:jobid/checkpoints: 202, then {"checkpointId"}; idempotent trigger ids; failures', async () => {
  t.facade.onCheckpoint = () => Promise.resolve(17);
  let r = await call(t.url, 'POST', `/jobs/${JOB}/checkpoints`, { checkpointType: 'FULL', triggerId: hexId(0x42) });
  assert.equal(r.status, 202);
  assert.deepEqual(r.json, { 'request-id': hexId(0x42) });
  assert.deepEqual(await settled(`/jobs/${JOB}/checkpoints/${hexId(0x42)}`), { status: { id: 'COMPLETED' }, operation: { checkpointId: 17 } });
  r = await call(t.url, 'POST', `/jobs/${JOB}/checkpoints`, { triggerId: hexId(0x42) });
  assert.deepEqual(r.json, { 'request-id': hexId(0x42) });
  assert.equal(t.facade.checkpointRequests.length, 1);
  // A savepoint's trigger id is not a checkpoint's.
  assert.equal((await call(t.url, 'GET', `/jobs/${JOB}/savepoints/${hexId(0x42)}`)).status, 404);

  t.facade.onCheckpoint = () => Promise.reject(new Error('Checkpoint Coordinator is suspending.'));
  r = await call(t.url, 'POST', `/jobs/${JOB}/checkpoints`, {});
  const body = await settled(`/jobs/${JOB}/checkpoints/${(r.json as { 'request-id': string })['request-id']}`);
  assert.match(body.operation['failure-cause']?.['stack-trace'] ?? '', /^Error: Checkpoint Coordinator is suspending\./);

  for (const [payload, message] of [
    [{ checkpointType: 'INCREMENTAL' }, /INCREMENTAL is not supported/],
    [{ checkpointType: 'SOMETIMES' }, /Unknown checkpoint type 'SOMETIMES': expected CONFIGURED or FULL/],
    [{ checkpointType: 1 }, /Field 'checkpointType' of the checkpoint trigger request must be a string/],
    [{ type: 'FULL' }, /Unknown field 'type' in the checkpoint trigger request/],
  ] as const) {
    r = await call(t.url, 'POST', `/jobs/${JOB}/checkpoints`, payload);
    assert.equal(r.status, 400, JSON.stringify(payload));
    assert.match(errorsOf(r)[0] ?? '', message);
  }
  r = await call(t.url, 'POST', `/jobs/${UNKNOWN}/checkpoints`, {});
  assert.equal(r.status, 404);
  r = await call(t.url, 'POST', `/jobs/${BATCH}/checkpoints`, {});
  assert.equal(r.status, 400);
  assert.deepEqual(errorsOf(r), [`Checkpointing is not enabled for this job (${BATCH}), so no checkpoint can be triggered.`]);
  r = await call(t.url, 'GET', `/jobs/${JOB}/checkpoints/${hexId(0x43)}`);
  assert.equal(r.status, 404);
  assert.deepEqual(errorsOf(r), [`There is no checkpoint operation with triggerId=${hexId(0x43)} for job ${JOB}.`]);
});

test('POST /savepoint-disposal: 202, then an empty operation; failures carry the cause; bad bodies 400', async () => {
  let r = await call(t.url, 'POST', '/savepoint-disposal', { 'savepoint-path': '/data/sp/savepoint-1' });
  assert.equal(r.status, 202);
  let triggerId = (r.json as { 'request-id': string })['request-id'];
  assert.deepEqual(await settled(`/savepoint-disposal/${triggerId}`), { status: { id: 'COMPLETED' }, operation: {} });
  assert.deepEqual(t.facade.disposed, ['/data/sp/savepoint-1']);

  t.facade.onDispose = (path) => Promise.reject(new Error(`'${path}' is not a savepoint: it has no _metadata file.`));
  r = await call(t.url, 'POST', '/savepoint-disposal', { 'savepoint-path': '/tmp' });
  triggerId = (r.json as { 'request-id': string })['request-id'];
  const body = await settled(`/savepoint-disposal/${triggerId}`);
  assert.match(body.operation['failure-cause']?.['stack-trace'] ?? '', /'\/tmp' is not a savepoint/);

  for (const [payload, message] of [
    [{}, /needs 'savepoint-path'/],
    [{ 'savepoint-path': '' }, /must not be empty/],
    [{ path: '/x' }, /Unknown field 'path' in the savepoint disposal request/],
  ] as const) {
    r = await call(t.url, 'POST', '/savepoint-disposal', payload);
    assert.equal(r.status, 400, JSON.stringify(payload));
    assert.match(errorsOf(r)[0] ?? '', message);
  }
  r = await call(t.url, 'GET', `/savepoint-disposal/${hexId(0x55)}`);
  assert.equal(r.status, 404);
  assert.deepEqual(errorsOf(r), [`There is no savepoint disposal operation with triggerId=${hexId(0x55)}.`]);
});

import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { decodeCollectResult, encodeCollectRequest } from '../../../src/runtime/rest/collect-protocol.js';
import { RestHandlerError } from '../../../src/runtime/rest/rest-errors.js';
import type { FakeJob } from './fake-cluster-facade.js';
import { T0, fakeJob, fakeTaskManager, hexId } from './fake-cluster-facade.js';
import type { TestServer } from './rest-test-server.js';
import { call, errorsOf, startTestServer } from './rest-test-server.js';

let t: TestServer;
let running: FakeJob;
let finished: FakeJob;
const RUNNING_ID = hexId(0x1111);
const FINISHED_ID = hexId(0x2222);
const VERTEX_ID = hexId(0xabc);

before(async () => {
  t = await startTestServer();
});

after(async () => {
  await t.close();
});

beforeEach(() => {
  t.facade.jobs.clear();
  t.facade.onCall = () => undefined;
  t.facade.taskManagers = [fakeTaskManager('tm-1'), fakeTaskManager('tm-2', { slotsFree: 2 })];
  running = t.facade.add(fakeJob(RUNNING_ID, { name: 'streaming job', startTime: T0 }));
  finished = t.facade.add(fakeJob(FINISHED_ID, { name: 'batch job', startTime: T0 - 60_000 }));
  t.facade.finish(finished, 'FINISHED', { accumulators: { lines: 3 } });
});

test('GET /config reports version, time zone and features', async () => {
  const r = await call(t.url, 'GET', '/config');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
  const body = r.json as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), ['features', 'flink-revision', 'flink-version', 'refresh-interval', 'timezone-name', 'timezone-offset']);
  assert.equal(body['flink-version'], '0.1.0');
  assert.equal(body['refresh-interval'], 3000);
  assert.deepEqual(body.features, { 'web-submit': true, 'web-cancel': true, 'web-rescale': false, 'web-history': false });
});

test('GET /overview counts TaskManagers, slots and jobs; the /v1 prefix is accepted', async () => {
  t.facade.add(fakeJob(hexId(0x3333), { status: 'CREATED' }));
  for (const path of ['/overview', '/v1/overview']) {
    const r = await call(t.url, 'GET', path);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, {
      taskmanagers: 2,
      'slots-total': 4,
      'slots-available': 3,
      'jobs-running': 2,
      'jobs-finished': 1,
      'jobs-cancelled': 0,
      'jobs-failed': 0,
      'flink-version': '0.1.0',
      'flink-commit': 'abc1234',
    });
  }
});

test('DELETE /cluster asks the cluster to shut down', async () => {
  const before = t.facade.shutdowns;
  const r = await call(t.url, 'DELETE', '/cluster');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, {});
  assert.equal(t.facade.shutdowns, before + 1);
});

test('GET /jobs lists ids and statuses', async () => {
  const r = await call(t.url, 'GET', '/jobs');
  assert.equal(r.status, 200);
  const jobs = (r.json as { jobs: { id: string; status: string }[] }).jobs;
  assert.deepEqual(
    jobs.sort((a, b) => a.id.localeCompare(b.id)),
    [
      { id: RUNNING_ID, status: 'RUNNING' },
      { id: FINISHED_ID, status: 'FINISHED' },
    ],
  );
});

test("GET /jobs/overview has Flink's JobDetails, newest first", async () => {
  const r = await call(t.url, 'GET', '/jobs/overview');
  assert.equal(r.status, 200);
  const jobs = (r.json as { jobs: Record<string, unknown>[] }).jobs;
  assert.deepEqual(
    jobs.map((j) => j.jid),
    [RUNNING_ID, FINISHED_ID],
  );
  const done = jobs[1] as Record<string, unknown>;
  assert.deepEqual(done, {
    jid: FINISHED_ID,
    name: 'batch job',
    'start-time': T0 - 60_000,
    'end-time': T0 - 60_000 + 1234,
    duration: 1234,
    state: 'FINISHED',
    'last-modification': T0 - 60_000 + 10,
    tasks: {
      total: 2,
      created: 0,
      scheduled: 0,
      deploying: 0,
      initializing: 0,
      running: 0,
      finished: 2,
      canceling: 0,
      canceled: 0,
      failed: 0,
      reconciling: 0,
    },
  });
  assert.equal((jobs[0] as Record<string, unknown>)['end-time'], -1);
});

test('GET /jobs/:jobid has the details, every state timestamp and the vertices', async () => {
  const r = await call(t.url, 'GET', `/jobs/${RUNNING_ID}`);
  assert.equal(r.status, 200);
  const body = r.json as Record<string, unknown>;
  for (const key of ['jid', 'name', 'isStoppable', 'state', 'job-type', 'start-time', 'end-time', 'duration', 'maxParallelism', 'now', 'timestamps', 'vertices', 'status-counts', 'plan']) {
    assert.ok(key in body, `missing ${key}`);
  }
  assert.equal(body.state, 'RUNNING');
  assert.equal(body['job-type'], 'STREAMING');
  const timestamps = body.timestamps as Record<string, number>;
  assert.equal(Object.keys(timestamps).length, 11);
  assert.equal(timestamps.INITIALIZING, T0);
  assert.equal(timestamps.FAILED, 0);
  const [vertex] = body.vertices as Record<string, unknown>[];
  assert.ok(vertex !== undefined);
  assert.equal(vertex.id, VERTEX_ID);
  assert.equal(vertex.status, 'RUNNING');
  assert.equal(vertex.slotSharingGroupName, 'default');
  assert.match(vertex.slotSharingGroupId as string, /^[0-9a-f]{32}$/);
  assert.equal((vertex.tasks as Record<string, number>).RUNNING, 2);
  assert.deepEqual(Object.keys(vertex.metrics as object).sort(), [
    'accumulated-backpressured-time',
    'accumulated-busy-time',
    'accumulated-idle-time',
    'read-bytes',
    'read-bytes-complete',
    'read-records',
    'read-records-complete',
    'write-bytes',
    'write-bytes-complete',
    'write-records',
    'write-records-complete',
  ]);
  assert.equal((vertex.metrics as Record<string, number>)['read-records'], 30);
  assert.equal((body['status-counts'] as Record<string, number>).RUNNING, 2);
});

test('job ids are checked: malformed → 400, unknown → 404, upper case is accepted', async () => {
  const bad = await call(t.url, 'GET', '/jobs/not-a-job-id');
  assert.equal(bad.status, 400);
  assert.deepEqual(errorsOf(bad), ["Invalid job id 'not-a-job-id': expected 32 hexadecimal characters."]);
  const unknown = hexId(0x9999);
  const missing = await call(t.url, 'GET', `/jobs/${unknown}`);
  assert.equal(missing.status, 404);
  assert.deepEqual(errorsOf(missing), [`Job ${unknown} not found.`]);
  const upper = await call(t.url, 'GET', `/jobs/${RUNNING_ID.toUpperCase()}/status`);
  assert.equal(upper.status, 200);
});

test('PATCH /jobs/:jobid?mode=cancel cancels: 202 {}, 404 unknown, 409 ended, 400 other modes', async () => {
  const accepted = await call(t.url, 'PATCH', `/jobs/${RUNNING_ID}?mode=cancel`);
  assert.equal(accepted.status, 202);
  assert.deepEqual(accepted.json, {});
  assert.deepEqual(t.facade.cancelled, [RUNNING_ID]);

  const unknown = hexId(0x9999);
  const missing = await call(t.url, 'PATCH', `/jobs/${unknown}?mode=cancel`);
  assert.equal(missing.status, 404);
  assert.deepEqual(errorsOf(missing), [`Job ${unknown} not found.`]);

  const ended = await call(t.url, 'PATCH', `/jobs/${FINISHED_ID}?mode=cancel`);
  assert.equal(ended.status, 409);
  assert.match(errorsOf(ended)[0] ?? '', /terminal state FINISHED/);

  const stop = await call(t.url, 'PATCH', `/jobs/${RUNNING_ID}?mode=stop`);
  assert.equal(stop.status, 400);
  assert.match(errorsOf(stop)[0] ?? '', /Unsupported termination mode 'stop'/);
});

test('GET /jobs/:jobid/status and /plan', async () => {
  assert.deepEqual((await call(t.url, 'GET', `/jobs/${FINISHED_ID}/status`)).json, { status: 'FINISHED' });
  const plan = await call(t.url, 'GET', `/jobs/${RUNNING_ID}/plan`);
  assert.equal(plan.status, 200);
  assert.deepEqual(plan.json, { plan: running.detail.plan });
});

test('GET /jobs/:jobid/exceptions has the history, truncated by maxExceptions', async () => {
  const entry = (n: number, taskName?: string): FakeJob['exceptions']['history'][number] => ({
    exceptionName: 'TypeError',
    stacktrace: `TypeError: boom ${n}\n    at map (job.ts:1:1)`,
    timestamp: T0 + n,
    taskName,
    location: taskName === undefined ? undefined : 'localhost:40000',
    taskManagerId: taskName === undefined ? undefined : 'tm-1',
    failureLabels: {},
    concurrentExceptions: [],
  });
  running.exceptions = { rootCause: entry(3, 'Map (1/2)#0'), history: [entry(3, 'Map (1/2)#0'), entry(2), entry(1, 'Map (2/2)#0')] };
  const r = await call(t.url, 'GET', `/jobs/${RUNNING_ID}/exceptions?maxExceptions=2`);
  assert.equal(r.status, 200);
  const body = r.json as Record<string, unknown>;
  assert.equal(body['root-exception'], 'TypeError: boom 3\n    at map (job.ts:1:1)');
  assert.equal(body.timestamp, T0 + 3);
  assert.equal(body.truncated, true);
  const history = body.exceptionHistory as { entries: Record<string, unknown>[]; truncated: boolean };
  assert.equal(history.truncated, true);
  assert.equal(history.entries.length, 2);
  assert.deepEqual(history.entries[0], {
    exceptionName: 'TypeError',
    stacktrace: 'TypeError: boom 3\n    at map (job.ts:1:1)',
    timestamp: T0 + 3,
    taskName: 'Map (1/2)#0',
    location: 'localhost:40000',
    endpoint: 'localhost:40000',
    taskManagerId: 'tm-1',
    failureLabels: {},
    concurrentExceptions: [],
  });
  assert.equal((history.entries[1] as Record<string, unknown>).taskName, null);
  assert.equal((body['all-exceptions'] as unknown[]).length, 1);

  const bad = await call(t.url, 'GET', `/jobs/${RUNNING_ID}/exceptions?maxExceptions=lots`);
  assert.equal(bad.status, 400);
  assert.match(errorsOf(bad)[0] ?? '', /query parameter 'maxExceptions'/);
});

test('GET /jobs/:jobid/execution-result: IN_PROGRESS, then the completed result', async () => {
  assert.deepEqual((await call(t.url, 'GET', `/jobs/${RUNNING_ID}/execution-result`)).json, { status: { id: 'IN_PROGRESS' } });
  assert.deepEqual((await call(t.url, 'GET', `/jobs/${FINISHED_ID}/execution-result`)).json, {
    status: { id: 'COMPLETED' },
    'job-execution-result': { id: FINISHED_ID, 'application-status': 'SUCCEEDED', 'accumulator-results': { lines: 3 }, 'net-runtime': 1234 },
  });
  t.facade.finish(running, 'FAILED', { failure: { class: 'TypeError', message: 'boom', stack: 'TypeError: boom\n    at x' } });
  const failed = (await call(t.url, 'GET', `/jobs/${RUNNING_ID}/execution-result`)).json as Record<string, Record<string, unknown>>;
  const result = failed['job-execution-result'] as Record<string, unknown>;
  assert.equal(result['application-status'], 'FAILED');
  const cause = result['failure-cause'] as Record<string, string>;
  assert.equal(cause.class, 'TypeError');
  assert.equal(cause['stack-trace'], 'TypeError: boom\n    at x');
  assert.deepEqual(JSON.parse(Buffer.from(cause['serialized-throwable'] ?? '', 'base64').toString('utf8')), {
    class: 'TypeError',
    message: 'boom',
    stack: 'TypeError: boom\n    at x',
  });
});

test('GET /jobs/:jobid/accumulators, with serialized values on request', async () => {
  running.accumulators = [{ name: 'lines', type: 'LongCounter', value: 42 }];
  assert.deepEqual((await call(t.url, 'GET', `/jobs/${RUNNING_ID}/accumulators`)).json, {
    'job-accumulators': [],
    'user-task-accumulators': [{ name: 'lines', type: 'LongCounter', value: '42' }],
  });
  const withSerialized = (await call(t.url, 'GET', `/jobs/${RUNNING_ID}/accumulators?includeSerializedValue=true`)).json as Record<string, unknown>;
  assert.deepEqual(withSerialized['serialized-user-task-accumulators'], { lines: Buffer.from('42').toString('base64') });
  assert.equal((await call(t.url, 'GET', `/jobs/${RUNNING_ID}/accumulators?includeSerializedValue=maybe`)).status, 400);
});

test('GET /jobs/:jobid/metrics lists names, or values for ?get=', async () => {
  assert.deepEqual((await call(t.url, 'GET', `/jobs/${RUNNING_ID}/metrics`)).json, [{ id: 'numRestarts' }, { id: 'uptime' }]);
  assert.deepEqual((await call(t.url, 'GET', `/jobs/${RUNNING_ID}/metrics?get=numRestarts,unknownMetric`)).json, [{ id: 'numRestarts', value: '0' }]);
});

test('GET /jobs/:jobid/vertices/:vertexid has the subtasks', async () => {
  const r = await call(t.url, 'GET', `/jobs/${RUNNING_ID}/vertices/${VERTEX_ID}`);
  assert.equal(r.status, 200);
  const body = r.json as Record<string, unknown>;
  assert.equal(body.id, VERTEX_ID);
  assert.equal(body.parallelism, 2);
  const subtasks = body.subtasks as Record<string, unknown>[];
  assert.equal(subtasks.length, 2);
  const first = subtasks[0] as Record<string, unknown>;
  assert.equal(first.subtask, 0);
  assert.equal(first.status, 'RUNNING');
  assert.equal(first.attempt, 0);
  assert.equal(first.endpoint, 'localhost:40000');
  assert.equal(first['taskmanager-id'], 'tm-1');
  assert.equal((first.metrics as Record<string, number>)['read-records'], 10);
  const durations = first['status-duration'] as Record<string, number>;
  assert.deepEqual(Object.keys(durations), ['CREATED', 'SCHEDULED', 'DEPLOYING', 'INITIALIZING', 'RUNNING']);
  assert.equal(durations.CREATED, 2);
  assert.equal(durations.SCHEDULED, 3);
  assert.equal(durations.INITIALIZING, 0);

  const unknownVertex = hexId(0xdead);
  const missing = await call(t.url, 'GET', `/jobs/${RUNNING_ID}/vertices/${unknownVertex}`);
  assert.equal(missing.status, 404);
  assert.deepEqual(errorsOf(missing), [`Vertex ${unknownVertex} not found in job ${RUNNING_ID}.`]);
  const missingJob = await call(t.url, 'GET', `/jobs/${hexId(0x9999)}/vertices/${VERTEX_ID}`);
  assert.deepEqual(errorsOf(missingJob), [`Job ${hexId(0x9999)} not found.`]);
  assert.equal((await call(t.url, 'GET', `/jobs/${RUNNING_ID}/vertices/xyz`)).status, 400);
});

test('GET .../subtasks/metrics aggregates over subtasks (min, max, avg, sum, skew)', async () => {
  const base = `/jobs/${RUNNING_ID}/vertices/${VERTEX_ID}/subtasks/metrics`;
  assert.deepEqual((await call(t.url, 'GET', base)).json, [{ id: 'numRecordsIn' }, { id: 'numRecordsOut' }]);
  assert.deepEqual((await call(t.url, 'GET', `${base}?get=numRecordsIn`)).json, [{ id: 'numRecordsIn', min: 10, max: 20, avg: 15, sum: 30, skew: (5 / 15) * 100 }]);
  assert.deepEqual((await call(t.url, 'GET', `${base}?get=numRecordsIn,numRecordsOut&agg=sum,max`)).json, [
    { id: 'numRecordsIn', sum: 30, max: 20 },
    { id: 'numRecordsOut', sum: 15, max: 10 },
  ]);
  assert.deepEqual((await call(t.url, 'GET', `${base}?get=numRecordsIn&agg=sum&subtasks=1`)).json, [{ id: 'numRecordsIn', sum: 20 }]);
  const bad = await call(t.url, 'GET', `${base}?get=numRecordsIn&agg=median`);
  assert.equal(bad.status, 400);
  assert.match(errorsOf(bad)[0] ?? '', /Invalid aggregation 'median'/);
  assert.equal((await call(t.url, 'GET', `${base}?get=numRecordsIn&subtasks=a-b`)).status, 400);
});

test("GET .../backpressure applies Flink's thresholds: ok ≤ 0.10 < low ≤ 0.5 < high", async () => {
  const vertex = running.vertices.get(VERTEX_ID);
  assert.ok(vertex !== undefined);
  const withRatios = (ms: number[]): void => {
    running.vertices.set(VERTEX_ID, {
      ...vertex,
      subtasks: ms.map((bp, index) => ({
        ...(vertex.subtasks[0] as (typeof vertex.subtasks)[number]),
        index,
        metrics: { backPressuredTimeMsPerSecond: bp, idleTimeMsPerSecond: 1000 - bp - 100, busyTimeMsPerSecond: 100 },
      })),
    });
  };
  withRatios([100, 500, 800]);
  const r = await call(t.url, 'GET', `/jobs/${RUNNING_ID}/vertices/${VERTEX_ID}/backpressure`);
  assert.equal(r.status, 200);
  const body = r.json as Record<string, unknown>;
  assert.equal(body.status, 'ok');
  assert.equal(body['backpressure-level'], 'high');
  assert.equal(body.backpressureLevel, 'high');
  assert.equal(typeof body['end-timestamp'], 'number');
  assert.deepEqual(body.subtasks, [
    { subtask: 0, 'attempt-number': 0, 'backpressure-level': 'ok', backpressureLevel: 'ok', ratio: 0.1, idleRatio: 0.8, busyRatio: 0.1 },
    { subtask: 1, 'attempt-number': 0, 'backpressure-level': 'low', backpressureLevel: 'low', ratio: 0.5, idleRatio: 0.4, busyRatio: 0.1 },
    { subtask: 2, 'attempt-number': 0, 'backpressure-level': 'high', backpressureLevel: 'high', ratio: 0.8, idleRatio: 0.1, busyRatio: 0.1 },
  ]);
  withRatios([101]);
  assert.equal(((await call(t.url, 'GET', `/jobs/${RUNNING_ID}/vertices/${VERTEX_ID}/backpressure`)).json as Record<string, unknown>)['backpressure-level'], 'low');
  running.vertices.set(VERTEX_ID, { ...vertex, subtasks: vertex.subtasks.map((s) => ({ ...s, metrics: {} })) });
  assert.deepEqual((await call(t.url, 'GET', `/jobs/${RUNNING_ID}/vertices/${VERTEX_ID}/backpressure`)).json, { status: 'deprecated' });
});

test('POST /jobs/:jobid/coordinators/:operatorid serves collected values from an offset', async () => {
  const operator = hexId(0x0e);
  running.collected.set(operator, ['a', { b: 1 }, new Date(T0), 4n]);
  const path = `/jobs/${RUNNING_ID}/coordinators/${operator}`;
  const first = await call(t.url, 'POST', path, encodeCollectRequest({ offset: 0, limit: 10 }));
  assert.equal(first.status, 200);
  const result = decodeCollectResult(first.json);
  assert.deepEqual(result, { values: ['a', { b: 1 }, new Date(T0), 4n], jobEnded: false });
  const rest = decodeCollectResult((await call(t.url, 'POST', path, encodeCollectRequest({ offset: 3 }))).json);
  assert.deepEqual(rest.values, [4n]);

  const bad = await call(t.url, 'POST', path, { serializedCoordinationRequest: 42 });
  assert.equal(bad.status, 400);
  const malformed = await call(t.url, 'POST', path, '{"serializedCoordinationRequest": ');
  assert.equal(malformed.status, 400);
  assert.match(errorsOf(malformed)[0] ?? '', /not valid JSON/);
  assert.equal((await call(t.url, 'POST', `/jobs/${RUNNING_ID}/coordinators/nothex`, encodeCollectRequest({ offset: 0 }))).status, 400);
  const missing = await call(t.url, 'POST', `/jobs/${hexId(0x9999)}/coordinators/${operator}`, encodeCollectRequest({ offset: 0 }));
  assert.equal(missing.status, 404);
});

test('a facade failure is a 500 with a generic message and a logged stack; a RestHandlerError keeps its status', async () => {
  t.facade.onCall = (member) => {
    if (member === 'listJobs') throw new Error('database on fire');
    if (member === 'getJobStatus') throw new RestHandlerError(503, 'No leader yet.');
  };
  const r = await call(t.url, 'GET', '/jobs/overview');
  assert.equal(r.status, 500);
  assert.deepEqual(errorsOf(r), ['Internal server error.']);
  assert.ok(!r.text.includes('database on fire'));
  assert.ok(t.logs.lines.some((line) => line.includes('database on fire') && line.includes('at ')));
  const unavailable = await call(t.url, 'GET', `/jobs/${RUNNING_ID}/status`);
  assert.equal(unavailable.status, 503);
  assert.deepEqual(errorsOf(unavailable), ['No leader yet.']);
});

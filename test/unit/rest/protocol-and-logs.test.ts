import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { parsePortSpec } from '../../../src/runtime/rest/rest-server.js';
import { RestServer } from '../../../src/runtime/rest/rest-server.js';
import { Logger, MemoryLogSink } from '../../../src/core/logger.js';
import { FakeClusterFacade, fakeTaskManager, hexId } from './fake-cluster-facade.js';
import type { TestServer } from './rest-test-server.js';
import { call, errorsOf, rawRequest, startTestServer } from './rest-test-server.js';

let t: TestServer;

before(async () => {
  t = await startTestServer({ maxContentLength: 1024 });
  t.facade.taskManagers = [fakeTaskManager('tm-1'), fakeTaskManager('tm-2')];
  t.facade.taskManagerLogs.set('tm-1', new Map([['taskmanager.log', 'line 1\nline 2\n'], ['taskmanager.out', 'stdout\n']]));
  t.facade.jobManagerLogs.set('jobmanager.log', 'jm line\n');
  t.facade.configuration = {
    'rest.port': '8081',
    'security.ssl.rest.keystore-password': 'hunter2',
    'fs.s3.secret-key': 'xyz',
    'metrics.reporter.x.apikey': 'k',
    'custom.auth-token': 't',
  };
});

after(async () => {
  await t.close();
});

test('an unknown path is a 404 in Flink\'s error shape', async () => {
  const r = await call(t.url, 'GET', '/no/such/thing');
  assert.equal(r.status, 404);
  assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
  assert.deepEqual(r.json, { errors: ['Not found: /no/such/thing'] });
  assert.equal((await call(t.url, 'GET', '/v2/overview')).status, 404);
});

test('a known path with the wrong method is a 405 naming the allowed methods', async () => {
  const r = await call(t.url, 'POST', '/overview');
  assert.equal(r.status, 405);
  assert.equal(r.headers.get('allow'), 'GET');
  assert.deepEqual(errorsOf(r), ['Method POST is not allowed for /overview. Allowed: GET.']);
  // /jobs/overview is its own path: it is not read as PATCH /jobs/:jobid.
  const overview = await call(t.url, 'PATCH', '/jobs/overview');
  assert.equal(overview.status, 405);
  assert.equal(overview.headers.get('allow'), 'GET');
  const job = await call(t.url, 'PUT', `/jobs/${hexId(1)}`);
  assert.equal(job.status, 405);
  assert.equal(job.headers.get('allow'), 'GET, PATCH');
  const head = await rawRequest(t.server.port, { method: 'OPTIONS', path: '/jobs' });
  assert.equal(head.status, 405);
});

test('a body larger than rest.server.max-content-length is refused with 413 before it is read', async () => {
  // Content-Length announces 10 MB, but only a few bytes are sent: the answer must not wait for the rest.
  const declared = await rawRequest(t.server.port, {
    method: 'POST',
    path: `/jobs/${hexId(1)}/coordinators/${hexId(2)}`,
    headers: { 'Content-Type': 'application/json', 'Content-Length': 10_000_000 },
    body: '{"a":',
    endBody: false,
  });
  assert.equal(declared.status, 413);
  assert.equal(declared.headers.connection, 'close');
  assert.deepEqual(JSON.parse(declared.text), { errors: ['Request content exceeds the limit of 1024 bytes (rest.server.max-content-length).'] });

  // Chunked: no length up front, counted while reading.
  const chunked = await rawRequest(t.server.port, {
    method: 'POST',
    path: `/jobs/${hexId(1)}/coordinators/${hexId(2)}`,
    headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
    body: 'x'.repeat(5000),
  });
  assert.equal(chunked.status, 413);
  // The server is still fine afterwards.
  assert.equal((await call(t.url, 'GET', '/overview')).status, 200);
});

test('malformed requests are answered with 400 and never take the server down', async () => {
  const encoding = await rawRequest(t.server.port, { method: 'GET', path: '/jobs/%E0%A4%A' });
  assert.equal(encoding.status, 400);
  assert.match(errorsOf(encoding)[0] ?? '', /percent-encoding/);
  // Garbage that is not HTTP at all: node answers 400 itself and closes; the server keeps serving.
  await new Promise<void>((resolve) => {
    const socket = connect(t.server.port, '127.0.0.1', () => {
      socket.end('\x00\x01 NOT HTTP\r\n\r\n');
    });
    socket.on('data', () => undefined);
    socket.on('close', () => {
      resolve();
    });
    socket.on('error', () => {
      resolve();
    });
  });
  const body = await call(t.url, 'POST', `/jobs/${hexId(1)}/coordinators/${hexId(2)}`, '[1, 2');
  assert.equal(body.status, 400);
  assert.equal((await call(t.url, 'GET', '/overview')).status, 200);
});

test('GET /taskmanagers lists every TaskManager in Flink\'s shape', async () => {
  const r = await call(t.url, 'GET', '/taskmanagers');
  assert.equal(r.status, 200);
  const list = (r.json as { taskmanagers: Record<string, unknown>[] }).taskmanagers;
  assert.equal(list.length, 2);
  const tm = list[0] as Record<string, unknown>;
  assert.equal(tm.id, 'tm-1');
  assert.equal(tm.path, 'localhost:6122/taskmanager_tm-1');
  assert.equal(tm.dataPort, 40000);
  assert.equal(tm.jmxPort, -1);
  assert.equal(tm.timeSinceLastHeartbeat, fakeTaskManager('x').lastHeartbeat);
  assert.equal(tm.slotsNumber, 2);
  assert.equal(tm.freeSlots, 1);
  assert.deepEqual(tm.hardware, { cpuCores: 8, physicalMemory: 16 * 1024 ** 3, freeMemory: 1024 ** 3, managedMemory: 512 * 1024 ** 2 });
  assert.deepEqual(tm.totalResource, { cpuCores: 0, taskHeapMemory: 0, taskOffHeapMemory: 0, managedMemory: 0, networkMemory: 0, extendedResources: {} });
  assert.equal(Object.keys(tm.memoryConfiguration as object).length, 10);
  assert.equal(tm.blocked, false);
});

test('GET /taskmanagers/:id has allocated slots and metrics; an unknown id is a 404', async () => {
  const r = await call(t.url, 'GET', '/taskmanagers/tm-1');
  assert.equal(r.status, 200);
  const tm = r.json as Record<string, unknown>;
  assert.deepEqual((tm.allocatedSlots as Record<string, unknown>[]).map((s) => s.jobId), [hexId(1)]);
  const metrics = tm.metrics as Record<string, unknown>;
  assert.equal(metrics.heapUsed, 100);
  assert.equal(metrics.nonHeapUsed, 0);
  assert.deepEqual(metrics.garbageCollectors, []);
  const missing = await call(t.url, 'GET', '/taskmanagers/tm-9');
  assert.equal(missing.status, 404);
  assert.deepEqual(errorsOf(missing), ['TaskManager tm-9 not found.']);
});

test('TaskManager logs: the listing, a listed file, and nothing else', async () => {
  const list = await call(t.url, 'GET', '/taskmanagers/tm-1/logs');
  assert.equal(list.status, 200);
  assert.deepEqual((list.json as { logs: { name: string }[] }).logs.map((l) => l.name), ['taskmanager.log', 'taskmanager.out']);
  assert.deepEqual((list.json as { logs: Record<string, unknown>[] }).logs[0], { name: 'taskmanager.log', size: 14, mtime: fakeTaskManager('x').lastHeartbeat });

  const file = await call(t.url, 'GET', '/taskmanagers/tm-1/logs/taskmanager.log');
  assert.equal(file.status, 200);
  assert.match(file.headers.get('content-type') ?? '', /^text\/plain/);
  assert.equal(file.text, 'line 1\nline 2\n');

  t.facade.logReads.length = 0;
  for (const path of ['/taskmanagers/tm-1/logs/..', '/taskmanagers/tm-1/logs/%2E%2E', '/taskmanagers/tm-1/logs/..%2F..%2Fetc%2Fpasswd', '/taskmanagers/tm-1/logs/a%5Cb']) {
    const r = await rawRequest(t.server.port, { method: 'GET', path });
    assert.equal(r.status, 400, `${path}: ${r.text}`);
  }
  const unlisted = await call(t.url, 'GET', '/taskmanagers/tm-1/logs/other.log');
  assert.equal(unlisted.status, 404);
  assert.deepEqual(errorsOf(unlisted), ["Log file 'other.log' of TaskManager tm-1 not found."]);
  assert.deepEqual(t.facade.logReads, []);
  assert.equal((await call(t.url, 'GET', '/taskmanagers/tm-9/logs')).status, 404);
  assert.equal((await call(t.url, 'GET', '/taskmanagers/tm-9/logs/taskmanager.log')).status, 404);
});

test('GET /jobmanager/config masks secrets', async () => {
  const r = await call(t.url, 'GET', '/jobmanager/config');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, [
    { key: 'custom.auth-token', value: '******' },
    { key: 'fs.s3.secret-key', value: '******' },
    { key: 'metrics.reporter.x.apikey', value: '******' },
    { key: 'rest.port', value: '8081' },
    { key: 'security.ssl.rest.keystore-password', value: '******' },
  ]);
});

test('JobManager logs: listing, a listed file, traversal refused', async () => {
  assert.deepEqual((await call(t.url, 'GET', '/jobmanager/logs')).json, { logs: [{ name: 'jobmanager.log', size: 8, mtime: fakeTaskManager('x').lastHeartbeat }] });
  const file = await call(t.url, 'GET', '/jobmanager/logs/jobmanager.log');
  assert.equal(file.text, 'jm line\n');
  assert.equal((await rawRequest(t.server.port, { method: 'GET', path: '/jobmanager/logs/..%2Fconf%2Fconfig.yaml' })).status, 400);
  assert.equal((await call(t.url, 'GET', '/jobmanager/logs/missing.log')).status, 404);
});

test('a log served as a stream arrives whole', async () => {
  const facade = new FakeClusterFacade();
  const big = 'x'.repeat(200_000);
  facade.jobManagerLogs.set('big.log', big);
  facade.readJobManagerLog = () => Promise.resolve(Readable.from([big.slice(0, 100_000), big.slice(100_000)]));
  const s = await startTestServer({ facade });
  try {
    const r = await call(s.url, 'GET', '/jobmanager/logs/big.log');
    assert.equal(r.status, 200);
    assert.equal(r.text.length, 200_000);
  } finally {
    await s.close();
  }
});

test('web.submit.enable=false removes the jar endpoints, as in Flink (404)', async () => {
  const s = await startTestServer({ webSubmitEnabled: false });
  try {
    assert.equal((await call(s.url, 'GET', '/jars')).status, 404);
    assert.equal((await call(s.url, 'POST', '/jars/upload', new FormData())).status, 404);
    const config = (await call(s.url, 'GET', '/config')).json as { features: Record<string, boolean> };
    assert.equal(config.features['web-submit'], false);
  } finally {
    await s.close();
  }
});

test('rest.bind-port ranges: the first free port is taken', async () => {
  assert.deepEqual(parsePortSpec('8081'), [8081]);
  assert.deepEqual(parsePortSpec('50100-50102,50200'), [50100, 50101, 50102, 50200]);
  assert.throws(() => parsePortSpec('80-70'), /Invalid REST port '80-70'/);
  assert.throws(() => parsePortSpec('http'), /Invalid REST port/);
  const taken = t.server.port;
  const s = await RestServer.start({
    bindAddress: '127.0.0.1',
    port: `${taken},0`,
    maxContentLength: 1024,
    logger: new Logger('test', new MemoryLogSink(), 'INFO'),
    facade: new FakeClusterFacade(),
    uploadDir: t.uploadDir,
  });
  try {
    assert.notEqual(s.port, taken);
  } finally {
    await s.close();
  }
  await assert.rejects(
    RestServer.start({
      bindAddress: '127.0.0.1',
      port: `${taken}`,
      maxContentLength: 1024,
      logger: new Logger('test', new MemoryLogSink(), 'INFO'),
      facade: new FakeClusterFacade(),
      uploadDir: t.uploadDir,
    }),
    /every port of '\d+' is in use/,
  );
});

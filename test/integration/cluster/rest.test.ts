/**
 * The REST API's error cases against a real JobManager process (no TaskManager needed), with a
 * small `rest.server.max-content-length` so that oversize bodies are cheap to send. The file
 * ends with `DELETE /cluster`, which shuts the JobManager down, and with `list` against the port
 * it no longer listens on.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { HttpResponse } from './cluster-harness.js';
import { CLUSTER_JOBS, HOST, TestCluster, describeResult, errorsOf, escapeRegExp, isGone, rawHttp, readPidFile, waitFor } from './cluster-harness.js';

const LIMIT = 64 * 1024;
const UNKNOWN_JOB = '0123456789abcdef0123456789abcdef';
const JSON_TYPE = 'application/json; charset=UTF-8';

/** A `multipart/form-data` body with one file part. */
function multipart(field: string, fileName: string, content: string | Buffer): { body: Buffer; headers: Record<string, string> } {
  const boundary = `----cluster-test-${Date.now()}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    Buffer.isBuffer(content) ? content : Buffer.from(content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(body.length) } };
}

function assertError(response: HttpResponse, status: number, message: RegExp | string): void {
  assert.equal(response.status, status, response.text);
  assert.equal(response.headers['content-type'], JSON_TYPE);
  const errors = errorsOf(response);
  assert.equal(errors.length, 1, response.text);
  if (typeof message === 'string') assert.equal(errors[0], message);
  else assert.match(errors[0] ?? '', message);
}

describe('REST error cases on a real JobManager', () => {
  let cluster: TestCluster | undefined;
  let uploadDir: string;
  let jarId: string | undefined;
  const c = (): TestCluster => {
    assert.ok(cluster !== undefined, 'the cluster did not start');
    return cluster;
  };
  const json = (body: unknown): [string, Record<string, string>] => [JSON.stringify(body), { 'Content-Type': 'application/json' }];

  before(async () => {
    // A JobManager alone: these requests need no slots.
    cluster = new TestCluster('rest', { config: (dir) => ({ 'rest.server.max-content-length': LIMIT, 'web.upload.dir': join(dir, 'uploads') }) });
    uploadDir = join(cluster.dir, 'uploads');
    await cluster.startJobManager();
  });
  after(async () => {
    await cluster?.shutdown();
  });

  test('unknown job (404), malformed id (400), unknown path (404), wrong method (405 with Allow)', async () => {
    assertError(await c().request('GET', `/jobs/${UNKNOWN_JOB}`), 404, `Job ${UNKNOWN_JOB} not found.`);
    assertError(await c().request('GET', `/v1/jobs/${UNKNOWN_JOB}/exceptions`), 404, `Job ${UNKNOWN_JOB} not found.`);
    assertError(await c().request('GET', '/jobs/not-a-job-id'), 400, /not-a-job-id/);
    assertError(await c().request('GET', '/taskmanagers/no-such-tm'), 404, 'TaskManager no-such-tm not found.');
    assertError(await c().request('GET', '/no/such/path'), 404, 'Not found: /no/such/path');

    const put = await c().request('PUT', '/overview');
    assertError(put, 405, /PUT/);
    assert.equal(put.headers.allow, 'GET');
    const del = await c().request('DELETE', '/jobs');
    assertError(del, 405, /DELETE/);
    assert.deepEqual(del.headers.allow?.split(/,\s*/).sort(), ['GET', 'POST']);
  });

  test('a body above rest.server.max-content-length is refused with 413 before it is read, and nothing is stored', async () => {
    // Content-Length above the limit and no body at all: the answer must not wait for the body.
    // The server then closes the connection: the body it did not read cannot follow.
    const declared = await rawHttp(
      c().restPort,
      [`POST /jars/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: ${LIMIT + 1}\r\n\r\n`],
      { untilClosed: true },
    );
    assert.match(declared, /^HTTP\/1\.1 413 /);
    assert.match(declared, /\r\nconnection: close\r\n/i);
    assert.match(declared, new RegExp(`"errors":\\["Request content exceeds the limit of ${LIMIT} bytes \\(rest\\.server\\.max-content-length\\)\\."\\]`));

    // A chunked body has no Content-Length: it is counted while it is read. (Here the whole
    // body has arrived by the time the answer goes out, so the server may keep the connection.)
    const file = multipart('jarfile', 'big.ts', `// ${'x'.repeat(LIMIT + 4096)}\n`);
    const chunked = await rawHttp(
      c().restPort,
      [
        `POST /jars/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${file.headers['Content-Type'] ?? ''}\r\nTransfer-Encoding: chunked\r\n\r\n`,
        `${file.body.length.toString(16)}\r\n`,
        file.body,
        '\r\n0\r\n\r\n',
      ],
      { untilClosed: false },
    );
    assert.match(chunked, /^HTTP\/1\.1 413 /);

    // The same upload with its Content-Length, through a regular client.
    const sized = await c().request('POST', '/jars/upload', file.body, file.headers);
    assertError(sized, 413, `Request content exceeds the limit of ${LIMIT} bytes (rest.server.max-content-length).`);

    // Nothing half-written is left, and the server is still there.
    assert.deepEqual((await c().get<{ files: unknown[] }>('/jars')).files, []);
    assert.deepEqual(existsSync(uploadDir) ? readdirSync(uploadDir) : [], []);
    assert.equal((await c().overview()).taskmanagers, 0);
  });

  test('jar upload and run: wrong file type, malformed JSON and unknown fields are 400, an unknown jar 404', async () => {
    const txt = multipart('jarfile', 'notes.txt', 'hello');
    assertError(await c().request('POST', '/jars/upload', txt.body, txt.headers), 400, /notes\.txt/);

    const job = multipart('jarfile', 'unbounded.ts', readFileSync(join(CLUSTER_JOBS, 'unbounded.ts')));
    const upload = await c().request('POST', '/jars/upload', job.body, job.headers);
    assert.equal(upload.status, 200, upload.text);
    const uploaded = upload.json as { filename: string; status: string };
    assert.equal(uploaded.status, 'success');
    const jars = await c().get<{ files: { id: string; name: string }[] }>('/jars');
    assert.deepEqual(jars.files.map((f) => f.name), ['unbounded.ts']);
    jarId = jars.files[0]?.id;
    assert.ok(jarId !== undefined && uploaded.filename.endsWith(jarId), `${uploaded.filename} names the jar id ${String(jarId)}`);

    const malformed = await c().request('POST', `/jars/${jarId}/run`, '{"parallelism": 1,', { 'Content-Type': 'application/json' });
    assertError(malformed, 400, /^Request body is not valid JSON/);
    assertError(await c().request('POST', `/jars/${jarId}/run`, ...json({ parallelism: 1, paralelism: 2 })), 400, /paralelism/);
    const unknownJar = '00000000-0000-4000-8000-000000000000_missing.ts';
    assertError(await c().request('POST', `/jars/${unknownJar}/run`, ...json({})), 404, /missing\.ts|not found/i);
  });

  test('PATCH /jobs/:id: another mode is 400, cancel is 202 and accepted again once CANCELED, unknown job 404', async () => {
    assert.ok(jarId !== undefined, 'the upload test ran first');
    const run = await c().request('POST', `/jars/${jarId}/run`, ...json({ programArgsList: ['--name', 'rest-job'], parallelism: 1 }));
    assert.equal(run.status, 200, run.text);
    const { jobid } = run.json as { jobid: string };
    assert.match(jobid, /^[0-9a-f]{32}$/);
    // No TaskManager: the job is RUNNING, waiting for its slot.
    const job = await c().waitForJobState(jobid, 'RUNNING');
    assert.equal(job.name, 'rest-job');

    assertError(await c().request('PATCH', `/jobs/${jobid}?mode=foo`), 400, /'foo'/);
    assert.equal((await c().job(jobid)).state, 'RUNNING', 'a refused PATCH changes nothing');
    assertError(await c().request('GET', `/jobs/${jobid}/exceptions?maxExceptions=lots`), 400, /maxExceptions/);
    assertError(await c().request('GET', `/jobs/${jobid}/vertices/${UNKNOWN_JOB}`), 404, /not found/);

    const cancel = await c().request('PATCH', `/jobs/${jobid}?mode=cancel`);
    assert.equal(cancel.status, 202, cancel.text);
    assert.deepEqual(cancel.json, {});
    await c().waitForJobState(jobid, 'CANCELED');
    assert.equal((await c().request('PATCH', `/jobs/${jobid}?mode=cancel`)).status, 202, 'cancelling a CANCELED job is accepted');
    assertError(await c().request('PATCH', `/jobs/${UNKNOWN_JOB}?mode=cancel`), 404, `Job ${UNKNOWN_JOB} not found.`);
  });

  test('DELETE /cluster shuts the JobManager down with exit code 0; its pid stays in the pid file until the next stop', async () => {
    const [pid] = c().pids('standalonesession');
    assert.ok(pid !== undefined);
    const response = await c().request('DELETE', '/cluster');
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(response.json, {});
    await waitFor(`the JobManager (pid ${pid}) to exit`, () => isGone(pid), 15_000);
    // The process's own last words: its exit code (a daemon's parent is long gone).
    assert.match(c().readLog('standalonesession', pid), /Terminating StandaloneSessionClusterEntrypoint \(standalonesession\) with exit code 0\./);

    // Nothing but the launcher writes the pid file, and DELETE /cluster does not go through it:
    // the pid stays until a later start or stop notices the process is gone.
    const pidFile = c().pidFile('standalonesession');
    assert.deepEqual(readPidFile(pidFile), [pid]);
    const stop = await c().cli('jobmanager', 'stop');
    assert.equal(stop.code, 0, describeResult(stop));
    assert.match(stop.stdout + stop.stderr, new RegExp(`Removed the stale pid ${pid} from .*: no standalonesession process with that pid is running\\.`));
    assert.match(stop.stdout, new RegExp(`No standalonesession daemon to stop on host ${escapeRegExp(HOST)}\\.`));
    assert.ok(!existsSync(pidFile), 'the stop removed the emptied pid file');
  });

  test('list against a port nobody listens on: exit 1, "Could not connect to the cluster"', async () => {
    // The port the JobManager listened on until DELETE /cluster.
    const port = c().restPort;
    const result = await c().cli('list', '-m', `127.0.0.1:${port}`);
    assert.equal(result.code, 1, describeResult(result));
    assert.equal(
      result.stderr,
      `Could not connect to the cluster at http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}. Is the JobManager running? Check -m / rest.address and rest.port.\n`,
    );
  });
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { after, before, beforeEach, test } from 'node:test';
import type { JobGraph } from '../../../src/runtime/jobgraph/job-graph.js';
import { hexId } from './fake-cluster-facade.js';
import type { TestServer } from './rest-test-server.js';
import { call, errorsOf, rawRequest, startTestServer } from './rest-test-server.js';

let t: TestServer;
const ARTIFACT = Buffer.from('export default 42;\n');

before(async () => {
  t = await startTestServer({ maxContentLength: 64 * 1024 });
});

after(async () => {
  await t.close();
});

beforeEach(() => {
  t.facade.submitted.length = 0;
  t.facade.runs.length = 0;
});

function jobGraph(overrides: Partial<Record<keyof JobGraph, unknown>> = {}): Record<string, unknown> {
  const vertexA = hexId(0xa);
  const vertexB = hexId(0xb);
  const dataSet = hexId(0xd);
  return {
    jobId: hexId(0x5),
    jobName: 'submitted job',
    jobType: 'STREAMING',
    vertices: [
      {
        id: vertexA,
        name: 'Source: Collection',
        parallelism: 1,
        maxParallelism: 128,
        slotSharingGroup: 'default',
        invokable: 'SourceStreamTask',
        bufferTimeout: 100,
        operators: [{ streamNodeId: 1, operatorId: vertexA, name: 'Source: Collection', chainedOutputs: [], nonChainedOutputs: [] }],
        inputs: [],
        producedDataSets: [{ id: dataSet, producerVertexId: vertexA, consumerVertexId: vertexB, resultType: 'PIPELINED_BOUNDED', distributionPattern: 'ALL_TO_ALL', shipStrategy: 'REBALANCE', edgeId: 'e1' }],
      },
      {
        id: vertexB,
        name: 'Sink: Print',
        parallelism: 2,
        maxParallelism: 128,
        slotSharingGroup: 'default',
        invokable: 'OneInputStreamTask',
        bufferTimeout: 100,
        operators: [{ streamNodeId: 2, operatorId: vertexB, name: 'Sink: Print', chainedOutputs: [], nonChainedOutputs: [] }],
        inputs: [{ dataSetId: dataSet, sourceVertexId: vertexA, distributionPattern: 'ALL_TO_ALL', shipStrategy: 'REBALANCE', typeNumber: 0 }],
        producedDataSets: [],
      },
    ],
    program: {
      artifactPath: '/home/me/.cache/artifact.mjs',
      artifactHash: createHash('sha256').update(ARTIFACT).digest('hex'),
      args: [],
      defaults: { parallelism: 1, runtimeMode: 'STREAMING', bufferTimeout: 100, chainingEnabled: true, chainOperatorsWithDifferentMaxParallelism: true },
      executeIndex: 0,
    },
    plan: { nodes: [] },
    streamNodes: [],
    ...overrides,
  };
}

function submission(graph: unknown = jobGraph(), options: { artifact?: Buffer; request?: unknown; omitArtifact?: boolean } = {}): FormData {
  const form = new FormData();
  form.append('request', JSON.stringify(options.request ?? { jobGraphFileName: 'graph.json', jobJarFileNames: ['artifact.mjs'], jobArtifactFileNames: [] }));
  form.append('file_0', new Blob([typeof graph === 'string' ? graph : JSON.stringify(graph)]), 'graph.json');
  if (options.omitArtifact !== true) form.append('file_1', new Blob([options.artifact ?? ARTIFACT]), 'artifact.mjs');
  return form;
}

test('POST /jobs accepts a JobGraph and its artifact: 202 with the job URL', async () => {
  const r = await call(t.url, 'POST', '/jobs', submission());
  assert.equal(r.status, 202, r.text);
  assert.deepEqual(r.json, { jobUrl: `/jobs/${hexId(0x5)}` });
  assert.equal(t.facade.submitted.length, 1);
  const [received] = t.facade.submitted;
  assert.ok(received !== undefined);
  assert.equal(received.jobGraph.jobName, 'submitted job');
  assert.equal(received.artifact.fileName, 'artifact.mjs');
  assert.deepEqual(Buffer.from(received.artifact.bytes), ARTIFACT);
});

test('POST /jobs refuses inconsistent submissions with 400', async () => {
  const cases: [string, FormData, RegExp][] = [
    ['artifact does not match the hash', submission(jobGraph(), { artifact: Buffer.from('tampered') }), /does not match the JobGraph: its sha256 is/],
    ['artifact missing', submission(jobGraph(), { omitArtifact: true }), /The file 'artifact.mjs' named in the 'request' part was not uploaded/],
    ['no jobGraphFileName', submission(jobGraph(), { request: { jobJarFileNames: ['artifact.mjs'] } }), /needs 'jobGraphFileName'/],
    ['two artifacts', submission(jobGraph(), { request: { jobGraphFileName: 'graph.json', jobJarFileNames: ['a', 'b'] } }), /exactly one entry/],
    ['JobGraph is not JSON', submission('{nope'), /The JobGraph file is not valid JSON/],
    ['bad job id', submission(jobGraph({ jobId: 'xyz' })), /'jobId' must be 32 lower-case hexadecimal characters/],
    ['no vertices', submission(jobGraph({ vertices: [] })), /'vertices' must be at least one vertex/],
    ['edge to an unknown vertex', submission(jobGraph({ vertices: [(jobGraph().vertices as unknown[])[1]] })), /sourceVertexId' must be the id of an earlier vertex/],
  ];
  for (const [what, form, expected] of cases) {
    const r = await call(t.url, 'POST', '/jobs', form);
    assert.equal(r.status, 400, `${what}: ${r.text}`);
    assert.match(errorsOf(r)[0] ?? '', expected, what);
  }
  const noRequest = new FormData();
  noRequest.append('file_0', new Blob(['{}']), 'graph.json');
  assert.match(errorsOf(await call(t.url, 'POST', '/jobs', noRequest))[0] ?? '', /no 'request' part/);
  assert.equal(t.facade.submitted.length, 0);
});

test('POST /jobs needs a well-formed multipart body', async () => {
  const json = await call(t.url, 'POST', '/jobs', { jobGraphFileName: 'x' });
  assert.equal(json.status, 400);
  assert.match(errorsOf(json)[0] ?? '', /Expected a multipart\/form-data request/);
  const truncated = await rawRequest(t.server.port, {
    method: 'POST',
    path: '/jobs',
    headers: { 'Content-Type': 'multipart/form-data; boundary=XYZ' },
    body: '--XYZ\r\nContent-Disposition: form-data; name="request"\r\n\r\n{}\r\n--XY',
  });
  assert.equal(truncated.status, 400);
  assert.match(errorsOf(truncated)[0] ?? '', /ended before its closing boundary/);
  const noDisposition = await rawRequest(t.server.port, {
    method: 'POST',
    path: '/jobs',
    headers: { 'Content-Type': 'multipart/form-data; boundary=XYZ' },
    body: '--XYZ\r\nContent-Type: text/plain\r\n\r\n{}\r\n--XYZ--\r\n',
  });
  assert.equal(noDisposition.status, 400);
  assert.match(errorsOf(noDisposition)[0] ?? '', /Content-Disposition/);
});

test('POST /jobs over the size limit is a 413', async () => {
  const r = await call(t.url, 'POST', '/jobs', submission(jobGraph(), { artifact: Buffer.alloc(100 * 1024, 1) }));
  assert.equal(r.status, 413);
  assert.equal(t.facade.submitted.length, 0);
});

function upload(name: string, content: string | Buffer = 'export {};\n', field = 'jarfile'): FormData {
  const form = new FormData();
  form.append(field, new Blob([content]), name);
  return form;
}

test('jars: upload, list, run and delete a job file', async () => {
  const uploaded = await call(t.url, 'POST', '/jars/upload', upload('word count.ts'));
  assert.equal(uploaded.status, 200, uploaded.text);
  const { filename, status } = uploaded.json as { filename: string; status: string };
  assert.equal(status, 'success');
  const id = filename.split('/').pop() ?? '';
  assert.match(id, /^[0-9a-f-]{36}_word_count\.ts$/);

  const list = (await call(t.url, 'GET', '/jars')).json as { address: string; files: Record<string, unknown>[] };
  assert.equal(list.address, t.url);
  const entry = list.files.find((f) => f.id === id);
  assert.ok(entry !== undefined);
  assert.equal(entry.name, 'word_count.ts');
  assert.equal(typeof entry.uploaded, 'number');
  assert.deepEqual(entry.entry, [{ name: 'word_count.ts', description: null }]);

  const run = await call(t.url, 'POST', `/jars/${id}/run`, {
    programArgsList: ['--input', 'a b.txt'],
    parallelism: 3,
    flinkConfiguration: { 'pipeline.max-parallelism': 64, 'execution.runtime-mode': 'BATCH' },
  });
  assert.equal(run.status, 200, run.text);
  assert.deepEqual(run.json, { jobid: hexId(0xfeed) });
  assert.deepEqual(t.facade.runs, [
    {
      jarPath: filename,
      options: { programArgs: ['--input', 'a b.txt'], parallelism: 3, flinkConfiguration: { 'pipeline.max-parallelism': '64', 'execution.runtime-mode': 'BATCH' } },
    },
  ]);

  const deleted = await call(t.url, 'DELETE', `/jars/${id}`);
  assert.equal(deleted.status, 200);
  assert.equal((await call(t.url, 'DELETE', `/jars/${id}`)).status, 404);
  assert.equal((await call(t.url, 'POST', `/jars/${id}/run`, {})).status, 404);
});

test('jars: run options from the deprecated string and query forms; bad options are 400', async () => {
  const id = ((await call(t.url, 'POST', '/jars/upload', upload('job.mjs'))).json as { filename: string }).filename.split('/').pop() ?? '';
  t.facade.runs.length = 0;
  assert.equal((await call(t.url, 'POST', `/jars/${id}/run`, { programArgs: `--name "two words" 'x y'` })).status, 200);
  assert.deepEqual(t.facade.runs[0]?.options.programArgs, ['--name', 'two words', 'x y']);
  assert.equal((await call(t.url, 'POST', `/jars/${id}/run?programArg=a,b&parallelism=2`)).status, 200);
  assert.deepEqual(t.facade.runs[1]?.options, { programArgs: ['a', 'b'], parallelism: 2, flinkConfiguration: {} });
  const bad: [unknown, RegExp][] = [
    [{ parallelism: 0 }, /'parallelism' must be an integer >= 1/],
    [{ programArgs: 'a', programArgsList: ['a'] }, /either as programArgsList or as programArgs/],
    [{ jobId: 'nope' }, /'jobId' must be 32 hexadecimal characters/],
    [{ restoreMode: 'LEGACY' }, /LEGACY was removed/],
    [{ entryclass: 'typo' }, /Unknown field\(s\) in the run request: entryclass/],
    [[1, 2], /must be a JSON object/],
  ];
  for (const [body, expected] of bad) {
    const r = await call(t.url, 'POST', `/jars/${id}/run`, body);
    assert.equal(r.status, 400, r.text);
    assert.match(errorsOf(r)[0] ?? '', expected);
  }
  const malformed = await call(t.url, 'POST', `/jars/${id}/run`, '{"parallelism": ');
  assert.equal(malformed.status, 400);
  t.facade.runJarJobIds = [];
  assert.match(errorsOf(await call(t.url, 'POST', `/jars/${id}/run`, {}))[0] ?? '', /Could not execute application/);
  t.facade.runJarJobIds = [hexId(0xfeed)];
  assert.equal((await call(t.url, 'POST', '/jars/..%2F..%2Fetc%2Fpasswd/run', {})).status, 400);
  assert.equal((await call(t.url, 'DELETE', '/jars/not-an-id')).status, 400);
});

test('jars: only job files are accepted, one per request, and a refused upload leaves nothing behind', async () => {
  const before = await readdir(t.uploadDir);
  const jar = await call(t.url, 'POST', '/jars/upload', upload('job.jar'));
  assert.equal(jar.status, 400);
  assert.deepEqual(errorsOf(jar), ["Only job files (.ts, .mts, .js, .mjs) can be uploaded, not 'job.jar'."]);
  const wrongField = await call(t.url, 'POST', '/jars/upload', upload('job.ts', 'x', 'file'));
  assert.equal(wrongField.status, 400);
  assert.match(errorsOf(wrongField)[0] ?? '', /upload the job file as the file field 'jarfile'/);
  const two = upload('a.ts');
  two.append('jarfile', new Blob(['y']), 'b.ts');
  assert.equal((await call(t.url, 'POST', '/jars/upload', two)).status, 400);
  assert.equal((await call(t.url, 'POST', '/jars/upload', new FormData())).status, 400);
  const tooLarge = await call(t.url, 'POST', '/jars/upload', upload('big.js', Buffer.alloc(100 * 1024, 0x61)));
  assert.equal(tooLarge.status, 413);
  // Chunked: the limit is hit while the file is being written; the partial file is removed.
  const head = '--B\r\nContent-Disposition: form-data; name="jarfile"; filename="big.ts"\r\n\r\n';
  const chunked = await rawRequest(t.server.port, {
    method: 'POST',
    path: '/jars/upload',
    headers: { 'Content-Type': 'multipart/form-data; boundary=B', 'Transfer-Encoding': 'chunked' },
    body: head + 'a'.repeat(100 * 1024),
  });
  assert.equal(chunked.status, 413);
  assert.deepEqual((await readdir(t.uploadDir)).sort(), before.sort());
});

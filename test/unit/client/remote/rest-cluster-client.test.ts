import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { ClusterUnreachableError, RestClusterClient, RestRequestError } from '../../../../src/client/rest-cluster-client.js';
import type { JobGraph } from '../../../../src/runtime/jobgraph/job-graph.js';
import { RestHandlerError } from '../../../../src/runtime/rest/rest-errors.js';
import { T0, fakeJob, hexId } from '../../rest/fake-cluster-facade.js';
import type { TestServer } from '../../rest/rest-test-server.js';
import { startTestServer } from '../../rest/rest-test-server.js';
import { closedPort } from './remote-test-support.js';

let t: TestServer;
let client: RestClusterClient;
const JOB = hexId(0x77);

before(async () => {
  t = await startTestServer();
  client = new RestClusterClient(t.url, { timeoutMs: 5000, retries: 0 });
});

after(async () => {
  await t.close();
});

beforeEach(() => {
  t.facade.jobs.clear();
  t.facade.onCall = () => undefined;
  t.facade.add(fakeJob(JOB, { name: 'running one', startTime: T0 }));
});

test('overview and job list come back typed', async () => {
  const overview = await client.getOverview();
  assert.equal(overview['jobs-running'], 1);
  const jobs = await client.listJobs();
  assert.deepEqual(jobs.map((j) => [j.jid, j.name, j.state, j['start-time']]), [[JOB, 'running one', 'RUNNING', T0]]);
  assert.equal(await client.getJobStatus(JOB), 'RUNNING');
});

test('cancel: accepted, unknown job (404 with the server message), ended job (409)', async () => {
  await client.cancelJob(JOB);
  assert.deepEqual(t.facade.cancelled.slice(-1), [JOB]);
  const unknown = hexId(0x404);
  await assert.rejects(client.cancelJob(unknown), (error: unknown) => {
    assert.ok(error instanceof RestRequestError);
    assert.equal(error.status, 404);
    assert.equal(error.message, `Job ${unknown} not found.`);
    return true;
  });
  const done = t.facade.add(fakeJob(hexId(0x78)));
  t.facade.finish(done, 'FINISHED');
  await assert.rejects(client.cancelJob(hexId(0x78)), (error: unknown) => error instanceof RestRequestError && error.status === 409);
});

test('a malformed job id is refused before any request', async () => {
  let calls = 0;
  t.facade.onCall = () => {
    calls++;
  };
  await assert.rejects(client.cancelJob('abc'), /'abc' is not a valid JobID: expected 32 hexadecimal characters/);
  assert.equal(calls, 0);
});

test('an unreachable cluster is reported at once, naming the address and what to check', async () => {
  const port = await closedPort();
  const unreachable = new RestClusterClient(`http://127.0.0.1:${port}`, { timeoutMs: 5000, retries: 20, retryDelayMs: 3000 });
  const started = Date.now();
  await assert.rejects(unreachable.listJobs(), (error: unknown) => {
    assert.ok(error instanceof ClusterUnreachableError);
    assert.equal(
      error.message,
      `Could not connect to the cluster at http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}. Is the JobManager running? Check -m / rest.address and rest.port.`,
    );
    return true;
  });
  // No retries before the cluster ever answered: a wrong address fails fast.
  assert.ok(Date.now() - started < 2000);
});

test('once connected, 503s are retried', async () => {
  const retrying = new RestClusterClient(t.url, { timeoutMs: 5000, retries: 3, retryDelayMs: 10 });
  let failures = 2;
  t.facade.onCall = (member) => {
    if (member === 'getJobStatus' && failures-- > 0) throw new RestHandlerError(503, 'Leader not known yet.');
  };
  assert.equal(await retrying.getJobStatus(JOB), 'RUNNING');
  failures = 5;
  await assert.rejects(retrying.getJobStatus(JOB), (error: unknown) => error instanceof RestRequestError && error.status === 503 && error.message === 'Leader not known yet.');
});

test('submitJob uploads the JobGraph and artifact in Flink\'s multipart layout', async () => {
  const bytes = Buffer.from('export {};\n');
  const { createHash } = await import('node:crypto');
  const graph = {
    jobId: hexId(0x99),
    jobName: 'uploaded',
    jobType: 'BATCH',
    vertices: [
      {
        id: hexId(0xa),
        name: 'Source',
        parallelism: 1,
        maxParallelism: 128,
        slotSharingGroup: 'default',
        invokable: 'SourceStreamTask',
        bufferTimeout: 100,
        operators: [{ streamNodeId: 1, operatorId: hexId(0xa), name: 'Source', chainedOutputs: [], nonChainedOutputs: [] }],
        inputs: [],
        producedDataSets: [],
      },
    ],
    program: {
      artifactPath: '/tmp/x.mjs',
      artifactHash: createHash('sha256').update(bytes).digest('hex'),
      args: ['--a'],
      defaults: { parallelism: 1, maxParallelism: undefined, runtimeMode: 'BATCH', bufferTimeout: 100, chainingEnabled: true, chainOperatorsWithDifferentMaxParallelism: true },
      executeIndex: 0,
    },
    plan: { nodes: [] },
    streamNodes: [],
  } as unknown as JobGraph;
  const id = await client.submitJob(graph, { fileName: 'x.mjs', bytes });
  assert.equal(id, hexId(0x99));
  const received = t.facade.submitted.at(-1);
  assert.equal(received?.jobGraph.jobName, 'uploaded');
  assert.deepEqual(received?.jobGraph.program.args, ['--a']);
  assert.equal(received?.artifact.fileName, 'x.mjs');
});

test('waitForJobResult polls until the job completed', async () => {
  const job = t.facade.jobs.get(JOB);
  assert.ok(job !== undefined);
  let polls = 0;
  t.facade.onCall = (member) => {
    if (member === 'getExecutionResult' && ++polls === 3) t.facade.finish(job, 'FAILED', { failure: { class: 'RangeError', message: 'too far', stack: 'RangeError: too far\n    at job.ts:3:3' } });
  };
  const result = await client.waitForJobResult(JOB, { initialDelayMs: 5, maxDelayMs: 10 });
  assert.equal(polls, 3);
  assert.deepEqual(result, {
    jobId: JOB,
    applicationStatus: 'FAILED',
    netRuntime: 1234,
    accumulators: {},
    failure: { class: 'RangeError', message: 'too far', stack: 'RangeError: too far\n    at job.ts:3:3' },
  });
});

test('collectResults returns the values after the offset', async () => {
  const job = t.facade.jobs.get(JOB);
  job?.collected.set(hexId(0xc), [1, 2, 3]);
  assert.deepEqual(await client.collectResults(JOB, hexId(0xc), { offset: 1 }), { values: [2, 3], jobEnded: false });
});

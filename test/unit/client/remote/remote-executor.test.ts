import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { JobExecutionException } from '../../../../src/api/environment/job-execution-result.js';
import type { RunJobOptions } from '../../../../src/client/run-action.js';
import { RemoteJobClient } from '../../../../src/client/remote-executor.js';
import { RestClusterClient } from '../../../../src/client/rest-cluster-client.js';
import { runJob } from '../../../../src/client/run-action.js';
import type { FakeJob } from '../../rest/fake-cluster-facade.js';
import { fakeJob, hexId } from '../../rest/fake-cluster-facade.js';
import type { TestServer } from '../../rest/rest-test-server.js';
import { startTestServer } from '../../rest/rest-test-server.js';
import { RecordingOutput, isolatedEnv } from './remote-test-support.js';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/jobs/', import.meta.url));

let t: TestServer;
let client: RestClusterClient;
let dir: string;
const JOB = hexId(0x51);

before(async () => {
  t = await startTestServer();
  client = new RestClusterClient(t.url, { timeoutMs: 5000, retries: 0 });
  dir = await mkdtemp(join(tmpdir(), 'flink-ts-remote-executor-test-'));
});

after(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

let job: FakeJob;
beforeEach(() => {
  t.facade.jobs.clear();
  t.facade.submitted.length = 0;
  t.facade.onSubmit = () => undefined;
  t.facade.onCall = () => undefined;
  job = t.facade.add(fakeJob(JOB));
});

test('a job that finishes on the cluster resolves with its runtime and accumulators', async () => {
  setTimeout(() => {
    t.facade.finish(job, 'FINISHED', { accumulators: { words: 7 }, netRuntime: 99 });
  }, 50);
  const result = await new RemoteJobClient(client, JOB).getJobExecutionResult();
  assert.equal(result.jobId, JOB);
  assert.equal(result.getNetRuntime(), 99);
  assert.deepEqual(result.getAllAccumulatorResults(), { words: 7 });
});

test("a failed job rejects like the local target: JobExecutionException caused by the job's own error", async () => {
  t.facade.finish(job, 'FAILED', { failure: { class: 'TypeError', message: "Operator 'Map' failed: boom", stack: "TypeError: Operator 'Map' failed: boom\n    at map (job.ts:4:9)" } });
  await assert.rejects(new RemoteJobClient(client, JOB).getJobExecutionResult(), (error: unknown) => {
    assert.ok(error instanceof JobExecutionException);
    assert.equal(error.status, 'FAILED');
    assert.equal(error.message, 'Job execution failed.');
    const cause = error.cause as Error;
    assert.equal(cause.name, 'TypeError');
    assert.equal(cause.message, "Operator 'Map' failed: boom");
    assert.match(cause.stack ?? '', /at map \(job\.ts:4:9\)/);
    return true;
  });
});

test('a canceled job rejects with CANCELED; cancelling an ended job is no error', async () => {
  const remote = new RemoteJobClient(client, JOB);
  await remote.cancel();
  await assert.rejects(remote.getJobExecutionResult(), (error: unknown) => error instanceof JobExecutionException && error.status === 'CANCELED');
  t.facade.finish(job, 'FINISHED');
  await remote.cancel();
  assert.equal(await remote.getJobStatus(), 'FINISHED');
});

test('collected results are polled until the limit arrived or the job ended', async () => {
  const operator = hexId(0xc0);
  const values: unknown[] = [];
  job.collected.set(operator, values);
  setTimeout(() => values.push(1, 2), 20);
  setTimeout(() => values.push(3, 4), 150);
  assert.deepEqual(await new RemoteJobClient(client, JOB).getCollectedResults(operator, 3), [1, 2, 3, 4]);
  setTimeout(() => {
    values.push(5);
    t.facade.finish(job, 'FINISHED');
  }, 50);
  assert.deepEqual(await new RemoteJobClient(client, JOB).getCollectedResults(operator), [1, 2, 3, 4, 5]);
});

function runOptions(jobFile: string, overrides: Partial<RunJobOptions> = {}): RunJobOptions & { output: RecordingOutput } {
  return {
    jobFile: join(FIXTURES, jobFile),
    jobArgs: [],
    detached: false,
    dynamicProperties: [],
    env: isolatedEnv(),
    artifactCacheDir: join(dir, 'artifacts'),
    signals: { subscribe: () => () => undefined },
    jobManager: `127.0.0.1:${t.server.port}`,
    ...overrides,
    output: new RecordingOutput(),
  };
}

test('run -m -d submits the JobGraph with the artifact and returns at once', async () => {
  const options = runOptions('print-elements.ts', { detached: true });
  const code = await runJob(options);
  assert.equal(code, 0, options.output.stderr.join('\n'));
  assert.equal(t.facade.submitted.length, 1);
  const [submitted] = t.facade.submitted;
  assert.ok(submitted !== undefined);
  assert.deepEqual(options.output.stdout, [`Job has been submitted with JobID ${submitted.jobGraph.jobId}`]);
  assert.equal(submitted.jobGraph.jobName, 'print-elements');
  const bytes = await readFile(submitted.jobGraph.program.artifactPath);
  assert.deepEqual(Buffer.from(submitted.artifact.bytes), bytes);
  assert.equal(createHash('sha256').update(submitted.artifact.bytes).digest('hex'), submitted.jobGraph.program.artifactHash);
});

test('run -t remote attached waits for the result and collects through the coordinator', async (context) => {
  // The program prints its counts itself, with console.log.
  const printed: string[] = [];
  context.mock.method(console, 'log', (line: string) => {
    printed.push(line);
  });
  t.facade.onSubmit = (submittedJob) => {
    const graph = t.facade.submitted.at(-1)?.jobGraph;
    const sink = graph?.streamNodes.find((n) => n.name === 'Sink: Collect Sink');
    assert.ok(sink !== undefined);
    submittedJob.collected.set(sink.operatorId, [['to', 1], ['be', 1], ['to', 2], ['be', 2], ['or', 1]]);
    setTimeout(() => {
      t.facade.finish(submittedJob, 'FINISHED', { netRuntime: 321 });
    }, 50);
  };
  const options = runOptions('word-count-collect.ts', { target: 'remote' });
  const code = await runJob(options);
  assert.equal(code, 0, options.output.stderr.join('\n'));
  const id = t.facade.submitted[0]?.jobGraph.jobId ?? '';
  assert.deepEqual(options.output.stdout, [
    `Job has been submitted with JobID ${id}`,
    'Program execution finished',
    `Job with JobID ${id} has finished.`,
    'Job Runtime: 321 ms',
  ]);
  assert.deepEqual(printed, ['be=2', 'or=1', 'to=2']);
});

test('-m with -t local is a usage error', async () => {
  const options = runOptions('print-elements.ts', { target: 'local' });
  assert.equal(await runJob(options), 2);
  assert.match(options.output.stderr[0] ?? '', /-m 127\.0\.0\.1:\d+ names a cluster, but -t local does not run on one/);
  assert.equal(t.facade.submitted.length, 0);
});

test('an unknown target names the available ones, remote included', async () => {
  const options = runOptions('print-elements.ts', { target: 'yarn', jobManager: undefined });
  assert.equal(await runJob(options), 2);
  assert.match(options.output.stderr[0] ?? '', /Unknown target 'yarn'. Available targets: local, remote/);
});

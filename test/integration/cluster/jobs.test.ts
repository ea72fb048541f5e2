/**
 * Jobs on a real cluster (1 JobManager, 2 TaskManagers with 1 and 2 slots) driven by the CLI:
 * two jobs at once with `list` and `cancel`, an attached run canceled from outside, Ctrl-C on an
 * attached run, and a user exception reported by the CLI and by the exceptions endpoint.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { CLUSTER_JOBS, JOBS, TestCluster, describeResult, submittedJobId, waitFor } from './cluster-harness.js';

const UNBOUNDED = join(CLUSTER_JOBS, 'unbounded.ts');
const FAILING_MAP = join(CLUSTER_JOBS, 'failing-map.ts');

const RUNNING_HEADER = '------------------ Running/Restarting Jobs -------------------';
const TERMINATED_HEADER = '---------------------- Terminated Jobs -----------------------';
const FOOTER = '--------------------------------------------------------------';

interface JobOverview {
  readonly jid: string;
  readonly name: string;
  readonly state: string;
  readonly 'start-time': number;
}

/** Flink's `list` line: `dd.MM.yyyy HH:mm:ss : <id> : <name> (<STATE>)`, in local time. */
function listLine(job: JobOverview): string {
  const d = new Date(job['start-time']);
  const two = (n: number): string => String(n).padStart(2, '0');
  const date = `${two(d.getDate())}.${two(d.getMonth() + 1)}.${d.getFullYear()} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  return `${date} : ${job.jid} : ${job.name} (${job.state})`;
}

function byStartTime(jobs: readonly JobOverview[]): JobOverview[] {
  return [...jobs].sort((a, b) => a['start-time'] - b['start-time'] || a.jid.localeCompare(b.jid));
}

describe('jobs on 1 JobManager + 2 TaskManagers (1 and 2 slots)', () => {
  let cluster: TestCluster | undefined;
  const c = (): TestCluster => {
    assert.ok(cluster !== undefined, 'the cluster did not start');
    return cluster;
  };

  before(async () => {
    cluster = await TestCluster.start('jobs', [1, 2]);
  });
  // Each test needs the slots the previous one used.
  beforeEach(async () => {
    await c().waitForAllSlotsFree();
  });
  after(async () => {
    await cluster?.shutdown();
  });

  test('two detached jobs run at once, are listed RUNNING, are canceled and listed CANCELED', async () => {
    const m = c().restAddress;
    const [first, second] = await Promise.all([
      c().cli('run', '-m', m, '-p', '2', '-d', UNBOUNDED, '--name', 'first-unbounded'),
      c().cli('run', '-m', m, '-p', '1', '-d', UNBOUNDED, '--name', 'second-unbounded'),
    ]);
    for (const result of [first, second]) {
      assert.equal(result.code, 0, describeResult(result));
      assert.match(result.stdout, /^Job has been submitted with JobID [0-9a-f]{32}$/m);
      assert.doesNotMatch(result.stdout, /has finished/, 'a detached run does not wait');
    }
    const ids = [submittedJobId(first.stdout), submittedJobId(second.stdout)];
    for (const id of ids) await c().waitForAllTasksRunning(id);
    const busy = await c().overview();
    assert.deepEqual([busy['jobs-running'], busy['slots-available']], [2, 0], 'both jobs hold their slots at the same time');

    const overview = async (): Promise<JobOverview[]> => (await c().get<{ jobs: JobOverview[] }>('/jobs/overview')).jobs;
    const running = await c().cli('list', '-m', m, '-r');
    assert.equal(running.code, 0, describeResult(running));
    const jobs = byStartTime(await overview());
    assert.deepEqual(
      jobs.map((j) => [j.name, j.state]).sort(),
      [
        ['first-unbounded', 'RUNNING'],
        ['second-unbounded', 'RUNNING'],
      ],
    );
    assert.equal(running.stdout, ['Waiting for response...', RUNNING_HEADER, ...jobs.map(listLine), FOOTER, ''].join('\n'));

    for (const id of ids) {
      const cancel = await c().cli('cancel', '-m', m, id);
      assert.equal(cancel.code, 0, describeResult(cancel));
      assert.equal(cancel.stdout, `Cancelling job ${id}.\nCancelled job ${id}.\n`);
    }
    for (const id of ids) await c().waitForJobState(id, 'CANCELED');

    const all = await c().cli('list', '-m', m, '-a');
    assert.equal(all.code, 0, describeResult(all));
    const ended = byStartTime(await overview());
    assert.deepEqual(ended.map((j) => j.state), ['CANCELED', 'CANCELED']);
    assert.equal(
      all.stdout,
      ['Waiting for response...', 'No running jobs.', 'No scheduled jobs.', TERMINATED_HEADER, ...ended.map(listLine), FOOTER, ''].join('\n'),
    );
  });

  test('an attached run whose job is canceled from outside exits 1 saying the job was canceled', async () => {
    const m = c().restAddress;
    const run = c().startCli('run', '-m', m, '-p', '1', UNBOUNDED, '--name', 'canceled-from-outside');
    await run.waitForOutput(/Job has been submitted with JobID [0-9a-f]{32}/);
    const id = submittedJobId(run.stdout);
    await c().waitForAllTasksRunning(id);

    const cancel = await c().cli('cancel', '-m', m, id);
    assert.equal(cancel.code, 0, describeResult(cancel));
    const result = await run.exited;
    assert.equal(result.code, 1, describeResult(result));
    assert.match(result.stderr, /The program finished with the following exception:/);
    assert.match(result.stderr, /JobExecutionException: Job was cancelled\./);
    assert.equal((await c().job(id)).state, 'CANCELED');
    const outcome = await c().get<{ 'job-execution-result': { 'application-status': string } }>(`/jobs/${id}/execution-result`);
    assert.equal(outcome['job-execution-result']['application-status'], 'CANCELED');
  });

  test('Ctrl-C on an attached run cancels the job on the cluster and exits 1', async () => {
    const run = c().startCli('run', '-m', c().restAddress, '-p', '3', UNBOUNDED, '--name', 'ctrl-c');
    await run.waitForOutput(/Job has been submitted with JobID [0-9a-f]{32}/);
    const id = submittedJobId(run.stdout);
    await c().waitForAllTasksRunning(id);

    run.signal('SIGINT');
    const result = await run.exited;
    assert.equal(result.code, 1, describeResult(result));
    assert.match(result.stderr, /Received SIGINT: cancelling the running job\(s\)\./);
    assert.match(result.stderr, new RegExp(`Job with JobID ${id} has been canceled \\(CANCELED\\)\\.`));
    // The client returns only once the cluster says CANCELED: no waiting needed here.
    const job = await c().job(id);
    assert.equal(job.state, 'CANCELED');
    for (const vertex of job.vertices) assert.equal(vertex.tasks.CANCELED, 3, `${vertex.name}: ${JSON.stringify(vertex.tasks)}`);
  });

  test('a user exception fails the job: CLI exit 1 and the exceptions endpoint name the operator and the subtask', async () => {
    const result = await c().cli('run', '-m', c().restAddress, '-p', '3', FAILING_MAP);
    assert.equal(result.code, 1, describeResult(result));
    const id = submittedJobId(result.stdout);
    assert.match(result.stderr, /The program finished with the following exception:/);
    assert.match(result.stderr, /Operator 'Exploding Map' failed: Error: record 42 is not allowed \(task Exploding Map -> discard \(3\/3\)#0\)/);

    const job = await c().job(id);
    assert.equal(job.state, 'FAILED');
    const mapVertex = job.vertices.find((v) => v.name === 'Exploding Map -> discard');
    assert.ok(mapVertex !== undefined, JSON.stringify(job.vertices.map((v) => v.name)));
    const failedOn = (await c().subtasks(id, mapVertex.id))[2]?.['taskmanager-id'];

    interface Entry {
      exceptionName: string;
      stacktrace: string;
      taskName: string;
      location: string;
      taskManagerId: string;
    }
    const exceptions = await c().get<{
      'root-exception': string;
      'all-exceptions': { exception: string; task: string }[];
      exceptionHistory: { entries: Entry[]; truncated: boolean };
    }>(`/jobs/${id}/exceptions`);
    assert.match(exceptions['root-exception'], /^OperatorException: Operator 'Exploding Map' failed: Error: record 42 is not allowed\n/);
    const [entry] = exceptions.exceptionHistory.entries;
    assert.ok(entry !== undefined, JSON.stringify(exceptions));
    assert.equal(entry.exceptionName, 'OperatorException');
    assert.equal(entry.taskName, 'Exploding Map -> discard (3/3)#0');
    assert.match(entry.stacktrace, /Operator 'Exploding Map' failed: Error: record 42 is not allowed/);
    assert.equal(entry.taskManagerId, failedOn, 'the entry names the TaskManager that ran subtask 3/3');
    assert.match(entry.location, /^127\.0\.0\.1:\d+$/);
    assert.equal(exceptions['all-exceptions'][0]?.task, 'Exploding Map -> discard (3/3)#0');
    const outcome = await c().get<{ 'job-execution-result': { 'application-status': string } }>(`/jobs/${id}/execution-result`);
    assert.equal(outcome['job-execution-result']['application-status'], 'FAILED');
  });
  test('a job file uploaded with POST /jars/upload and run with POST /jars/:jarid/run runs on the TaskManagers and FINISHES', async () => {
    // The TaskManagers fetch the job's code from the BlobServer by its hash: the jar run must
    // have put it there, as a submission with POST /jobs does.
    const boundary = `----jobs-test-${Date.now()}`;
    const upload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="jarfile"; filename="print-elements.ts"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      readFileSync(join(JOBS, 'print-elements.ts')),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const uploaded = await c().request('POST', '/jars/upload', upload, { 'Content-Type': `multipart/form-data; boundary=${boundary}` });
    assert.equal(uploaded.status, 200, uploaded.text);
    const jarId = ((uploaded.json as { filename: string }).filename.split('/').pop() ?? '');
    const run = await c().request('POST', `/jars/${jarId}/run`, JSON.stringify({ parallelism: 1 }), { 'Content-Type': 'application/json' });
    assert.equal(run.status, 200, run.text);
    const { jobid } = run.json as { jobid: string };
    const ended = await waitFor(`job ${jobid} to end`, async () => {
      const job = await c().job(jobid);
      return ['FINISHED', 'FAILED', 'CANCELED'].includes(job.state) ? job : undefined;
    }, 30_000);
    const exceptions = await c().get<{ 'root-exception': string | null }>(`/jobs/${jobid}/exceptions`);
    assert.deepEqual([ended.name, ended.state, exceptions['root-exception']], ['print-elements', 'FINISHED', null]);
  });
});

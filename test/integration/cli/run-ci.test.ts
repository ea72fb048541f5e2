/**
 * `flink-ts run` for CI (Flink complaint #10), through the built CLI: job state changes on stderr
 * as they happen, `--timeout` (exit 124, the job CANCELED in the cluster) and `--json` (exactly
 * one JSON object on stdout). Cluster targets run against a real session cluster on loopback (a
 * JobManager and a TaskManager with 2 slots); `--json` is checked on the local target too, where
 * the program's own output must leave stdout.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { CLUSTER_JOBS, JOBS, TestCluster, describeResult, submittedJobId } from '../cluster/cluster-harness.js';
import { FIXTURES, runCli } from './cli-harness.js';

const PRINT_ELEMENTS = join(JOBS, 'print-elements.ts');
const UNBOUNDED = join(CLUSTER_JOBS, 'unbounded.ts');
const FAILING_MAP = join(CLUSTER_JOBS, 'failing-map.ts');

const STATE_LINE = /^Job [0-9a-f]{32} \(.*\) switched from state \w+ to \w+\.$/;

function stateLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => STATE_LINE.test(line));
}

interface Summary {
  exitCode: number;
  jobs: { jobId: string; jobName: string; state: string; durationMs: number; error?: string }[];
  clusterId?: string;
}

/** stdout must be exactly one JSON document; durations are checked, then zeroed for exact comparison. */
function parseSummary(stdout: string): Summary {
  assert.equal(stdout.split('\n').filter((line) => line !== '').length, 1, `one line of JSON on stdout, got:\n${stdout}`);
  const summary = JSON.parse(stdout) as Summary;
  for (const job of summary.jobs) {
    assert.ok(Number.isInteger(job.durationMs) && job.durationMs >= 0, `durationMs of ${job.jobId}: ${job.durationMs}`);
    job.durationMs = 0;
  }
  return summary;
}

describe('run for CI against a session cluster (1 JobManager, 1 TaskManager with 2 slots)', () => {
  let cluster: TestCluster | undefined;
  const c = (): TestCluster => {
    assert.ok(cluster !== undefined, 'the cluster did not start');
    return cluster;
  };

  before(async () => {
    cluster = await TestCluster.start('run-ci', [2]);
  });
  beforeEach(async () => {
    await c().waitForAllSlotsFree();
  });
  after(async () => {
    await cluster?.shutdown();
  });

  test('an attached remote run prints each state change of its job on stderr, in order', async () => {
    const result = await c().cli('run', '-m', c().restAddress, PRINT_ELEMENTS);
    assert.equal(result.code, 0, describeResult(result));
    const jobId = submittedJobId(result.stdout);
    assert.deepEqual(stateLines(result.stderr), [
      `Job ${jobId} (print-elements) switched from state INITIALIZING to CREATED.`,
      `Job ${jobId} (print-elements) switched from state CREATED to RUNNING.`,
      `Job ${jobId} (print-elements) switched from state RUNNING to FINISHED.`,
    ]);
    assert.doesNotMatch(result.stdout, /switched from state/, 'state changes go to stderr');
  });

  test('--timeout on an unbounded job: the job is CANCELED in the cluster, exit 124, the timeout is the last line', async () => {
    const result = await c().cli('run', '-m', c().restAddress, '--timeout', '3 s', UNBOUNDED, '--name', 'never-ends');
    assert.equal(result.code, 124, describeResult(result));
    const jobId = submittedJobId(result.stdout);
    assert.equal(result.stderr.trimEnd().split('\n').at(-1), `Timed out after 3 s: cancelled job(s) ${jobId}.`);
    assert.equal((await c().job(jobId)).state, 'CANCELED');
    assert.deepEqual(stateLines(result.stderr).slice(-2), [
      `Job ${jobId} (never-ends) switched from state RUNNING to CANCELLING.`,
      `Job ${jobId} (never-ends) switched from state CANCELLING to CANCELED.`,
    ]);
  });

  test('--json for a FINISHED job: one JSON object on stdout with the exact fields', async () => {
    const result = await c().cli('run', '-m', c().restAddress, '--json', PRINT_ELEMENTS);
    assert.equal(result.code, 0, describeResult(result));
    const jobId = /Job has been submitted with JobID ([0-9a-f]{32})/.exec(result.stderr)?.[1];
    assert.ok(jobId !== undefined, `the client's lines go to stderr with --json:\n${result.stderr}`);
    assert.deepEqual(parseSummary(result.stdout), { exitCode: 0, jobs: [{ jobId, jobName: 'print-elements', state: 'FINISHED', durationMs: 0 }] });
  });

  test('--json for a FAILED job: exit code 1 in the JSON and the root cause as error', async () => {
    const result = await c().cli('run', '-m', c().restAddress, '-p', '2', '--json', FAILING_MAP);
    assert.equal(result.code, 1, describeResult(result));
    const jobId = /Job has been submitted with JobID ([0-9a-f]{32})/.exec(result.stderr)?.[1];
    assert.ok(jobId !== undefined, describeResult(result));
    assert.deepEqual(parseSummary(result.stdout), {
      exitCode: 1,
      jobs: [{ jobId, jobName: 'failing-map', state: 'FAILED', durationMs: 0, error: "OperatorException: Operator 'Exploding Map' failed: Error: record 42 is not allowed (task Exploding Map -> discard (2/2)#0)" }],
    });
  });
});

describe('run for CI on the local target', () => {
  test("--json: stdout is only the JSON; the job's printed elements and the client's lines go to stderr", async () => {
    const result = await runCli(['run', '--json', join(FIXTURES, 'print-elements.ts')]);
    assert.equal(result.code, 0, describeResult({ ...result, signal: result.signal }));
    const summary = parseSummary(result.stdout);
    const jobId = summary.jobs[0]?.jobId ?? '';
    assert.deepEqual(summary, { exitCode: 0, jobs: [{ jobId, jobName: 'print-elements', state: 'FINISHED', durationMs: 0 }] });
    const stderr = result.stderr.split('\n');
    for (const line of ['alpha', 'beta', 'gamma', `Job has been submitted with JobID ${jobId}`, `Job with JobID ${jobId} has finished.`]) assert.ok(stderr.includes(line), `stderr has '${line}':\n${result.stderr}`);
    assert.ok(stderr.includes(`Job ${jobId} (print-elements) switched from state RUNNING to FINISHED.`), result.stderr);
  });

  test('--timeout that is not a duration is a usage error (exit 2)', async () => {
    const result = await runCli(['run', '--timeout', 'soon', join(FIXTURES, 'print-elements.ts')]);
    assert.equal(result.code, 2, describeResult({ ...result, signal: result.signal }));
    assert.match(result.stderr, /--timeout 'soon' is not a positive duration/);
  });
});

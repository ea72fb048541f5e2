/**
 * Restart strategies and failover through the built CLI (local target, real slot workers). The
 * fixture's map prints `OPEN <subtask> <attempt>` on each open, so the attempts of every subtask
 * are counted from what the job printed, and it fails on its first record: a failed attempt
 * prints no record, so the output of a restarted job is exact.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { JobRun } from './runtime-harness.js';
import { assertBuilt, describeResult, fixture, outputLines, runJob, terminalStates } from './runtime-harness.js';

const JOB = fixture('restarting-job.ts');
const FIXED_DELAY = ['restart-strategy.type=fixed-delay', 'restart-strategy.fixed-delay.attempts=2', 'restart-strategy.fixed-delay.delay=100 ms'];

before(() => {
  assertBuilt();
});

/** The `OPEN <subtask> <attempt>` lines, as `subtask/attempt`, sorted. */
function attempts(run: JobRun): string[] {
  return outputLines(run.stdout)
    .map((line) => /^OPEN (\d+) (\d+)$/.exec(line))
    .filter((m) => m !== null)
    .map((m) => `${m[1] ?? ''}/${m[2] ?? ''}`)
    .sort();
}

/** What the print sink printed, sorted. */
function records(run: JobRun): string[] {
  return outputLines(run.stdout)
    .filter((line) => !line.startsWith('OPEN '))
    .sort();
}

function stateChanges(run: JobRun): string[] {
  return [...run.stderr.matchAll(/^Job [0-9a-f]{32} \(restarting-job\) switched from state (\w+) to (\w+)\.$/gm)].map((m) => `${m[1] ?? ''}->${m[2] ?? ''}`);
}

test('fixed-delay: a map that fails on its first attempt only is restarted once; exit 0, exact output, RESTARTING seen', async () => {
  const run = await runJob(JOB, { parallelism: 1, args: ['--fail', 'first'], defines: FIXED_DELAY });
  assert.equal(run.code, 0, describeResult(run));
  assert.deepEqual(terminalStates(run.log), ['FINISHED'], describeResult(run));
  assert.deepEqual(records(run), ['1', '2', '3', '4', '5'], describeResult(run));
  assert.deepEqual(attempts(run), ['0/0', '0/1'], describeResult(run));
  const changes = stateChanges(run);
  assert.ok(changes.includes('RUNNING->RESTARTING'), run.stderr);
  assert.ok(changes.includes('RESTARTING->RUNNING'), run.stderr);
  assert.equal(changes.at(-1), 'RUNNING->FINISHED', run.stderr);
  assert.match(run.log, /switched from state RUNNING to RESTARTING\./);
});

test('fixed-delay with attempts=2: a map that always fails runs exactly 3 times, then the job FAILS with recovery suppressed', async () => {
  const run = await runJob(JOB, { parallelism: 1, args: ['--fail', 'always'], defines: FIXED_DELAY });
  assert.equal(run.code, 1, describeResult(run));
  assert.deepEqual(terminalStates(run.log), ['FAILED'], describeResult(run));
  assert.deepEqual(attempts(run), ['0/0', '0/1', '0/2'], describeResult(run));
  assert.deepEqual(records(run), [], 'no attempt printed a record');
  assert.match(run.stderr, /Caused by: JobException: Recovery is suppressed by FixedDelayRestartBackoffTimeStrategy\(maxNumberRestartAttempts=2, backoffTimeMS=100\)\n/);
  // The last failure is the root cause.
  assert.match(run.stderr, /Caused by: OperatorException: Operator 'Map' failed: Error: attempt 2 of subtask 0 fails on purpose/);
  assert.match(run.log, /switched from state RUNNING to FAILING\./);
});

test('failure-rate: the job FAILS once max-failures-per-interval failures fall within the interval', async () => {
  const run = await runJob(JOB, {
    parallelism: 1,
    args: ['--fail', 'always'],
    defines: [
      'restart-strategy.type=failure-rate',
      'restart-strategy.failure-rate.max-failures-per-interval=3',
      'restart-strategy.failure-rate.failure-rate-interval=1 min',
      'restart-strategy.failure-rate.delay=50 ms',
    ],
  });
  assert.equal(run.code, 1, describeResult(run));
  assert.deepEqual(attempts(run), ['0/0', '0/1', '0/2'], describeResult(run));
  assert.match(run.stderr, /Recovery is suppressed by FailureRateRestartBackoffTimeStrategy\(failuresIntervalMS=60000, backoffTimeMS=50, maxFailuresPerInterval=3\)/);
});

test('without a restart strategy (checkpointing off) the first failure fails the job, as Flink does', async () => {
  const run = await runJob(JOB, { parallelism: 1, args: ['--fail', 'first'] });
  assert.equal(run.code, 1, describeResult(run));
  assert.deepEqual(attempts(run), ['0/0'], describeResult(run));
  assert.match(run.stderr, /Recovery is suppressed by NoRestartBackoffTimeStrategy\n/);
  assert.ok(!stateChanges(run).includes('RUNNING->RESTARTING'), run.stderr);
});

const FORWARD_P2 = { parallelism: 2, args: ['--fail', 'first', '--subtask', '1', '--count', '6'] } as const;
const PRINTED_P2 = ['1> 1', '1> 2', '1> 3', '2> 4', '2> 5', '2> 6'];

test('region failover: in a forward-only job only the failed pipeline restarts; the other subtask keeps attempt 0', async () => {
  const run = await runJob(JOB, { ...FORWARD_P2, defines: FIXED_DELAY });
  assert.equal(run.code, 0, describeResult(run));
  assert.deepEqual(attempts(run), ['0/0', '1/0', '1/1'], describeResult(run));
  assert.deepEqual(records(run), PRINTED_P2, describeResult(run));
});

test('full failover (jobmanager.execution.failover-strategy: full) restarts the healthy pipeline too', async () => {
  const run = await runJob(JOB, { ...FORWARD_P2, defines: [...FIXED_DELAY, 'jobmanager.execution.failover-strategy=full'] });
  assert.equal(run.code, 0, describeResult(run));
  const seen = attempts(run);
  assert.ok(seen.includes('1/1') && seen.includes('0/1'), describeResult(run));
  assert.equal(terminalStates(run.log)[0], 'FINISHED');
});

test('region failover after a keyBy restarts every subtask: the keyBy makes one region', async () => {
  const run = await runJob(JOB, { ...FORWARD_P2, args: [...FORWARD_P2.args, '--keyBy'], defines: FIXED_DELAY });
  assert.equal(run.code, 0, describeResult(run));
  const seen = attempts(run);
  assert.ok(seen.includes('1/1') && seen.includes('0/1'), describeResult(run));
});

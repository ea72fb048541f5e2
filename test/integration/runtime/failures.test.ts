/**
 * Jobs that fail: a user exception, process.exit() in user code, unbounded allocation, and a
 * program that builds a different pipeline in the slot workers. Each must end FAILED with a
 * message that says what went wrong and where, exit code 1, and a CLI that survives to say so.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { JobRun } from './runtime-harness.js';
import { assertBuilt, describeResult, fixture, outputLines, runJob, startJob, terminalStates, withDeadline } from './runtime-harness.js';

const FAILING = fixture('failing-job.ts');

before(() => {
  assertBuilt();
});

/** Exit 1, the job FAILED, and the program itself saw the JobExecutionException with status FAILED. */
function assertJobFailed(run: JobRun): void {
  assert.equal(run.code, 1, describeResult(run));
  assert.deepEqual(terminalStates(run.log), ['FAILED'], describeResult(run));
  assert.ok(outputLines(run.stdout).includes('PROGRAM job FAILED'), describeResult(run));
  assert.match(run.stderr, /The program finished with the following exception:/);
  assert.match(run.stderr, /Caused by: JobExecutionException: Job execution failed\./);
  assert.doesNotMatch(run.stdout, /Program execution finished/);
}

test('-p 2: a map named Explode that throws on record 37 fails the job, naming operator, subtask (2/2) and message', async () => {
  const run = await runJob(FAILING, { parallelism: 2, args: ['--fail', 'throw', '--name', 'Explode'] });
  assertJobFailed(run);
  assert.match(run.stderr, /Operator 'Explode' failed: Error: record 37 is not allowed \(task [^\n]*\(2\/2\)#0\)/, run.stderr);
  // The root cause's frames point into the job file (source maps), not into the bundle.
  assert.match(run.stderr, /\n {4}at [^\n]*failing-job\.ts:\d+:\d+/, run.stderr);
  // Records before 37 were printed; 37 never was.
  assert.ok(!outputLines(run.stdout).some((line) => /^\d> 37$/.test(line)), run.stdout);
});

test("-p 4: an unnamed failing map is reported as Flink's 'Map', on subtask (4/4)", async () => {
  const run = await runJob(FAILING, { parallelism: 4, args: ['--fail', 'throw'] });
  assertJobFailed(run);
  assert.match(run.stderr, /Operator 'Map' failed: Error: record 37 is not allowed \(task [^\n]*\(4\/4\)#0\)/, run.stderr);
});

let exitRun: Promise<JobRun> | undefined;
/** One run shared by the two tests of process.exit(3). */
function processExitRun(): Promise<JobRun> {
  exitRun ??= runJob(FAILING, { parallelism: 2, args: ['--fail', 'exit'] });
  return exitRun;
}

test('-p 2: process.exit(3) in a map ends only its worker: the job FAILED, the CLI survives and reports it', async () => {
  const run = await processExitRun();
  assertJobFailed(run);
  assert.match(run.stderr, /Task failed because the slot's worker thread exited with code 3/, run.stderr);
});

test('-p 2: the worker-exit failure is printed without stack frames of flink-ts itself', async () => {
  // The client prints stack frames only for the user's errors (cli-output.ts); this failure is
  // raised by the TaskExecutor, so its frames say nothing about the user's code.
  const run = await processExitRun();
  assert.doesNotMatch(run.stderr, /\n\s+at [^\n]*(dist|src)\/runtime\//, `stack frames of flink-ts's runtime printed:\n${run.stderr}`);
});

for (const p of [1, 2]) {
  test(`-p ${p}: unbounded allocation in a map fails the job with an out-of-memory message instead of crashing the CLI`, async () => {
    const started = startJob(FAILING, {
      parallelism: p,
      args: ['--fail', 'oom'],
      defines: ['taskmanager.memory.task.heap.size=300m'],
    });
    let run: JobRun;
    try {
      run = await withDeadline(started.ended, 60_000, 'the out-of-memory job to fail');
    } catch (error) {
      started.cli.child.kill('SIGKILL');
      throw error;
    }
    assert.equal(run.signal, null, describeResult(run));
    assertJobFailed(run);
    assert.match(run.stderr, /Task failed because [^\n]*(memory limit|out of memory)/i, run.stderr);
  });
}

let mismatchRun: Promise<JobRun> | undefined;
function planMismatchRun(): Promise<JobRun> {
  mismatchRun ??= runJob(fixture('plan-mismatch.ts'), { parallelism: 2 });
  return mismatchRun;
}

test('-p 2: a pipeline rebuilt differently in the workers FAILS, naming the operators that differ', async () => {
  const run = await planMismatchRun();
  assertJobFailed(run);
  assert.match(run.stderr, /differs from the submitted plan: operator 2 was 'Print to Std\. Out' \([0-9a-f]+\) in the client but is 'worker-only-map' \([0-9a-f]+\) here/, run.stderr);
  assert.match(run.stderr, /the client's plan has 2 operators, the rebuilt one 3/, run.stderr);
});

test('-p 2: the plan mismatch failure carries its error code ERR_PLAN_MISMATCH', async () => {
  // docs/architecture.md: "A module that builds a different pipeline on re-run fails with ERR_PLAN_MISMATCH".
  const run = await planMismatchRun();
  assert.match(run.stderr, /ERR_PLAN_MISMATCH/, `the error code is nowhere in the output:\n${run.stderr}`);
});

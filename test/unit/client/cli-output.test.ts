import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JobExecutionException, JobExecutionResult } from '../../../src/api/environment/job-execution-result.js';
import { errorChainLines, jobFinishedLines, programExceptionLines } from '../../../src/client/cli-output.js';
import { rebuildError } from '../../../src/client/local-executor.js';
import { ProgramInvocationException } from '../../../src/client/program/program-runner.js';

test("a finished job is reported in Flink's words, accumulators sorted by name", () => {
  const result = new JobExecutionResult('abc', 1234, { words: 7, lines: 3 });
  assert.deepEqual(jobFinishedLines(result), [
    'Program execution finished',
    'Job with JobID abc has finished.',
    'Job Runtime: 1234 ms',
    'Accumulator Results: ',
    '- lines (number): 3',
    '- words (number): 7',
  ]);
});

test('no accumulator section without accumulators', () => {
  assert.equal(jobFinishedLines(new JobExecutionResult('abc', 1, {})).length, 3);
});

test('a failed job prints the whole cause chain with the remote stack of the root cause', () => {
  const remote = rebuildError({
    class: 'TypeError',
    message: "Operator 'Failing Map' (1/2) failed: x is undefined",
    stack: "TypeError: x is undefined\n    at map (/jobs/job.ts:7:11)\n    at StreamMap.processElement (/flink-ts/dist/api/operators/stream-map.js:9:34)",
  });
  const failure = new ProgramInvocationException(new JobExecutionException('abc', 'FAILED', 'Job execution failed.', { cause: remote }));
  const lines = programExceptionLines(failure);
  assert.deepEqual(lines.slice(0, 4), ['', '------------------------------------------------------------', ' The program finished with the following exception:', '']);
  assert.deepEqual(lines.slice(4), [
    'ProgramInvocationException: The main method caused an error: Job execution failed.',
    'Caused by: JobExecutionException: Job execution failed.',
    "Caused by: TypeError: Operator 'Failing Map' (1/2) failed: x is undefined",
    '    at map (/jobs/job.ts:7:11)',
    '    at StreamMap.processElement (/flink-ts/dist/api/operators/stream-map.js:9:34)',
  ]);
});

test('a cyclic cause chain ends', () => {
  const a = new Error('a');
  const b = new Error('b', { cause: a });
  (a as { cause?: unknown }).cause = b;
  assert.deepEqual(errorChainLines(b), ['Error: b', 'Caused by: Error: a']);
});

test('non-errors are shown too', () => {
  assert.deepEqual(errorChainLines('plain string'), ['Error: plain string']);
});

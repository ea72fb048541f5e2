/**
 * Rich functions at parallelism 1, 2 and 4: open/close exactly once per subtask for every kind of
 * rich function, what getRuntimeContext() reports, accumulators summed over subtasks (as the CLI
 * prints them and as the program reads them), and the job arguments as a slot worker sees them.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import {
  assertBuilt,
  assertFinished,
  assertSameMultiset,
  fixture,
  outputLines,
  printedAccumulators,
  printedBy,
  runJob,
  submittedJobIds,
  tempDir,
} from './runtime-harness.js';

const JOB = fixture('rich-functions.ts');
const FUNCTIONS = ['flatMap', 'filter', 'process', 'keyedProcess', 'coMap', 'coFlatMap', 'reduce', 'sink'];
/** Arguments Flink's ParameterTool rules treat specially: a negative number, a repeated key, a bare flag, a value with a space. */
const EXTRA_ARGS = ['--tag', 'hello', '--threshold', '-5', '--input', 'a', '--input', 'b', '--verbose', '--text', 'two words'];

before(() => {
  assertBuilt();
});

for (const p of [1, 2, 4]) {
  test(`-p ${p}: open/close once per subtask, runtime context, accumulators and job arguments in workers`, async () => {
    const markers = tempDir(`markers-p${p}`);
    const args = ['--markers', markers, ...EXTRA_ARGS];
    const run = await runJob(JOB, { parallelism: p, args });
    assertFinished(run);
    const lines = outputLines(run.stdout);
    const [jobId] = submittedJobIds(run.stdout);

    // open() then close(), once each, in every subtask of every rich function, attempt 0.
    const expectedMarkers = FUNCTIONS.flatMap((name) => Array.from({ length: p }, (_, i) => `${name}-${i}-of-${p}-attempt-0`));
    assert.deepEqual(readdirSync(markers).sort(), expectedMarkers.sort());
    for (const file of expectedMarkers) assert.equal(readFileSync(join(markers, file), 'utf8'), 'open\nclose\n', `lifecycle of ${file}`);

    // getRuntimeContext(): the subtask index matches the print prefix of the chained print sink.
    const ctx = printedBy(lines, 'ctx', p);
    assertSameMultiset(
      ctx.map((entry) => entry.value.split('|')[0] ?? ''),
      Array.from({ length: 100 }, (_, i) => String(i + 1)),
      'context probe records',
    );
    for (const { subtask, value } of ctx) {
      const [, index, parallelism, attempt, id, jobName, taskName, taskInfoAgrees] = value.split('|');
      assert.deepEqual(
        { index, parallelism, attempt, id, jobName, taskInfoAgrees },
        { index: String(subtask - 1), parallelism: String(p), attempt: '0', id: jobId, jobName: 'rich-functions', taskInfoAgrees: 'true' },
        value,
      );
      assert.ok(taskName?.includes('context-probe') === true && taskName.endsWith(`(${subtask}/${p})#0`), `task name with subtasks: ${String(taskName)}`);
    }

    // Accumulators are summed over the subtasks; the CLI prints them after the job's runtime.
    const expected = { records: 100, sum: 5050, halves: 2525, sunk: 102 };
    assert.deepEqual(printedAccumulators(run.stdout), [
      { halves: `number:${expected.halves}`, records: `number:${expected.records}`, sum: `number:${expected.sum}`, sunk: `number:${expected.sunk}` },
    ]);
    assert.match(run.stdout, /\nJob Runtime: \d+ ms\nAccumulator Results: ?\n- halves \(number\): 2525\n- records \(number\): 100\n- sum \(number\): 5050\n- sunk \(number\): 102\n/);
    for (const [name, value] of Object.entries(expected)) {
      assert.ok(lines.includes(`PROGRAM accumulator ${name}=${value}`), `getAccumulatorResult('${name}') = ${value}\n${run.stdout}`);
    }

    // The job arguments: main and every slot worker see the same ones.
    const main = lines.find((line) => line.startsWith('MAIN ARGS '))?.slice('MAIN ARGS '.length);
    assert.ok(main !== undefined);
    assert.deepEqual(JSON.parse(main), {
      map: { markers, tag: 'hello', threshold: '-5', input: 'b', verbose: '__NO_VALUE_KEY', text: 'two words' },
      inputs: ['a', 'b'],
      threshold: -5,
      verbose: true,
      argv: args,
    });
    const workers = printedBy(lines, 'args', p);
    assert.equal(workers.length, p, 'one report per args-probe subtask');
    for (const { value } of workers) assert.equal(value, main, 'arguments seen in a slot worker');
  });
}

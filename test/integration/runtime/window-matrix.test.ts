/**
 * Every event-time window assigner, trigger, evictor, window function and lateness case through
 * the built CLI at -p 1 and 4 (fixture window-matrix.ts, one job with one pipeline per case over
 * the fixed out-of-order input of window-input.ts, watermarks driven by the input). Each case's
 * printed lines — window results with their record timestamps, late side outputs, the lines a
 * ProcessWindowFunction's `clear` emits — must equal exactly what an independent model of Flink's
 * window operator (window-model.ts) computes from the same input.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { SCRIPT } from '../../fixtures/jobs/runtime/window-input.js';
import { CASES, WITH_LATE, expectedLines } from './window-cases.js';
import type { JobRun } from './runtime-harness.js';
import { assertBuilt, assertFinished, assertOneSubtaskPerKey, assertSameMultiset, fixture, outputLines, printedBy, runJob, values } from './runtime-harness.js';

const JOB = fixture('window-matrix.ts');

const expected = expectedLines(SCRIPT);

before(() => {
  assertBuilt();
});

test('the model itself: late elements, late firings, merges and evictions all occur in the input', () => {
  // Guards against an input that would make the matrix trivially pass.
  assert.ok((expected.get('tumble-reduce')?.late.length ?? 0) > 0, 'tumble-reduce drops late elements');
  assert.ok((expected.get('session')?.late.length ?? 0) > 0, 'session drops late elements');
  assert.ok((expected.get('slide')?.late.length ?? 0) > 0, 'slide drops late elements');
  const wstate = expected.get('wstate')?.main ?? [];
  assert.ok(wstate.some((l) => l.includes('firing=3')), 'a window fires three times (two late firings)');
  assert.ok((expected.get('session-purge')?.main ?? []).some((l) => l.startsWith('a [500,14000)')), 'a purged session keeps growing');
  assert.ok((expected.get('dynsession')?.main ?? []).some((l) => l.startsWith('b [-700,19500)')), 'dynamic gaps merge a long session');
});

for (const p of [1, 4]) {
  describe(`-p ${p}: the window matrix`, () => {
    let run: JobRun | undefined;
    const lines = async (): Promise<string[]> => {
      run ??= await runJob(JOB, { parallelism: p });
      assertFinished(run);
      return outputLines(run.stdout);
    };

    for (const [label, c] of Object.entries(CASES)) {
      test(`${label}: exactly the windows, contents and timestamps Flink's operator emits${WITH_LATE.has(label) ? ', late elements to the side output' : ''}`, async () => {
        const printed = await lines();
        const model = expected.get(label);
        assert.ok(model !== undefined);
        const main = printedBy(printed, label, p);
        assertSameMultiset(values(main), model.main, label);
        if (c.keyed !== false && label !== 'agg') assertOneSubtaskPerKey(main, (v) => v.split(' ')[0] ?? '', label);
        if (WITH_LATE.has(label)) assertSameMultiset(values(printedBy(printed, `${label}-late`, p)), model.late, `${label} late side output`);
        if (c.cleared !== undefined) assertSameMultiset(values(printedBy(printed, `${label}-clear`, p)), model.cleared, `${label} clear()`);
      });
    }
  });
}

/**
 * Window operators through the built CLI: keyed count windows (state per key in the real keyed
 * backend) and a windowAll, at parallelism 1 and 2.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { assertBuilt, assertFinished, assertSameMultiset, fixture, outputLines, printedBy, runJob, values } from './runtime-harness.js';

const JOB = fixture('count-windows.ts');

before(() => {
  assertBuilt();
});

for (const p of [1, 2]) {
  test(`-p ${p}: countWindow(2) per key and countWindowAll(3)`, async () => {
    const run = await runJob(JOB, { parallelism: p });
    assertFinished(run);
    const printed = values(printedBy(outputLines(run.stdout), undefined, p));
    // Per key the order of elements is the source order, so the sums are exact; the last odd element of b stays buffered.
    assertSameMultiset(
      printed.filter((line) => line.startsWith('key:')),
      ['key:a=3', 'key:a=7', 'key:b=30', 'key:c=300'],
      'keyed count windows',
    );
    // windowAll sees the merged source partitions; at -p 1 in source order, otherwise three windows of some 3 elements each.
    const all = printed.filter((line) => line.startsWith('all=')).map((line) => Number(line.slice(4)));
    assert.equal(all.length, 3);
    assert.equal(
      all.reduce((a, b) => a + b, 0),
      370,
    );
    if (p === 1) assert.deepEqual(all, [13, 123, 234]);
  });
}

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { NumberSequenceSource } from '../../../src/api/sources/number-sequence-source.js';
import { readAllSubtasks } from './source-test-harness.js';

test('every number of the range is emitted exactly once for parallelism 1 to 5', async () => {
  for (const [from, to] of [
    [0, 0],
    [1, 10],
    [-7, 13],
    [5, 1004],
  ] as const) {
    for (let p = 1; p <= 5; p++) {
      const perSubtask = await readAllSubtasks(new NumberSequenceSource(from, to), p);
      const expected = Array.from({ length: to - from + 1 }, (_, i) => from + i);
      // Contiguous slices in subtask order: concatenating them gives the range in order.
      assert.deepEqual(perSubtask.flat(), expected, `from=${from} to=${to} p=${p}`);
      const sizes = perSubtask.map((s) => s.length);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `sizes ${sizes.join(',')}`);
      for (let i = 1; i < sizes.length; i++) {
        assert.ok((sizes[i - 1] ?? 0) >= (sizes[i] ?? 0), `earlier subtasks take the larger slices: ${sizes.join(',')}`);
      }
    }
  }
});

test('is bounded and named Sequence Source', () => {
  const source = new NumberSequenceSource(1, 2);
  assert.equal(source.boundedness, 'BOUNDED');
  assert.equal(source.defaultName, 'Sequence Source');
});

test('rejects non-integers and reversed ranges with a clear message', () => {
  assert.throws(() => new NumberSequenceSource(1.5, 3), TypeError);
  assert.throws(() => new NumberSequenceSource(1, Number.NaN), TypeError);
  assert.throws(() => new NumberSequenceSource(5, 1), /from <= to.*from=5 to=1/);
});

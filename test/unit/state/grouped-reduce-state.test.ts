import { test } from 'node:test';
import assert from 'node:assert/strict';

import { aggregationMergeInPlace, aggregationReducer } from '../../../src/api/operators/aggregation.js';
import { StreamGroupedReduce } from '../../../src/api/operators/stream-grouped-reduce.js';
import { OneInputHarness } from './operator-harness.js';
import { ManualProcessingTime, keysIn, newBackend, rangeOf } from './state-test-support.js';

type Count = [word: string, count: number];
const word = (c: Count): string => c[0];

function sumOperator(): StreamGroupedReduce<Count> {
  return new StreamGroupedReduce<Count>(aggregationReducer<Count>('SUM', 1), word, aggregationMergeInPlace<Count>('SUM', 1));
}

test('rolling sum keeps its per-key values in the keyed backend; they survive a rescaled restore', async () => {
  const clock = new ManualProcessingTime();
  const backend = newBackend(clock);
  const first = new OneInputHarness<Count>(sumOperator(), word, backend, clock);
  await first.open();
  const [left] = keysIn(rangeOf(2, 0), 1, 'w');
  const [right] = keysIn(rangeOf(2, 1), 1, 'w');
  for (const w of [left, right, left] as string[]) first.process([w, 1], 0);
  assert.deepEqual(first.emitted.map((e) => e.value), [
    [left, 1],
    [right, 1],
    [left, 2],
  ]);
  const bytes = backend.snapshot();

  // Restore at parallelism 2: the left word continues on subtask 0 only.
  const restored = newBackend(clock, rangeOf(2, 0));
  restored.restore(bytes);
  const second = new OneInputHarness<Count>(sumOperator(), word, restored, clock);
  await second.open();
  second.process([left as string, 5], 0);
  second.process([right as string, 5], 0);
  assert.deepEqual(second.emitted.map((e) => e.value), [
    [left, 7],
    [right, 5],
  ]);
});

test('BATCH mode emits each key\'s final value from the backend table at finish', async () => {
  const clock = new ManualProcessingTime();
  const backend = newBackend(clock);
  const harness = new OneInputHarness<Count>(sumOperator(), word, backend, clock, 'BATCH');
  await harness.open();
  harness.process(['a', 1], 10);
  harness.process(['b', 1], 20);
  harness.process(['a', 2], 30);
  assert.equal(harness.emitted.length, 0);
  await harness.operator.finish();
  assert.deepEqual(
    harness.emitted.map((e) => [e.value, e.timestamp]),
    [
      [['a', 3], 30],
      [['b', 1], 20],
    ],
  );
});

test('without a keyed backend (operator driven directly) the reduce keeps a private table', async () => {
  const clock = new ManualProcessingTime();
  const harness = new OneInputHarness<Count>(sumOperator(), undefined, undefined, clock);
  await harness.open();
  harness.process(['a', 1], 0);
  harness.process(['a', 1], 0);
  harness.process(['b', 1], 0);
  assert.deepEqual(harness.emitted.map((e) => e.value), [
    ['a', 1],
    ['a', 2],
    ['b', 1],
  ]);
});

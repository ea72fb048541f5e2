import { test } from 'node:test';
import assert from 'node:assert/strict';

import { NumberSequenceSource } from '../../../src/api/sources/number-sequence-source.js';
import {
  assertExactlyOnce,
  checkpointAndRescale,
  createReader,
  drain,
  readAllSubtasks,
  readRestored,
  snapshot,
  testServices,
} from './source-test-harness.js';

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

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

test('a restored reader emits exactly the numbers not emitted before the snapshot', async () => {
  const source = new NumberSequenceSource(1, 1000);
  const reader = createReader(source);
  await reader.start();
  const before = await drain(reader, 300);
  const splits = snapshot(reader);
  assert.deepEqual(splits, [{ from: before.length + 1, to: 1000 }], 'one split: the rest of the slice');
  // The old reader goes on after the checkpoint: a restore must replay exactly that.
  const afterSnapshot = await drain(reader);
  await reader.close();
  const restored = await readRestored(source, splits);
  assert.deepEqual(restored, afterSnapshot);
  assert.deepEqual([...before, ...restored], range(1, 1000));
});

test('a fresh reader snapshots its slice; a drained one snapshots nothing', async () => {
  const source = new NumberSequenceSource(-5, 4);
  assert.deepEqual(snapshot(createReader(source, 1, 2)), [{ from: 0, to: 4 }]);
  const reader = createReader(source, 0, 2);
  await reader.start();
  assert.deepEqual(await drain(reader), range(-5, -1));
  assert.deepEqual(snapshot(reader), []);
});

test('splits of 2 readers restored over 3 and over 1 readers give every number exactly once', async () => {
  const source = new NumberSequenceSource(10, 2009);
  for (const readBefore of [
    [0, 0],
    [1, 600],
    [256, 5000],
    [5000, 5000],
  ]) {
    for (const newParallelism of [3, 1]) {
      const { before, after } = await checkpointAndRescale(source, readBefore, newParallelism);
      assertExactlyOnce([...before, ...after], range(10, 2009), `read ${readBefore.join('/')} then p=${newParallelism}`);
    }
  }
});

test('a restored reader reads several splits in order and can be checkpointed again', async () => {
  const source = new NumberSequenceSource(0, 99);
  const splits = [
    { from: 50, to: 59 },
    { from: 0, to: 9 },
  ];
  assert.deepEqual(snapshot(createReader(source, 0, 1, testServices(), splits)), splits, 'untouched splits');
  const reader = createReader(source, 0, 1, testServices(), splits);
  await reader.start();
  // One poll stays within one split: the first one is then done and drops out of the snapshot.
  assert.deepEqual(await drain(reader, 1), range(50, 59));
  assert.deepEqual(snapshot(reader), [{ from: 0, to: 9 }]);
  assert.deepEqual(await drain(reader), range(0, 9));
  assert.deepEqual(snapshot(reader), []);
});

test('empty restored splits end the reader at once', async () => {
  const reader = createReader(new NumberSequenceSource(1, 10), 0, 1, testServices(), []);
  await reader.start();
  assert.equal(reader.pollNext({ collect: () => assert.fail('nothing to emit') }), 'END_OF_INPUT');
});

test('malformed restored splits are rejected naming the split', () => {
  const source = new NumberSequenceSource(1, 10);
  for (const bad of [null, {}, { from: 3 }, { from: 5, to: 4 }, { from: 0.5, to: 1 }, { index: 3 }]) {
    assert.throws(() => createReader(source, 0, 1, testServices(), [bad]), /NumberSequenceSource cannot restore split/);
  }
});

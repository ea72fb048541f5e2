import { test } from 'node:test';
import assert from 'node:assert/strict';

import { CollectionSource } from '../../../src/api/sources/collection-source.js';
import {
  assertExactlyOnce,
  checkpointAndRescale,
  createReader,
  drain,
  readRestored,
  readSubtask,
  snapshot,
  testServices,
} from './source-test-harness.js';

test('emits the elements in order and then ends', async () => {
  const elements = Array.from({ length: 1000 }, (_, i) => `e${i}`);
  assert.deepEqual(await readSubtask(new CollectionSource(elements), 0, 1), elements);
});

test('is bounded, non-parallel and named Collection Source by default', () => {
  const source = new CollectionSource([1, 2]);
  assert.equal(source.boundedness, 'BOUNDED');
  assert.equal(source.maxParallelism, 1);
  assert.equal(source.defaultName, 'Collection Source');
  assert.equal(new CollectionSource([1], 'Mine').defaultName, 'Mine');
});

test('an empty collection ends at once', async () => {
  assert.deepEqual(await readSubtask(new CollectionSource<number>([]), 0, 1), []);
});

test('later changes to the caller array do not change what is emitted', async () => {
  const elements = [1, 2, 3];
  const source = new CollectionSource(elements);
  elements.push(4);
  assert.deepEqual(await readSubtask(source, 0, 1), [1, 2, 3]);
});

test('only the first subtask emits if the source is ever run in parallel', async () => {
  const source = new CollectionSource([1, 2, 3]);
  assert.deepEqual(await readSubtask(source, 1, 2), []);
  const reader = createReader(source, 0, 2);
  await reader.start();
  assert.deepEqual(await drain(reader), [1, 2, 3]);
  await reader.close();
});

test('a restored reader emits exactly the elements not emitted before the snapshot', async () => {
  const elements = Array.from({ length: 1000 }, (_, i) => ({ id: i }));
  const source = new CollectionSource(elements);
  const reader = createReader(source);
  await reader.start();
  const before = await drain(reader, 300);
  const splits = snapshot(reader);
  assert.deepEqual(splits, [{ index: before.length }]);
  const afterSnapshot = await drain(reader);
  assert.deepEqual(snapshot(reader), [], 'a drained reader has nothing left to checkpoint');
  await reader.close();
  const restored = await readRestored(source, splits);
  assert.deepEqual(restored, afterSnapshot);
  assert.deepEqual([...before, ...restored], elements);
});

test('splits restored over 3 and over 1 readers give every element exactly once', async () => {
  const elements = Array.from({ length: 700 }, (_, i) => i);
  const source = new CollectionSource(elements);
  // Of two readers only the first has elements, so there is at most one split to hand out.
  for (const readBefore of [
    [0, 0],
    [1, 5],
    [512, 0],
    [9999, 0],
  ]) {
    for (const newParallelism of [3, 1]) {
      const { before, after, splits } = await checkpointAndRescale(source, readBefore, newParallelism);
      assert.deepEqual(splits[1], [], 'the second reader has nothing');
      assertExactlyOnce([...before, ...after], elements, `read ${readBefore.join('/')} then p=${newParallelism}`);
    }
  }
});

test('empty restored splits end the reader at once', async () => {
  const reader = createReader(new CollectionSource([1, 2, 3]), 0, 1, testServices(), []);
  await reader.start();
  assert.equal(reader.pollNext({ collect: () => assert.fail('nothing to emit') }), 'END_OF_INPUT');
});

test('restored splits that cannot come from this source are rejected', () => {
  const source = new CollectionSource([1, 2, 3]);
  const restore = (splits: unknown[]) => () => createReader(source, 0, 1, testServices(), splits);
  assert.throws(restore([{ index: 0 }, { index: 1 }]), /only ever checkpoints one/);
  assert.throws(restore([{ index: 4 }]), /CollectionSource cannot restore split/);
  assert.throws(restore([{ from: 0, to: 2 }]), /CollectionSource cannot restore split/);
});

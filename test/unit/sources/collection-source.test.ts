import { test } from 'node:test';
import assert from 'node:assert/strict';

import { CollectionSource } from '../../../src/api/sources/collection-source.js';
import { createReader, drain, readSubtask } from './source-test-harness.js';

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

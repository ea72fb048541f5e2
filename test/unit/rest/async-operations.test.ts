import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AsyncOperationRegistry, newTriggerId } from '../../../src/runtime/rest/async-operations.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('results are kept for the store duration after completion, running operations never expire', async () => {
  let now = 1000;
  const registry = new AsyncOperationRegistry<string>(5000, () => now);
  let finish: (value: string) => void = () => undefined;
  registry.trigger('job', 'a', () => new Promise((resolve) => (finish = resolve)));
  now += 60_000;
  assert.deepEqual(registry.get('job', 'a'), { status: 'IN_PROGRESS' });
  finish('/sp/1');
  await tick();
  assert.deepEqual(registry.get('job', 'a'), { status: 'COMPLETED', result: '/sp/1' });
  now += 4999;
  assert.equal(registry.get('job', 'a')?.status, 'COMPLETED');
  now += 1;
  assert.equal(registry.get('job', 'a'), undefined);
  assert.equal(registry.size, 0);
});

test('a known key does not start the operation again; scopes keep keys apart', async () => {
  const registry = new AsyncOperationRegistry<number>(1000);
  let starts = 0;
  const start = (): Promise<number> => Promise.resolve(++starts);
  registry.trigger('job-1', 'x', start);
  registry.trigger('job-1', 'x', start);
  registry.trigger('job-2', 'x', start);
  await tick();
  assert.equal(starts, 2);
  assert.deepEqual(registry.get('job-1', 'x'), { status: 'COMPLETED', result: 1 });
});

test('a start that throws synchronously fails the operation', async () => {
  const registry = new AsyncOperationRegistry<number>(1000);
  registry.trigger('job', 'y', () => {
    throw new TypeError('bad start');
  });
  await tick();
  const state = registry.get('job', 'y');
  assert.equal(state?.status, 'FAILED');
  assert.equal(state?.status === 'FAILED' ? state.failure.message : '', 'bad start');
  assert.match(newTriggerId(), /^[0-9a-f]{32}$/);
});

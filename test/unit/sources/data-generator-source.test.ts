import { test } from 'node:test';
import assert from 'node:assert/strict';

import { DataGeneratorSource } from '../../../src/api/sources/datagen/data-generator-source.js';
import { RateLimiterStrategy } from '../../../src/api/sources/datagen/rate-limiter-strategy.js';
import {
  assertExactlyOnce,
  checkpointAndRescale,
  createReader,
  drain,
  readAllSubtasks,
  readRestored,
  readSubtask,
  snapshot,
  testServices,
} from './source-test-harness.js';

test('every index is generated exactly once, in contiguous slices per subtask', async () => {
  for (const count of [0, 1, 7, 1000]) {
    for (let p = 1; p <= 4; p++) {
      const perSubtask = await readAllSubtasks(new DataGeneratorSource((i) => `v${i}`, count), p);
      assert.deepEqual(
        perSubtask.flat(),
        Array.from({ length: count }, (_, i) => `v${i}`),
        `count=${count} p=${p}`,
      );
      const sizes = perSubtask.map((s) => s.length);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1);
    }
  }
});

test('accepts a generator object with a map method', async () => {
  const generator = { map: (i: number): [number, number] => [i, i * i] };
  assert.deepEqual(await readSubtask(new DataGeneratorSource(generator, 3), 0, 1), [
    [0, 0],
    [1, 1],
    [2, 4],
  ]);
});

test('boundedness follows the count, named Generator Source', () => {
  assert.equal(new DataGeneratorSource(String, 10).boundedness, 'BOUNDED');
  const unbounded = new DataGeneratorSource(String, Number.POSITIVE_INFINITY);
  assert.equal(unbounded.boundedness, 'CONTINUOUS_UNBOUNDED');
  assert.equal(unbounded.defaultName, 'Generator Source');
  assert.throws(() => new DataGeneratorSource(String, -1), TypeError);
  assert.throws(() => new DataGeneratorSource(String, 1.5), TypeError);
});

test('an unbounded generator keeps producing disjoint index ranges per subtask', async () => {
  const source = new DataGeneratorSource((i) => i, Number.POSITIVE_INFINITY);
  const first = createReader(source, 0, 2);
  const second = createReader(source, 1, 2);
  await first.start();
  await second.start();
  const a = await drain(first, 1000);
  const b = await drain(second, 1000);
  assert.deepEqual(a.slice(0, 3), [0, 1, 2]);
  assert.ok((b[0] ?? 0) > (a.at(-1) ?? 0), 'second subtask starts far beyond the first');
  assert.equal(b[999], (b[0] ?? 0) + 999);
  await first.close();
  await second.close();
});

test('a rate limit paces emission (200 records at 1000/s take at least ~150 ms)', async () => {
  const source = new DataGeneratorSource((i) => i, 200, RateLimiterStrategy.perSecond(1000));
  const started = performance.now();
  const values = await readSubtask(source, 0, 1);
  const elapsed = performance.now() - started;
  assert.equal(values.length, 200);
  assert.ok(elapsed >= 150, `took only ${elapsed.toFixed(1)} ms`);
});

test('the rate is shared among subtasks', async () => {
  // 400/s over 2 subtasks: each emits 60 records at 200/s, which takes at least ~250 ms.
  const source = new DataGeneratorSource((i) => i, 120, RateLimiterStrategy.perSecond(400));
  const started = performance.now();
  const values = await readSubtask(source, 1, 2);
  const elapsed = performance.now() - started;
  assert.deepEqual(values, Array.from({ length: 60 }, (_, i) => 60 + i));
  assert.ok(elapsed >= 250, `took only ${elapsed.toFixed(1)} ms`);
});

test('close() cancels a pending rate-limit wait', async () => {
  const source = new DataGeneratorSource((i) => i, 10, RateLimiterStrategy.perSecond(0.5));
  const reader = createReader(source);
  await reader.start();
  assert.deepEqual(await drain(reader, 1), [0]);
  assert.equal(reader.pollNext({ collect: () => assert.fail('no token yet') }), 'NOTHING_AVAILABLE');
  const available = reader.isAvailable();
  await reader.close();
  await available;
});

test('RateLimiterStrategy rejects non-positive rates', () => {
  assert.throws(() => RateLimiterStrategy.perSecond(0), TypeError);
  assert.equal(RateLimiterStrategy.noOp().ratePerSubtask(4), undefined);
  assert.equal(RateLimiterStrategy.perSecond(100).ratePerSubtask(4), 25);
});

test('a restored generator generates exactly the indexes not generated before the snapshot', async () => {
  const source = new DataGeneratorSource((i) => `v${i}`, 1000);
  const reader = createReader(source);
  await reader.start();
  const before = await drain(reader, 300);
  const splits = snapshot(reader);
  assert.deepEqual(splits, [{ from: before.length, to: 999 }]);
  const afterSnapshot = await drain(reader);
  await reader.close();
  const restored = await readRestored(source, splits);
  assert.deepEqual(restored, afterSnapshot);
  assert.deepEqual([...before, ...restored], Array.from({ length: 1000 }, (_, i) => `v${i}`));
});

test('splits of 2 generators restored over 3 and over 1 readers give every index exactly once', async () => {
  const source = new DataGeneratorSource((i) => i * 2, 1501);
  const expected = Array.from({ length: 1501 }, (_, i) => i * 2);
  for (const readBefore of [
    [0, 0],
    [1, 700],
    [512, 3],
    [9999, 9999],
  ]) {
    for (const newParallelism of [3, 1]) {
      const { before, after } = await checkpointAndRescale(source, readBefore, newParallelism);
      assertExactlyOnce([...before, ...after], expected, `read ${readBefore.join('/')} then p=${newParallelism}`);
    }
  }
});

test('an unbounded generator resumes after the last generated index', async () => {
  const source = new DataGeneratorSource((i) => i, Number.POSITIVE_INFINITY);
  const reader = createReader(source, 1, 2);
  await reader.start();
  const before = await drain(reader, 1000);
  const splits = snapshot(reader);
  await reader.close();
  const restored = createReader(source, 0, 1, testServices(), splits);
  await restored.start();
  const after = await drain(restored, 10);
  await restored.close();
  assert.equal(after[0], (before.at(-1) ?? -2) + 1);
  assert.equal(source.boundedness, 'CONTINUOUS_UNBOUNDED');
});

test('a restored generator still respects the rate limit, shared by the new subtasks', async () => {
  // 400/s over 2 restored subtasks: 60 records at 200/s take at least ~250 ms.
  const source = new DataGeneratorSource((i) => i, 1000, RateLimiterStrategy.perSecond(400));
  const started = performance.now();
  const values = await readRestored(source, [{ from: 100, to: 159 }], 1, 2);
  const elapsed = performance.now() - started;
  assert.deepEqual(values, Array.from({ length: 60 }, (_, i) => 100 + i));
  assert.ok(elapsed >= 250, `took only ${elapsed.toFixed(1)} ms`);
});

test('a rate-limited generator snapshots only what it emitted while waiting for tokens', async () => {
  const source = new DataGeneratorSource((i) => i, 10, RateLimiterStrategy.perSecond(0.5));
  const reader = createReader(source);
  await reader.start();
  assert.deepEqual(await drain(reader, 1), [0]);
  assert.equal(reader.pollNext({ collect: () => assert.fail('no token yet') }), 'NOTHING_AVAILABLE');
  assert.deepEqual(snapshot(reader), [{ from: 1, to: 9 }]);
  await reader.close();
});

test('empty restored splits end the generator at once, even with a rate limit', async () => {
  const source = new DataGeneratorSource((i) => i, 10, RateLimiterStrategy.perSecond(0.5));
  const reader = createReader(source, 0, 1, testServices(), []);
  await reader.start();
  assert.equal(reader.pollNext({ collect: () => assert.fail('nothing to emit') }), 'END_OF_INPUT');
  await reader.close();
});

test('malformed restored generator splits are rejected', () => {
  const source = new DataGeneratorSource((i) => i, 10);
  assert.throws(
    () => createReader(source, 0, 1, testServices(), [{ index: 1 }]),
    /DataGeneratorSource cannot restore split/,
  );
});

test('an unbounded generator restored with no splits idles until closed', async () => {
  const source = new DataGeneratorSource((i) => i, Number.POSITIVE_INFINITY);
  const reader = createReader(source, 2, 3, testServices(), []);
  await reader.start();
  assert.equal(reader.pollNext({ collect: () => assert.fail('nothing to emit') }), 'NOTHING_AVAILABLE');
  let woken = false;
  const available = reader.isAvailable().then(() => {
    woken = true;
  });
  // A full turn of the event loop: an idle reader must not report data.
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(woken, false);
  assert.deepEqual(snapshot(reader), []);
  await reader.close();
  await available;
  assert.equal(woken, true);
});

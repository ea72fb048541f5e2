import { test } from 'node:test';
import assert from 'node:assert/strict';

import { isFlinkTsError } from '../../../src/core/errors.js';
import {
  consumedPartitionsOf,
  consumersOf,
  maxConsumedPartitions,
  type DistributionPattern,
} from '../../../src/core/pointwise-wiring.js';

function allConsumed(s: number, t: number, pattern: DistributionPattern = 'POINTWISE'): number[][] {
  return Array.from({ length: t }, (_, j) => consumedPartitionsOf(j, s, t, pattern));
}

function allConsumers(s: number, t: number, pattern: DistributionPattern = 'POINTWISE'): number[][] {
  return Array.from({ length: s }, (_, i) => consumersOf(i, s, t, pattern));
}

test('POINTWISE S == T: partition i → consumer i', () => {
  assert.deepEqual(allConsumed(3, 3), [[0], [1], [2]]);
  assert.deepEqual(allConsumers(3, 3), [[0], [1], [2]]);
  assert.deepEqual(allConsumed(1, 1), [[0]]);
});

test('POINTWISE S > T: consumers read contiguous producer blocks', () => {
  assert.deepEqual(allConsumed(4, 2), [[0, 1], [2, 3]]);
  assert.deepEqual(allConsumers(4, 2), [[0], [0], [1], [1]]);
  // [0*5/2, 1*5/2) = [0, 2), [2, 5)
  assert.deepEqual(allConsumed(5, 2), [[0, 1], [2, 3, 4]]);
  assert.deepEqual(allConsumers(5, 2), [[0], [0], [1], [1], [1]]);
  assert.deepEqual(allConsumed(7, 3), [[0, 1], [2, 3], [4, 5, 6]]);
  assert.deepEqual(allConsumed(3, 1), [[0, 1, 2]]);
});

test('POINTWISE S < T: producers feed contiguous consumer blocks', () => {
  assert.deepEqual(allConsumers(2, 4), [[0, 1], [2, 3]]);
  assert.deepEqual(allConsumed(2, 4), [[0], [0], [1], [1]]);
  // [ceil(0*5/2), ceil(5/2)) = [0, 3), [3, 5)
  assert.deepEqual(allConsumers(2, 5), [[0, 1, 2], [3, 4]]);
  assert.deepEqual(allConsumed(2, 5), [[0], [0], [0], [1], [1]]);
  assert.deepEqual(allConsumers(3, 7), [[0, 1, 2], [3, 4], [5, 6]]);
  assert.deepEqual(allConsumers(1, 3), [[0, 1, 2]]);
});

test('ALL_TO_ALL: every consumer reads every partition', () => {
  assert.deepEqual(allConsumed(3, 2, 'ALL_TO_ALL'), [[0, 1, 2], [0, 1, 2]]);
  assert.deepEqual(allConsumers(3, 2, 'ALL_TO_ALL'), [[0, 1], [0, 1], [0, 1]]);
  assert.deepEqual(allConsumed(2, 2, 'ALL_TO_ALL'), [[0, 1], [0, 1]]);
});

test('consumersOf and consumedPartitionsOf are inverse relations and match the reference formulas', () => {
  for (const pattern of ['POINTWISE', 'ALL_TO_ALL'] as const) {
    for (let s = 1; s <= 24; s++) {
      for (let t = 1; t <= 24; t++) {
        const label = `${pattern} S=${s} T=${t}`;
        // Edge set built straight from the reference formulas.
        const expected = new Set<string>();
        for (let i = 0; i < s; i++) {
          for (let j = 0; j < t; j++) {
            let connected: boolean;
            if (pattern === 'ALL_TO_ALL') connected = true;
            else if (s === t) connected = i === j;
            else if (s > t) connected = Math.floor((j * s) / t) <= i && i < Math.floor(((j + 1) * s) / t);
            else connected = Math.floor((i * t + s - 1) / s) <= j && j < Math.floor(((i + 1) * t + s - 1) / s);
            if (connected) expected.add(`${i}->${j}`);
          }
        }
        const fromConsumers = new Set<string>();
        for (let j = 0; j < t; j++) {
          const producers = consumedPartitionsOf(j, s, t, pattern);
          assert.ok(producers.length >= 1, `${label}: consumer ${j} reads nothing`);
          assert.ok(producers.length <= maxConsumedPartitions(s, t, pattern), label);
          assert.deepEqual(producers, [...producers].sort((a, b) => a - b), label);
          for (const i of producers) fromConsumers.add(`${i}->${j}`);
        }
        const fromProducers = new Set<string>();
        for (let i = 0; i < s; i++) {
          const consumers = consumersOf(i, s, t, pattern);
          assert.ok(consumers.length >= 1, `${label}: producer ${i} feeds nothing`);
          for (const j of consumers) fromProducers.add(`${i}->${j}`);
        }
        assert.deepEqual(fromConsumers, expected, label);
        assert.deepEqual(fromProducers, expected, label);
        if (pattern === 'POINTWISE') {
          // Each POINTWISE edge end is unique on the side that has fewer subtasks' counterpart:
          // a producer has exactly one consumer when S >= T, a consumer exactly one producer when S <= T.
          if (s >= t) for (let i = 0; i < s; i++) assert.equal(consumersOf(i, s, t, pattern).length, 1, label);
          if (s <= t) for (let j = 0; j < t; j++) assert.equal(consumedPartitionsOf(j, s, t, pattern).length, 1, label);
        }
      }
    }
  }
});

test('maxConsumedPartitions', () => {
  assert.equal(maxConsumedPartitions(5, 2, 'POINTWISE'), 3);
  assert.equal(maxConsumedPartitions(4, 2, 'POINTWISE'), 2);
  assert.equal(maxConsumedPartitions(2, 5, 'POINTWISE'), 1);
  assert.equal(maxConsumedPartitions(5, 2, 'ALL_TO_ALL'), 5);
});

test('argument validation', () => {
  const invalid = (e: unknown): boolean => isFlinkTsError(e) && e.code === 'ERR_INVALID_ARGUMENT';
  assert.throws(() => consumedPartitionsOf(2, 4, 2, 'POINTWISE'), /Consumer index 2 is out of range \[0, 1\]/);
  assert.throws(() => consumedPartitionsOf(-1, 4, 2, 'POINTWISE'), invalid);
  assert.throws(() => consumersOf(4, 4, 2, 'POINTWISE'), /Producer index 4 is out of range/);
  assert.throws(() => consumersOf(0, 0, 2, 'POINTWISE'), /Producer parallelism must be a positive integer/);
  assert.throws(() => consumersOf(0, 2, 1.5, 'ALL_TO_ALL'), /Consumer parallelism must be a positive integer/);
  assert.throws(() => consumersOf(0, 2, 2, 'FORWARD' as DistributionPattern), /Unknown distribution pattern/);
  assert.throws(() => maxConsumedPartitions(0, 2, 'POINTWISE'), invalid);
});

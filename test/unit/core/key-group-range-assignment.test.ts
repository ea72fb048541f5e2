import { test } from 'node:test';
import assert from 'node:assert/strict';

import { isFlinkTsError } from '../../../src/core/errors.js';
import { javaHashCode, murmurHash } from '../../../src/core/hashing.js';
import { KeyGroupRange } from '../../../src/core/key-group-range.js';
import {
  DEFAULT_LOWER_BOUND_MAX_PARALLELISM,
  UPPER_BOUND_MAX_PARALLELISM,
  assignKeyToParallelOperator,
  assignToKeyGroup,
  checkMaxParallelismPreconditions,
  checkParallelismPreconditions,
  computeDefaultMaxParallelism,
  computeKeyGroupForKeyHash,
  computeKeyGroupRangeForOperatorIndex,
  computeOperatorIndexForKeyGroup,
} from '../../../src/core/key-group-range-assignment.js';

function isInvalidArgument(e: unknown): boolean {
  return isFlinkTsError(e) && e.code === 'ERR_INVALID_ARGUMENT';
}

test('constants', () => {
  assert.equal(DEFAULT_LOWER_BOUND_MAX_PARALLELISM, 128);
  assert.equal(UPPER_BOUND_MAX_PARALLELISM, 32768);
});

test('reference test vectors (maxParallelism 128)', () => {
  // key, hashCode, murmur, keyGroup, operator index for p = 2, 3, 4
  const vectors: [number | string, number, number, number, number, number, number][] = [
    [0, 0, 593689054, 94, 1, 2, 2],
    [1, 1, 68075478, 86, 1, 2, 2],
    [2, 2, 1085422463, 127, 1, 2, 3],
    [4, 4, 1889779975, 7, 0, 0, 0],
    [9, 9, 101886131, 51, 0, 1, 1],
    [-1, -1, 1982413648, 80, 1, 1, 2],
    [42, 42, 1134849565, 29, 0, 0, 0],
    ['hello', 99162322, 1715862179, 35, 0, 0, 1],
    ['flink', 97520992, 1330823394, 98, 1, 2, 3],
  ];
  for (const [key, hashCode, murmur, keyGroup, p2, p3, p4] of vectors) {
    const label = `key ${JSON.stringify(key)}`;
    assert.equal(javaHashCode(key), hashCode, label);
    assert.equal(murmurHash(hashCode), murmur, label);
    assert.equal(assignToKeyGroup(key, 128), keyGroup, label);
    assert.equal(computeKeyGroupForKeyHash(hashCode, 128), keyGroup, label);
    assert.equal(assignKeyToParallelOperator(key, 128, 2), p2, `${label} p=2`);
    assert.equal(assignKeyToParallelOperator(key, 128, 3), p3, `${label} p=3`);
    assert.equal(assignKeyToParallelOperator(key, 128, 4), p4, `${label} p=4`);
    assert.equal(computeOperatorIndexForKeyGroup(128, 4, keyGroup), p4, `${label} p=4`);
  }
});

test('key group ranges for maxParallelism 128', () => {
  const ranges = (p: number): [number, number][] =>
    Array.from({ length: p }, (_, i) => {
      const r = computeKeyGroupRangeForOperatorIndex(128, p, i);
      return [r.startKeyGroup, r.endKeyGroup];
    });
  assert.deepEqual(ranges(4), [[0, 31], [32, 63], [64, 95], [96, 127]]);
  assert.deepEqual(ranges(3), [[0, 42], [43, 85], [86, 127]]);
  assert.deepEqual(ranges(1), [[0, 127]]);
  assert.deepEqual(ranges(128).slice(0, 2), [[0, 0], [1, 1]]);
  assert.ok(computeKeyGroupRangeForOperatorIndex(128, 4, 0) instanceof KeyGroupRange);
});

test('default max parallelism', () => {
  for (let p = 1; p <= 85; p++) assert.equal(computeDefaultMaxParallelism(p), 128, `p=${p}`);
  for (let p = 86; p <= 170; p++) assert.equal(computeDefaultMaxParallelism(p), 256, `p=${p}`);
  // p + p/2 = 256 is already a power of two, so 171 still gets 256; 172 (258) is the first to get 512.
  assert.equal(computeDefaultMaxParallelism(171), 256);
  assert.equal(computeDefaultMaxParallelism(172), 512);
  assert.equal(computeDefaultMaxParallelism(1000), 2048);
  assert.equal(computeDefaultMaxParallelism(21845), 32768);
  assert.equal(computeDefaultMaxParallelism(21846), 32768); // 32769 rounds to 65536, capped
  assert.equal(computeDefaultMaxParallelism(UPPER_BOUND_MAX_PARALLELISM), 32768);
  for (const p of [0, -1, 1.5, 32769, NaN]) {
    assert.throws(() => computeDefaultMaxParallelism(p), isInvalidArgument, `p=${p}`);
  }
});

test('parallelism preconditions', () => {
  checkParallelismPreconditions(1);
  checkParallelismPreconditions(32768);
  checkMaxParallelismPreconditions(1);
  checkMaxParallelismPreconditions(32768);
  for (const p of [0, -3, 2.5, 32769, Infinity, NaN]) {
    assert.throws(() => {
      checkParallelismPreconditions(p);
    }, /Operator parallelism not within bounds/);
    assert.throws(() => {
      checkMaxParallelismPreconditions(p);
    }, /Max parallelism not within bounds/);
  }
});

test('argument validation', () => {
  assert.throws(() => assignToKeyGroup('k', 0), /Max parallelism not within bounds: 0/);
  assert.throws(() => assignToKeyGroup('k', 32769), isInvalidArgument);
  assert.throws(() => assignToKeyGroup(null, 128), /must not be null/);
  assert.throws(() => assignToKeyGroup(undefined, 128), /must not be null/);
  assert.throws(() => assignToKeyGroup(Symbol('k'), 128), TypeError);
  assert.throws(() => computeKeyGroupForKeyHash(1, 1.5), isInvalidArgument);
  assert.throws(() => computeOperatorIndexForKeyGroup(128, 129, 0), /must not be greater than max parallelism/);
  assert.throws(() => computeOperatorIndexForKeyGroup(128, 0, 0), /Operator parallelism not within bounds/);
  assert.throws(() => computeOperatorIndexForKeyGroup(128, 4, 128), /Key group 128 is out of range/);
  assert.throws(() => computeOperatorIndexForKeyGroup(128, 4, -1), isInvalidArgument);
  assert.throws(() => assignKeyToParallelOperator('k', 4, 8), isInvalidArgument);
  assert.throws(() => computeKeyGroupRangeForOperatorIndex(128, 4, 4), /Operator index 4 is out of range/);
  assert.throws(() => computeKeyGroupRangeForOperatorIndex(2, 3, 0), isInvalidArgument);
  assert.throws(() => computeKeyGroupRangeForOperatorIndex(40000, 3, 0), isInvalidArgument);
});

test('every key group belongs to exactly one operator range, agreeing with computeOperatorIndexForKeyGroup', () => {
  const maxPs = [1, 2, 3, 7, 10, 100, 127, 128, 129, 255, 256, 1000, 4096, 32768];
  const ps = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13, 16, 31, 64, 85, 100, 127, 128, 129, 1000, 4095, 32768];
  let checkedPairs = 0;
  for (const maxP of maxPs) {
    for (const p of ps) {
      if (p > maxP) continue;
      checkedPairs++;
      let expectedStart = 0;
      for (let i = 0; i < p; i++) {
        const range = computeKeyGroupRangeForOperatorIndex(maxP, p, i);
        // Ranges are contiguous, in order, non-empty and sized within one of each other.
        assert.equal(range.startKeyGroup, expectedStart, `maxP=${maxP} p=${p} i=${i}`);
        assert.ok(range.numberOfKeyGroups >= 1);
        const size = range.numberOfKeyGroups;
        assert.ok(size === Math.floor(maxP / p) || size === Math.ceil(maxP / p), `size ${size}`);
        expectedStart = range.endKeyGroup + 1;
        // Sample the edges and a middle point of the range (full scans below for small maxP).
        for (const kg of [range.startKeyGroup, range.endKeyGroup, (range.startKeyGroup + range.endKeyGroup) >> 1]) {
          assert.equal(computeOperatorIndexForKeyGroup(maxP, p, kg), i, `maxP=${maxP} p=${p} kg=${kg}`);
        }
      }
      assert.equal(expectedStart, maxP, `ranges of maxP=${maxP} p=${p} cover all key groups`);
      if (maxP <= 4096) {
        for (let kg = 0; kg < maxP; kg++) {
          const owner = computeOperatorIndexForKeyGroup(maxP, p, kg);
          assert.ok(computeKeyGroupRangeForOperatorIndex(maxP, p, owner).contains(kg));
        }
      }
    }
  }
  assert.ok(checkedPairs > 150);
});

test('keys spread over all operators and stay within their key group range', () => {
  const maxP = 128;
  const p = 4;
  const counts = new Array<number>(p).fill(0);
  for (let k = 0; k < 10000; k++) {
    for (const key of [k, `user-${k}`]) {
      const kg = assignToKeyGroup(key, maxP);
      const idx = assignKeyToParallelOperator(key, maxP, p);
      assert.ok(computeKeyGroupRangeForOperatorIndex(maxP, p, idx).contains(kg));
      counts[idx] = (counts[idx] ?? 0) + 1;
    }
  }
  for (const c of counts) assert.ok(c > 20000 / p / 2, `uneven spread ${counts.join(',')}`);
});

test('KeyGroupRange', () => {
  const r = new KeyGroupRange(32, 63);
  assert.equal(r.numberOfKeyGroups, 32);
  assert.equal(r.isEmpty, false);
  assert.equal(r.contains(32), true);
  assert.equal(r.contains(63), true);
  assert.equal(r.contains(31), false);
  assert.equal(r.contains(64), false);
  assert.deepEqual([...new KeyGroupRange(3, 6)], [3, 4, 5, 6]);
  assert.deepEqual([...KeyGroupRange.EMPTY], []);
  assert.equal(KeyGroupRange.EMPTY.numberOfKeyGroups, 0);
  assert.equal(new KeyGroupRange(5, 4).isEmpty, true);
  assert.equal(new KeyGroupRange(5, 4).equals(KeyGroupRange.EMPTY), true);
  assert.equal(r.equals(new KeyGroupRange(32, 63)), true);
  assert.equal(r.equals(new KeyGroupRange(32, 62)), false);
  assert.equal(r.toString(), 'KeyGroupRange{startKeyGroup=32, endKeyGroup=63}');

  // Rescaling 3 → 4 subtasks: new subtask 1 ([32,63]) reads [32,42] from old 0 and [43,63] from old 1.
  const old0 = computeKeyGroupRangeForOperatorIndex(128, 3, 0);
  const old1 = computeKeyGroupRangeForOperatorIndex(128, 3, 1);
  const old2 = computeKeyGroupRangeForOperatorIndex(128, 3, 2);
  assert.equal(r.intersection(old0).toString(), new KeyGroupRange(32, 42).toString());
  assert.equal(r.intersection(old1).toString(), new KeyGroupRange(43, 63).toString());
  assert.equal(r.intersection(old2).isEmpty, true);

  assert.throws(() => new KeyGroupRange(-1, 3), isInvalidArgument);
  assert.throws(() => new KeyGroupRange(5, 3), isInvalidArgument);
  assert.throws(() => new KeyGroupRange(0.5, 3), isInvalidArgument);
});

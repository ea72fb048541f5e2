import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  javaHashCode,
  javaStringHashCode,
  murmurHash,
  roundUpToPowerOfTwo,
} from '../../../src/core/hashing.js';

/** Java's Long.hashCode computed the obvious way with BigInt, as an independent reference. */
function referenceLongHash(v: bigint): number {
  const u = BigInt.asUintN(64, v);
  return Number(BigInt.asIntN(32, u ^ (u >> 32n)));
}

/** Small deterministic PRNG (mulberry32) so failures are reproducible. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('javaStringHashCode matches Java String.hashCode', () => {
  assert.equal(javaStringHashCode(''), 0);
  assert.equal(javaStringHashCode('a'), 97);
  assert.equal(javaStringHashCode('hello'), 99162322);
  assert.equal(javaStringHashCode('flink'), 97520992);
  // Java's classic collision pair.
  assert.equal(javaStringHashCode('Aa'), 2112);
  assert.equal(javaStringHashCode('BB'), 2112);
  // Surrogate pairs count as two UTF-16 code units: 0xD83D * 31 + 0xDE00.
  assert.equal(javaStringHashCode('😀'), 1772899);
  // Long strings wrap at 32 bits and stay int32.
  const h = javaStringHashCode('x'.repeat(1000));
  assert.equal(h, h | 0);
});

test('javaHashCode: int32 numbers hash to themselves (Integer.hashCode)', () => {
  for (const v of [0, 1, 2, 4, 9, 42, -1, 2147483647, -2147483648]) {
    assert.equal(javaHashCode(v), v);
  }
  // -0 is the integer 0 in JS and must hash like it.
  assert.equal(Object.is(javaHashCode(-0), 0), true);
});

test('javaHashCode: integers beyond int32 hash like Java Long', () => {
  assert.equal(javaHashCode(2 ** 32), 1);
  assert.equal(javaHashCode(2147483648), -2147483648);
  assert.equal(javaHashCode(-2147483649), -2147483648); // 0xFFFFFFFF7FFFFFFF → 0x7FFFFFFF ^ 0xFFFFFFFF
  assert.equal(javaHashCode(Number.MAX_SAFE_INTEGER), -2097152);
  assert.equal(javaHashCode(Number.MIN_SAFE_INTEGER), -2097151);
  const rnd = prng(42);
  for (let n = 0; n < 5000; n++) {
    const magnitude = Math.floor(rnd() * Number.MAX_SAFE_INTEGER);
    const v = rnd() < 0.5 ? -magnitude : magnitude;
    assert.equal(javaHashCode(v), referenceLongHash(BigInt(v)), `value ${v}`);
  }
});

test('javaHashCode: bigint hashes as a 64-bit long', () => {
  assert.equal(javaHashCode(0n), 0);
  assert.equal(javaHashCode(5n), 5);
  assert.equal(javaHashCode(-1n), 0); // Long.hashCode(-1L)
  assert.equal(javaHashCode(2n ** 32n), 1);
  assert.equal(javaHashCode(9223372036854775807n), -2147483648); // Long.MAX_VALUE
  assert.equal(javaHashCode(-9223372036854775808n), -2147483648); // Long.MIN_VALUE
  // Outside int32, or non-negative, a number and a bigint of the same value hash alike.
  for (const v of [0, 7, 2 ** 40 + 3, -(2 ** 40) - 3, 2 ** 31, -(2 ** 31) - 1]) {
    assert.equal(javaHashCode(BigInt(v)), javaHashCode(v), `value ${v}`);
  }
  // As in Java, a negative int and the same negative long differ: Integer(-7) → -7, Long(-7) → 6.
  assert.equal(javaHashCode(-7), -7);
  assert.equal(javaHashCode(-7n), 6);
  // Wider values wrap to 64 bits.
  assert.equal(javaHashCode(2n ** 64n + 5n), 5);
});

test('javaHashCode: non-integer numbers hash like Java Double', () => {
  assert.equal(javaHashCode(1.5), 1073217536); // 0x3FF8000000000000
  assert.equal(javaHashCode(0.5), 1071644672); // 0x3FE0000000000000
  assert.equal(javaHashCode(-1.5), -1074266112); // 0xBFF8000000000000
  assert.equal(javaHashCode(Infinity), 2146435072); // 0x7FF0000000000000
  assert.equal(javaHashCode(-Infinity), -1048576); // 0xFFF0000000000000
  assert.equal(javaHashCode(NaN), 2146959360); // canonical 0x7FF8000000000000
  assert.equal(javaHashCode(-NaN), 2146959360);
  // Integers beyond 2^53 are not exact longs; they hash as doubles (2^60 = 0x43B0000000000000).
  assert.equal(javaHashCode(2 ** 60), 0x43b00000);
});

test('javaHashCode: booleans, null and undefined', () => {
  assert.equal(javaHashCode(true), 1231);
  assert.equal(javaHashCode(false), 1237);
  assert.equal(javaHashCode(null), 0);
  assert.equal(javaHashCode(undefined), 0);
});

test('javaHashCode: arrays follow Flink Tuple.hashCode (31*h + field, from 0)', () => {
  assert.equal(javaHashCode([]), 0);
  assert.equal(javaHashCode([7]), 7);
  assert.equal(javaHashCode([1, 2]), 33); // Tuple2.of(1, 2)
  assert.equal(javaHashCode(['a', 'b']), 31 * 97 + 98);
  assert.equal(javaHashCode([1, 2, 3]), (31 * (31 * 1 + 2) + 3) | 0);
  assert.equal(javaHashCode([null, 'hello']), 99162322);
  assert.equal(javaHashCode([['hello'], 1]), (31 * 99162322 + 1) | 0);
  // Order matters for tuples.
  assert.notEqual(javaHashCode([1, 2]), javaHashCode([2, 1]));
});

test('javaHashCode: plain objects are independent of property order', () => {
  assert.equal(javaHashCode({}), 0);
  assert.equal(javaHashCode({ a: 1 }), 97 ^ 1);
  const expected = (Math.imul(31, 97 ^ 1) + (98 ^ 99162322)) | 0;
  assert.equal(javaHashCode({ a: 1, b: 'hello' }), expected);
  assert.equal(javaHashCode({ b: 'hello', a: 1 }), expected);
  assert.notEqual(javaHashCode({ a: 1 }), javaHashCode({ b: 1 }));
  assert.equal(javaHashCode(Object.assign(Object.create(null) as object, { a: 1 })), 97 ^ 1);
  assert.equal(javaHashCode({ user: { id: 3 }, tags: [1, 2] }), javaHashCode({ tags: [1, 2], user: { id: 3 } }));
});

test('javaHashCode: Dates hash as Long of their epoch millis', () => {
  assert.equal(javaHashCode(new Date(0)), 0);
  assert.equal(javaHashCode(new Date(2 ** 32)), 1);
  const t = 1_700_000_000_123;
  assert.equal(javaHashCode(new Date(t)), referenceLongHash(BigInt(t)));
  assert.equal(javaHashCode(new Date(-t)), referenceLongHash(BigInt(-t)));
});

test('javaHashCode rejects values without a deterministic structure', () => {
  const bad: unknown[] = [
    () => 1,
    Symbol('k'),
    new Map([[1, 2]]),
    new Set([1]),
    new (class Point {
      x = 1;
    })(),
    new Uint8Array(2),
    [1, () => 2],
    { nested: Symbol('x') },
  ];
  for (const value of bad) {
    assert.throws(() => javaHashCode(value), (e: unknown) => {
      assert.ok(e instanceof TypeError);
      assert.match(e.message, /keys must be primitives/);
      return true;
    });
  }
  assert.throws(() => javaHashCode(new Map()), /object \(Map\)/);
  assert.throws(() => javaHashCode(Symbol('s')), /type symbol/);
});

test('javaHashCode reports cyclic keys instead of overflowing the stack', () => {
  const cyclic: unknown[] = [1];
  cyclic.push(cyclic);
  assert.throws(() => javaHashCode(cyclic), /cyclic/);
});

test('murmurHash matches Flink MathUtils.murmurHash test vectors', () => {
  const vectors: [number, number][] = [
    [0, 593689054],
    [1, 68075478],
    [2, 1085422463],
    [4, 1889779975],
    [9, 101886131],
    [-1, 1982413648],
    [42, 1134849565],
    [99162322, 1715862179],
    [97520992, 1330823394],
  ];
  for (const [code, expected] of vectors) assert.equal(murmurHash(code), expected, `murmurHash(${code})`);
});

test('murmurHash is never negative and always an int', () => {
  const rnd = prng(7);
  for (let n = 0; n < 20000; n++) {
    const code = (rnd() * 4294967296) | 0;
    const m = murmurHash(code);
    assert.ok(m >= 0 && m <= 2147483647 && Number.isInteger(m), `murmurHash(${code}) = ${m}`);
  }
  for (const code of [2147483647, -2147483648]) assert.ok(murmurHash(code) >= 0);
});

test('roundUpToPowerOfTwo', () => {
  const cases: [number, number][] = [
    [1, 1], [2, 2], [3, 4], [4, 4], [5, 8], [127, 128], [128, 128], [129, 256],
    [1500, 2048], [49152, 65536], [2 ** 30, 2 ** 30],
  ];
  for (const [x, expected] of cases) assert.equal(roundUpToPowerOfTwo(x), expected, `x=${x}`);
  for (const x of [0, -1, 1.5, 2 ** 30 + 1, NaN]) assert.throws(() => roundUpToPowerOfTwo(x), RangeError);
});

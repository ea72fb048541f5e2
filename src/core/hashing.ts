/**
 * Deterministic 32-bit hashing for record keys.
 *
 * Key groups (and therefore which subtask owns a key, and which state section a key lives in after a
 * rescale) are derived from `murmurHash(hashCode(key))`. That value must be identical in every worker,
 * every process and every future run that restores a checkpoint, so it can never depend on object
 * identity or insertion order. Where Java has an equivalent value type we reproduce Java's
 * `hashCode`, so that the key-group test vectors published for Flink hold for flink-ts too.
 *
 * Everything here runs once per keyed record: the number/string/boolean paths allocate nothing.
 */

const INT_MIN = -2147483648;
const TWO_POW_32 = 4294967296;

/** Java's `Boolean.hashCode`: the constants Java chose for true and false. */
const BOOLEAN_TRUE_HASH = 1231;
const BOOLEAN_FALSE_HASH = 1237;

/** High word of Java's canonical NaN (`doubleToLongBits(NaN) == 0x7ff8000000000000L`); low word is 0. */
const CANONICAL_NAN_HASH = 0x7ff80000;

/**
 * Nested arrays/objects are hashed recursively; a cyclic structure would otherwise end in an
 * uninformative stack overflow. Real keys are nowhere near this deep.
 */
const MAX_KEY_DEPTH = 64;

// One shared scratch buffer to read a double's bit pattern without allocating per call. The two
// 32-bit words are XOR-ed, which is symmetric, so the platform's endianness does not matter.
const doubleScratch = new Float64Array(1);
const doubleWords = new Int32Array(doubleScratch.buffer);

/** Java's `String.hashCode`: `s[0]*31^(n-1) + … + s[n-1]` over UTF-16 code units, wrapping at 32 bits. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) {
    h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  }
  return h;
}

/**
 * Java's `Long.hashCode` — `(int)(v ^ (v >>> 32))`, i.e. low word XOR high word — for a safe integer.
 * Computed with exact double arithmetic instead of BigInt so the per-record path does not allocate:
 * for |v| < 2^53 the floor-division by 2^32 and the multiply-back are exact, and flooring (rather than
 * truncating) yields the two's-complement high word for negative values.
 */
function safeIntegerLongHash(v: number): number {
  const high = Math.floor(v / TWO_POW_32);
  const low = v - high * TWO_POW_32; // in [0, 2^32)
  return (low | 0) ^ (high | 0);
}

/** Java's `Long.hashCode` for a bigint, taken as a 64-bit two's-complement value (wrapping if wider). */
function bigintLongHash(v: bigint): number {
  const asLong = BigInt.asIntN(64, v);
  const low = Number(BigInt.asIntN(32, asLong));
  const high = Number(BigInt.asIntN(32, asLong >> 32n));
  return low ^ high;
}

/** Java's `Double.hashCode`: XOR of the two words of `doubleToLongBits(v)` (NaN canonicalised). */
function doubleHash(v: number): number {
  if (v !== v) return CANONICAL_NAN_HASH;
  doubleScratch[0] = v;
  // The Int32Array over an 8-byte buffer always has indices 0 and 1.
  return (doubleWords[0] as number) ^ (doubleWords[1] as number);
}

function numberHash(v: number): number {
  // `v | 0` also folds -0 into 0: in JS -0 is an integer key equal to 0, so it must hash like 0.
  if ((v | 0) === v) return v | 0;
  if (Number.isSafeInteger(v)) return safeIntegerLongHash(v);
  // Fractions, ±Infinity, NaN and integers beyond 2^53 (which cannot be a Java long exactly) are doubles.
  return doubleHash(v);
}

function describeType(value: unknown): string {
  if (typeof value !== 'object' || value === null) return typeof value;
  const ctor = (value as { constructor?: unknown }).constructor;
  return typeof ctor === 'function' && ctor.name !== '' ? `object (${ctor.name})` : 'object';
}

function unhashable(value: unknown): TypeError {
  return new TypeError(
    `Cannot use a value of type ${describeType(value)} as a key: keys must be primitives ` +
      '(number, bigint, string, boolean, null/undefined), Dates, arrays (tuples) or plain objects, ' +
      'so that their hash is deterministic across workers and restarts.',
  );
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function hashValue(key: unknown, depth: number): number {
  switch (typeof key) {
    case 'number':
      return numberHash(key);
    case 'string':
      return javaStringHashCode(key);
    case 'boolean':
      return key ? BOOLEAN_TRUE_HASH : BOOLEAN_FALSE_HASH;
    case 'bigint':
      return bigintLongHash(key);
    case 'undefined':
      return 0;
    case 'object':
      if (key === null) return 0;
      return objectHash(key, depth);
    case 'function':
    case 'symbol':
      throw unhashable(key);
  }
}

function objectHash(key: object, depth: number): number {
  if (depth >= MAX_KEY_DEPTH) {
    throw new TypeError(
      `Key is nested more than ${MAX_KEY_DEPTH} levels deep (is it cyclic?): keys must be finite ` +
        'primitives, arrays (tuples) or plain objects.',
    );
  }
  if (Array.isArray(key)) {
    // Flink's TupleN.hashCode: result = 0, then result = 31*result + hash(field) per field. (Note this
    // starts at 0, unlike java.util.Arrays.hashCode which starts at 1.)
    const fields: readonly unknown[] = key;
    let h = 0;
    for (let i = 0; i < fields.length; i++) {
      h = (Math.imul(31, h) + hashValue(fields[i], depth + 1)) | 0;
    }
    return h;
  }
  if (key instanceof Date) {
    // A Date is its epoch millis, a Java long. An invalid Date (NaN) hashes like (long) NaN == 0.
    const t = key.getTime();
    return t === t ? safeIntegerLongHash(t) : 0;
  }
  if (isPlainObject(key)) {
    // Property order depends on how the object was built; sorting the names makes {a,b} and {b,a}
    // hash alike. Mixing the name into each entry keeps {a:1} and {b:1} apart.
    const record = key as Record<string, unknown>;
    const names = Object.keys(record).sort();
    let h = 0;
    for (const name of names) {
      h = (Math.imul(31, h) + (javaStringHashCode(name) ^ hashValue(record[name], depth + 1))) | 0;
    }
    return h;
  }
  // Map, Set, class instances, typed arrays, …: no structure we can hash deterministically and
  // compatibly with equality, so reject them rather than hash identity-dependent data.
  throw unhashable(key);
}

/**
 * A deterministic 32-bit hash of a record key, equal to Java's `hashCode` where Java has the value type:
 * - int32 numbers → the value (Integer); other safe integers and bigints → Long.hashCode (bigints
 *   taken as 64-bit two's complement); other numbers → Double.hashCode (canonical NaN);
 * - strings → String.hashCode; booleans → 1231 / 1237; null / undefined → 0;
 * - arrays (tuples) → Flink's Tuple rule `31*h + hash(field)` starting at 0;
 * - plain objects → over own enumerable keys sorted by name, `31*h + (hash(name) ^ hash(value))` from 0;
 * - Dates → Long.hashCode of `getTime()`.
 * Throws a TypeError for anything else (functions, symbols, Maps, class instances, …).
 */
export function javaHashCode(key: unknown): number {
  return hashValue(key, 0);
}

/**
 * Flink's `MathUtils.murmurHash(int)`: one Murmur3 mixing round over the 4-byte input plus the
 * finaliser, then made non-negative (so callers can take `% maxParallelism` directly). INT_MIN has
 * no positive counterpart and maps to 0.
 */
export function murmurHash(code: number): number {
  let c = Math.imul(code, 0xcc9e2d51);
  c = (c << 15) | (c >>> 17);
  c = Math.imul(c, 0x1b873593);
  c = (c << 13) | (c >>> 19);
  c = (Math.imul(c, 5) + 0xe6546b64) | 0;
  c ^= 4; // the input length in bytes
  c ^= c >>> 16;
  c = Math.imul(c, 0x85ebca6b);
  c ^= c >>> 13;
  c = Math.imul(c, 0xc2b2ae35);
  c ^= c >>> 16;
  if (c >= 0) return c;
  return c !== INT_MIN ? -c : 0;
}

/**
 * The smallest power of two ≥ x, for an integer x in [1, 2^30] (the range where the answer is still a
 * positive Java int, as in Flink's `MathUtils.roundUpToPowerOfTwo`).
 */
export function roundUpToPowerOfTwo(x: number): number {
  if (!Number.isInteger(x) || x < 1 || x > 0x40000000) {
    throw new RangeError(`roundUpToPowerOfTwo expects an integer in [1, 2^30], got ${String(x)}`);
  }
  return x === 1 ? 1 : 2 ** (32 - Math.clz32(x - 1));
}

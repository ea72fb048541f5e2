/**
 * The keyed-state values of the recovery benchmark, shared by its job (bench/jobs/keyed-state.ts)
 * and its hand-written baseline, so both snapshot the same bytes.
 */

/** 64 KiB of printable ASCII from a fixed PRNG: values are slices of it at key-dependent offsets. */
const POOL_BYTES = 1 << 16;
const pool = Buffer.alloc(POOL_BYTES);
let seed = 0x2545f491;
for (let i = 0; i < POOL_BYTES; i++) {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  pool[i] = 33 + ((seed >>> 0) % 94);
}

/**
 * A `bytes`-long string for `key`, different for neighbouring keys. `toString` makes a fresh flat
 * string every call (not a slice sharing a parent), as a value decoded from a record would be.
 */
export function stateValue(key: number, bytes: number): string {
  const offset = (key * 7919) % (POOL_BYTES - bytes);
  return pool.toString('latin1', offset, offset + bytes);
}

/**
 * How keys map to key groups and key groups map to parallel subtasks, with Flink's names
 * (KeyGroupRangeAssignment). Key groups are the fixed-size sharding of keyed state: their number is
 * the max parallelism, which never changes for a job's state, while the parallelism can; each subtask
 * owns one contiguous range of key groups so rescaling moves whole ranges.
 *
 * `assignToKeyGroup`, `computeKeyGroupForKeyHash`, `computeOperatorIndexForKeyGroup` and
 * `assignKeyToParallelOperator` run per record: their argument checks are plain comparisons and the
 * error paths are kept out of line.
 */
import { FlinkTsError } from './errors.js';
import { javaHashCode, murmurHash, roundUpToPowerOfTwo } from './hashing.js';
import { KeyGroupRange } from './key-group-range.js';

/** The smallest default max parallelism, so small jobs can still scale up later. */
export const DEFAULT_LOWER_BOUND_MAX_PARALLELISM = 128;

/** The largest supported max parallelism (2^15), Flink's bound; also caps the default. */
export const UPPER_BOUND_MAX_PARALLELISM = 32768;

function isIntegerIn(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

function invalid(message: string): FlinkTsError {
  return new FlinkTsError('ERR_INVALID_ARGUMENT', message);
}

/** Throws unless `parallelism` is an integer in [1, UPPER_BOUND_MAX_PARALLELISM]. */
export function checkParallelismPreconditions(parallelism: number): void {
  if (!isIntegerIn(parallelism, 1, UPPER_BOUND_MAX_PARALLELISM)) {
    throw invalid(
      `Operator parallelism not within bounds: ${String(parallelism)} ` +
        `(must be an integer in [1, ${UPPER_BOUND_MAX_PARALLELISM}])`,
    );
  }
}

/** Throws unless `maxParallelism` is an integer in [1, UPPER_BOUND_MAX_PARALLELISM]. */
export function checkMaxParallelismPreconditions(maxParallelism: number): void {
  if (!isIntegerIn(maxParallelism, 1, UPPER_BOUND_MAX_PARALLELISM)) {
    throw invalid(
      `Max parallelism not within bounds: ${String(maxParallelism)} ` +
        `(must be an integer in [1, ${UPPER_BOUND_MAX_PARALLELISM}])`,
    );
  }
}

/** Throws unless both are in bounds and parallelism ≤ maxParallelism (else some subtask would own no key group). */
function checkParallelismAgainstMax(maxParallelism: number, parallelism: number): void {
  checkMaxParallelismPreconditions(maxParallelism);
  checkParallelismPreconditions(parallelism);
  if (parallelism > maxParallelism) {
    throw invalid(
      `Parallelism ${parallelism} must not be greater than max parallelism ${maxParallelism}`,
    );
  }
}

/** The key group of a key: `murmurHash(javaHashCode(key)) % maxParallelism`. Null/undefined keys are rejected, as in Flink. */
export function assignToKeyGroup(key: unknown, maxParallelism: number): number {
  if (key === null || key === undefined) {
    throw invalid('Assigned key must not be null or undefined');
  }
  return computeKeyGroupForKeyHash(javaHashCode(key), maxParallelism);
}

/** The key group for an already computed key hash. */
export function computeKeyGroupForKeyHash(keyHash: number, maxParallelism: number): number {
  if (!isIntegerIn(maxParallelism, 1, UPPER_BOUND_MAX_PARALLELISM)) {
    checkMaxParallelismPreconditions(maxParallelism);
  }
  // murmurHash is never negative, so `%` is a true modulo here.
  return murmurHash(keyHash) % maxParallelism;
}

/**
 * The subtask that owns `keyGroupId`: `keyGroupId * parallelism / maxParallelism` (integer division).
 * The product stays below 2^31 within the bounds, so the arithmetic is exact.
 */
export function computeOperatorIndexForKeyGroup(
  maxParallelism: number,
  parallelism: number,
  keyGroupId: number,
): number {
  if (
    !isIntegerIn(maxParallelism, 1, UPPER_BOUND_MAX_PARALLELISM) ||
    !isIntegerIn(parallelism, 1, maxParallelism)
  ) {
    checkParallelismAgainstMax(maxParallelism, parallelism);
  }
  if (!isIntegerIn(keyGroupId, 0, maxParallelism - 1)) {
    throw invalid(
      `Key group ${String(keyGroupId)} is out of range [0, ${maxParallelism - 1}] for max parallelism ${maxParallelism}`,
    );
  }
  return Math.floor((keyGroupId * parallelism) / maxParallelism);
}

/** The subtask (of `parallelism`) that processes `key` — what keyBy's partitioner selects. */
export function assignKeyToParallelOperator(
  key: unknown,
  maxParallelism: number,
  parallelism: number,
): number {
  return computeOperatorIndexForKeyGroup(
    maxParallelism,
    parallelism,
    assignToKeyGroup(key, maxParallelism),
  );
}

/**
 * The inclusive key-group range owned by subtask `operatorIndex`:
 * start = ceil(i*maxP / p), end = ceil((i+1)*maxP / p) - 1. This is exactly the set of key groups for
 * which `computeOperatorIndexForKeyGroup` yields `operatorIndex`.
 */
export function computeKeyGroupRangeForOperatorIndex(
  maxParallelism: number,
  parallelism: number,
  operatorIndex: number,
): KeyGroupRange {
  checkParallelismAgainstMax(maxParallelism, parallelism);
  if (!isIntegerIn(operatorIndex, 0, parallelism - 1)) {
    throw invalid(
      `Operator index ${String(operatorIndex)} is out of range [0, ${parallelism - 1}] for parallelism ${parallelism}`,
    );
  }
  const start = Math.floor((operatorIndex * maxParallelism + parallelism - 1) / parallelism);
  const end = Math.floor(((operatorIndex + 1) * maxParallelism - 1) / parallelism);
  return new KeyGroupRange(start, end);
}

/**
 * The max parallelism used when none is configured (`pipeline.max-parallelism` = -1): about 1.5×
 * the parallelism rounded up to a power of two, leaving headroom to scale up, clamped to
 * [DEFAULT_LOWER_BOUND_MAX_PARALLELISM, UPPER_BOUND_MAX_PARALLELISM].
 */
export function computeDefaultMaxParallelism(parallelism: number): number {
  checkParallelismPreconditions(parallelism);
  return Math.min(
    Math.max(
      roundUpToPowerOfTwo(parallelism + Math.floor(parallelism / 2)),
      DEFAULT_LOWER_BOUND_MAX_PARALLELISM,
    ),
    UPPER_BOUND_MAX_PARALLELISM,
  );
}

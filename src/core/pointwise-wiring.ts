/**
 * How producer subtasks (S of them) connect to consumer subtasks (T of them) in the ExecutionGraph,
 * per distribution pattern (Flink's EdgeManagerBuildUtil):
 * - ALL_TO_ALL: every consumer reads every producer's partition.
 * - POINTWISE: each consumer reads a contiguous block of producers, or each producer feeds a contiguous
 *   block of consumers, so forward/rescale exchanges stay local and spread evenly:
 *   - S == T: partition i → consumer i;
 *   - S > T: consumer j reads partitions [floor(j*S/T), floor((j+1)*S/T));
 *   - S < T: partition i feeds consumers [ceil(i*T/S), ceil((i+1)*T/S)).
 *
 * These run when a graph is built, not per record, so returning fresh arrays is fine.
 */
import { FlinkTsError } from './errors.js';

export type DistributionPattern = 'POINTWISE' | 'ALL_TO_ALL';

function checkCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new FlinkTsError(
      'ERR_INVALID_ARGUMENT',
      `${name} must be a positive integer, got ${String(value)}`,
    );
  }
}

function checkIndex(name: string, value: number, count: number): void {
  if (!Number.isInteger(value) || value < 0 || value >= count) {
    throw new FlinkTsError(
      'ERR_INVALID_ARGUMENT',
      `${name} ${String(value)} is out of range [0, ${count - 1}]`,
    );
  }
}

function checkPattern(pattern: DistributionPattern): void {
  if (pattern !== 'POINTWISE' && pattern !== 'ALL_TO_ALL') {
    throw new FlinkTsError(
      'ERR_INVALID_ARGUMENT',
      `Unknown distribution pattern ${String(pattern)} (expected 'POINTWISE' or 'ALL_TO_ALL')`,
    );
  }
}

/** [start, end) as an array. */
function range(start: number, end: number): number[] {
  const out = new Array<number>(end - start);
  for (let i = start; i < end; i++) out[i - start] = i;
  return out;
}

/** ceil(a / b) for non-negative a and positive b, in integer arithmetic as the reference states it. */
function ceilDiv(a: number, b: number): number {
  return Math.floor((a + b - 1) / b);
}

/** The producer subtask indices (partitions) that consumer subtask `consumerIndex` reads, ascending. */
export function consumedPartitionsOf(
  consumerIndex: number,
  producerParallelism: number,
  consumerParallelism: number,
  pattern: DistributionPattern,
): number[] {
  checkPattern(pattern);
  checkCount('Producer parallelism', producerParallelism);
  checkCount('Consumer parallelism', consumerParallelism);
  checkIndex('Consumer index', consumerIndex, consumerParallelism);
  const s = producerParallelism;
  const t = consumerParallelism;
  const j = consumerIndex;
  if (pattern === 'ALL_TO_ALL') return range(0, s);
  if (s === t) return [j];
  if (s > t) return range(Math.floor((j * s) / t), Math.floor(((j + 1) * s) / t));
  // S < T: consumer j lies in producer i's block [ceil(i*T/S), ceil((i+1)*T/S)) exactly when
  // i*T <= j*S < (i+1)*T, i.e. i = floor(j*S/T).
  return [Math.floor((j * s) / t)];
}

/** The consumer subtask indices that producer subtask `producerIndex` feeds, ascending. */
export function consumersOf(
  producerIndex: number,
  producerParallelism: number,
  consumerParallelism: number,
  pattern: DistributionPattern,
): number[] {
  checkPattern(pattern);
  checkCount('Producer parallelism', producerParallelism);
  checkCount('Consumer parallelism', consumerParallelism);
  checkIndex('Producer index', producerIndex, producerParallelism);
  const s = producerParallelism;
  const t = consumerParallelism;
  const i = producerIndex;
  if (pattern === 'ALL_TO_ALL') return range(0, t);
  if (s === t) return [i];
  if (s < t) return range(ceilDiv(i * t, s), ceilDiv((i + 1) * t, s));
  // S > T: partition i lies in consumer j's block [floor(j*S/T), floor((j+1)*S/T)) exactly when
  // j*S < (i+1)*T <= (j+1)*S, i.e. j = ceil((i+1)*T/S) - 1.
  return [ceilDiv((i + 1) * t, s) - 1];
}

/**
 * The most partitions any one consumer reads — the number of input channels to provision per consumer:
 * POINTWISE ceil(S/T), ALL_TO_ALL S.
 */
export function maxConsumedPartitions(
  producerParallelism: number,
  consumerParallelism: number,
  pattern: DistributionPattern,
): number {
  checkPattern(pattern);
  checkCount('Producer parallelism', producerParallelism);
  checkCount('Consumer parallelism', consumerParallelism);
  return pattern === 'ALL_TO_ALL'
    ? producerParallelism
    : ceilDiv(producerParallelism, consumerParallelism);
}

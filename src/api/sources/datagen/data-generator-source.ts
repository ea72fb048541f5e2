import type {
  Boundedness,
  InputStatus,
  ReaderOutput,
  Source,
  SourceReader,
  SourceReaderContext,
} from '../source.js';
import type { OperatorServices } from '../../operators/stream-operator.js';
import type { NumberSequenceSplit } from '../number-sequence-split.js';
import { NumberSequenceCursor, contiguousSlice, restoreNumberSequenceSplits } from '../number-sequence-split.js';
import { RateLimiterStrategy } from './rate-limiter-strategy.js';

const BATCH = 256;
/**
 * The index space an unbounded generator splits over its subtasks: all safe integers, our
 * stand-in for Flink's `Long.MAX_VALUE` count (no subtask ever gets to the end of its share).
 */
const UNBOUNDED_COUNT = Number.MAX_SAFE_INTEGER;
/** Burst allowance of the token bucket, in seconds of rate: what a stalled reader may catch up. */
const BURST_SECONDS = 0.1;

/** Makes the record for a global index (0-based, unique across subtasks). */
export type GeneratorFunction<T> = ((index: number) => T) | { map(index: number): T };

/**
 * Emits `generatorFunction(i)` for every index `i` in `[0, count)`; subtask `k` of `p` takes
 * one contiguous slice of the indexes (sizes differ by at most one). `count` may be
 * `Number.POSITIVE_INFINITY` (Flink's `Long.MAX_VALUE`): the source is then unbounded. An
 * optional rate limiter caps records per second across all subtasks. Checkpoints hold the index
 * ranges not generated yet (`{ from, to }`, inclusive), so a restored job generates each index
 * once, at any parallelism; the rate is then shared by the new number of subtasks.
 */
export class DataGeneratorSource<T> implements Source<T> {
  readonly boundedness: Boundedness;
  readonly defaultName = 'Generator Source';
  private readonly generate: (index: number) => T;

  constructor(
    generatorFunction: GeneratorFunction<T>,
    readonly count: number,
    private readonly rateLimiterStrategy: RateLimiterStrategy = RateLimiterStrategy.noOp(),
  ) {
    const unbounded = count === Number.POSITIVE_INFINITY;
    if (!unbounded && (!Number.isSafeInteger(count) || count < 0)) {
      throw new TypeError(
        `DataGeneratorSource count must be a non-negative safe integer or Number.POSITIVE_INFINITY, got ${count}`,
      );
    }
    this.boundedness = unbounded ? 'CONTINUOUS_UNBOUNDED' : 'BOUNDED';
    this.generate =
      typeof generatorFunction === 'function' ? generatorFunction : (index) => generatorFunction.map(index);
  }

  createReader(context: SourceReaderContext): SourceReader<T> {
    let splits: NumberSequenceSplit[];
    if (context.restoredSplits !== undefined) {
      splits = restoreNumberSequenceSplits(context.restoredSplits, 'DataGeneratorSource');
    } else {
      const total = this.count === Number.POSITIVE_INFINITY ? UNBOUNDED_COUNT : this.count;
      const [first, size] = contiguousSlice(total, context.subtaskIndex, context.parallelism);
      splits = size === 0 ? [] : [{ from: first, to: first + size - 1 }];
    }
    return new GeneratorReader(
      this.generate,
      new NumberSequenceCursor(splits),
      this.boundedness === 'CONTINUOUS_UNBOUNDED',
      this.rateLimiterStrategy.ratePerSubtask(context.parallelism),
      context.services,
    );
  }
}

class GeneratorReader<T> implements SourceReader<T> {
  private tokens = 1;
  private lastRefill = 0;
  private readonly capacity: number;
  private timer: NodeJS.Timeout | undefined;
  private waiter: Promise<void> | undefined;
  private wakeWaiter: (() => void) | undefined;

  constructor(
    private readonly generate: (index: number) => T,
    /** The indexes not generated yet; what a checkpoint stores. */
    private readonly cursor: NumberSequenceCursor,
    /**
     * Idle instead of ending once the indexes run out. Only a restored reader gets there (after a
     * scale-up, a subtask may get no split): in an unbounded job it stays up like its peers.
     */
    private readonly idleWhenDone: boolean,
    /** Records per second for this subtask; undefined when unlimited. */
    private readonly rate: number | undefined,
    private readonly services: OperatorServices,
  ) {
    this.capacity = rate === undefined ? 0 : Math.max(1, rate * BURST_SECONDS);
  }

  start(): void {
    // The first record may go at once (one token); the rest are paced from here.
    this.lastRefill = this.services.processingTime();
  }

  pollNext(output: ReaderOutput<T>): InputStatus {
    // Checked before the rate limit, so a finished reader ends at once instead of waiting for a token.
    if (!this.cursor.hasRemaining()) {
      if (!this.idleWhenDone) return 'END_OF_INPUT';
      this.armWaiter();
      return 'NOTHING_AVAILABLE';
    }
    let budget = BATCH;
    if (this.rate !== undefined) {
      this.refill();
      budget = Math.min(budget, Math.floor(this.tokens));
      if (budget === 0) {
        this.waitForToken();
        return 'NOTHING_AVAILABLE';
      }
    }
    const [start, stop] = this.cursor.take(budget) as [number, number];
    // Only what was generated is charged: a batch may stop short at the end of a range.
    if (this.rate !== undefined) this.tokens -= stop - start;
    for (let i = start; i < stop; i++) output.collect(this.generate(i));
    return 'MORE_AVAILABLE';
  }

  snapshotState(_checkpointId: number): NumberSequenceSplit[] {
    return this.cursor.snapshot();
  }

  isAvailable(): Promise<void> {
    return this.waiter ?? Promise.resolve();
  }

  close(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.release();
  }

  private refill(): void {
    const now = this.services.processingTime();
    const elapsed = now - this.lastRefill;
    if (elapsed <= 0) return;
    this.lastRefill = now;
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed * (this.rate as number)) / 1000);
  }

  /** Arms one timer for when the next token is due; `isAvailable` hands out its promise. */
  private waitForToken(): void {
    if (this.timer !== undefined) return;
    const delay = Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / (this.rate as number)));
    this.armWaiter();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.release();
    }, delay);
  }

  /** The promise `isAvailable` hands out until `release`: on a token timer, or, when idle, on close. */
  private armWaiter(): void {
    if (this.waiter !== undefined) return;
    this.waiter = new Promise<void>((resolve) => {
      this.wakeWaiter = resolve;
    });
  }

  private release(): void {
    const wake = this.wakeWaiter;
    this.waiter = undefined;
    this.wakeWaiter = undefined;
    wake?.();
  }
}

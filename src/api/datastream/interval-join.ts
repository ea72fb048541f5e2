import type { OutputTag } from '../common/output-tag.js';
import type { KeyedStream, SingleOutputStreamOperator } from './data-stream.js';
import type { ProcessJoinFunctionLike } from '../functions/join-functions.js';
import { IntervalJoinOperator, checkBounds } from '../operators/interval-join-operator.js';
import { SimpleOperatorFactory } from '../operators/simple-operator-factory.js';
import { checkFunction } from './co-grouped-streams.js';

/**
 * `left.intervalJoin(right).between(lower, upper).process(fn)` on two keyed streams (Flink's
 * KeyedStream.IntervalJoin): pairs of equal keys whose timestamps satisfy
 * `left.ts + lower <= right.ts <= left.ts + upper`. Event time only.
 */
export class IntervalJoin<T1, T2, KEY> {
  constructor(
    private readonly left: KeyedStream<T1, KEY>,
    private readonly right: KeyedStream<T2, KEY>,
  ) {}

  /** The bounds in milliseconds relative to the left element's timestamp, both inclusive by default. */
  between(lowerBound: number, upperBound: number): IntervalJoined<T1, T2, KEY> {
    checkBounds(lowerBound, upperBound);
    return new IntervalJoined(this.left, this.right, lowerBound, upperBound);
  }
}

/** An interval join with its bounds; optionally exclusive bounds and late-data outputs, then `process`. */
export class IntervalJoined<T1, T2, KEY> {
  private lowerBoundInclusive = true;
  private upperBoundInclusive = true;
  private leftLateDataOutputTag: OutputTag<T1> | undefined;
  private rightLateDataOutputTag: OutputTag<T2> | undefined;

  constructor(
    private readonly left: KeyedStream<T1, KEY>,
    private readonly right: KeyedStream<T2, KEY>,
    private readonly lowerBound: number,
    private readonly upperBound: number,
  ) {}

  lowerBoundExclusive(): this {
    this.lowerBoundInclusive = false;
    return this;
  }
  upperBoundExclusive(): this {
    this.upperBoundInclusive = false;
    return this;
  }
  /** Left elements dropped as late go to this side output (read it with `getSideOutput` on the result). */
  sideOutputLeftLateData(tag: OutputTag<T1>): this {
    this.leftLateDataOutputTag = tag;
    return this;
  }
  /** Right elements dropped as late go to this side output. */
  sideOutputRightLateData(tag: OutputTag<T2>): this {
    this.rightLateDataOutputTag = tag;
    return this;
  }

  /** Calls `fn` once per joined pair; its results carry the larger of the pair's timestamps. */
  process<OUT>(fn: ProcessJoinFunctionLike<T1, T2, OUT>): SingleOutputStreamOperator<OUT> {
    checkFunction(fn, 'process', 'processElement', 'ProcessJoinFunction');
    const options = {
      lowerBound: this.lowerBound,
      upperBound: this.upperBound,
      lowerBoundInclusive: this.lowerBoundInclusive,
      upperBoundInclusive: this.upperBoundInclusive,
      fn,
      leftLateDataOutputTag: this.leftLateDataOutputTag,
      rightLateDataOutputTag: this.rightLateDataOutputTag,
    };
    // Bounds that exclusivity empties (e.g. (5, 5]) are as wrong as lower > upper: fail at build time.
    if ((options.lowerBoundInclusive ? options.lowerBound : options.lowerBound + 1) > (options.upperBoundInclusive ? options.upperBound : options.upperBound - 1)) {
      throw new RangeError(
        `The interval join's bounds ${options.lowerBoundInclusive ? '[' : '('}${options.lowerBound}, ${options.upperBound}${options.upperBoundInclusive ? ']' : ')'} contain no time: widen them or make them inclusive.`,
      );
    }
    return this.left
      .connect(this.right)
      .transform<OUT>('Interval Join', new SimpleOperatorFactory(() => new IntervalJoinOperator<T1, T2, OUT>(options)));
  }
}

/** `intervalJoin(other)` from plain JavaScript: the other stream must be keyed too. */
export function checkKeyed(other: unknown): void {
  if (typeof other !== 'object' || other === null || typeof (other as { getKeySelector?: unknown }).getKeySelector !== 'function') {
    throw new TypeError('intervalJoin() needs a KeyedStream: keyBy the other stream on the same key first, e.g. right.keyBy((e) => e.id).');
  }
}

import type { DataStream, SingleOutputStreamOperator } from './data-stream.js';
import type { KeySelector } from '../functions/function-types.js';
import type { FlatJoinFunction, JoinFunction } from '../functions/join-functions.js';
import type { TaggedUnion } from '../operators/co-group-window-function.js';
import type { Evictor } from '../windowing/evictor.js';
import type { Trigger } from '../windowing/trigger.js';
import type { Window } from '../windowing/window.js';
import type { WindowAssigner } from '../windowing/window-assigner.js';
import { CoGroupWindowFunction, JoinCoGroupFunction } from '../operators/co-group-window-function.js';
import type { CoGroupedStreamsEqualTo, CoGroupedStreamsWhere, CoGroupedStreamsWithWindow } from './co-grouped-streams.js';
import { CoGroupedStreams, checkFunction } from './co-grouped-streams.js';

/**
 * `first.join(second).where(k1).equalTo(k2).window(assigner).apply(fn)` (Flink's JoinedStreams):
 * an inner join per key and window, run as a coGroup whose function emits every pair of the
 * window's first-input and second-input elements with equal keys. Each step wraps the coGroup's
 * step, so the two builders cannot drift apart.
 */
export class JoinedStreams<T1, T2> {
  private readonly coGrouped: CoGroupedStreams<T1, T2>;

  constructor(input1: DataStream<T1>, input2: DataStream<T2>) {
    this.coGrouped = new CoGroupedStreams(input1, input2);
  }

  /** The key of the first input. */
  where<KEY>(keySelector: KeySelector<T1, KEY>): JoinedStreamsWhere<T1, T2, KEY> {
    return new JoinedStreamsWhere(this.coGrouped.where(keySelector));
  }

  /** Present only to explain the order: the first input's key comes first. */
  equalTo(..._args: unknown[]): never {
    throw missingWhere();
  }
  /** Present only to explain the order: the keys come before the window. */
  window(..._args: unknown[]): never {
    throw missingWhere();
  }
}

export class JoinedStreamsWhere<T1, T2, KEY> {
  constructor(private readonly coGrouped: CoGroupedStreamsWhere<T1, T2, KEY>) {}

  /** The key of the second input; elements of both inputs with equal keys are joined. */
  equalTo(keySelector: KeySelector<T2, KEY>): JoinedStreamsEqualTo<T1, T2, KEY> {
    return new JoinedStreamsEqualTo(this.coGrouped.equalTo(keySelector));
  }

  window(...args: unknown[]): never {
    return this.coGrouped.window(...args);
  }
}

export class JoinedStreamsEqualTo<T1, T2, KEY> {
  constructor(private readonly coGrouped: CoGroupedStreamsEqualTo<T1, T2, KEY>) {}

  /** The windows both inputs are cut into, e.g. `TumblingEventTimeWindows.of(Time.seconds(5))`. */
  window<W extends Window>(assigner: WindowAssigner<TaggedUnion<T1, T2>, W>): JoinedStreamsWithWindow<T1, T2, KEY, W> {
    return new JoinedStreamsWithWindow(this.coGrouped.window(assigner));
  }
}

/** A join with its window; optionally a trigger, an evictor and allowed lateness, then `apply`. */
export class JoinedStreamsWithWindow<T1, T2, KEY, W extends Window> {
  constructor(private readonly coGrouped: CoGroupedStreamsWithWindow<T1, T2, KEY, W>) {}

  trigger(trigger: Trigger<TaggedUnion<T1, T2>, W>): this {
    this.coGrouped.trigger(trigger);
    return this;
  }
  /** Sees the tagged elements of both inputs (`{ input: 1 | 2, value }`). */
  evictor(evictor: Evictor<TaggedUnion<T1, T2>, W>): this {
    this.coGrouped.evictor(evictor);
    return this;
  }
  /** How long after the watermark passes a window's end its elements are kept for late ones (ms). */
  allowedLateness(lateness: number): this {
    this.coGrouped.allowedLateness(lateness);
    return this;
  }

  /**
   * Joins every pair of one key and window: `fn(first, second)` returns one result (JoinFunction),
   * or `fn(first, second, out)` emits any number (FlatJoinFunction). Results carry the window's
   * maxTimestamp.
   */
  // Two overloads, not one union: a lambda's parameters get their types only from a single signature.
  apply<OUT>(fn: JoinFunction<T1, T2, OUT>): SingleOutputStreamOperator<OUT>;
  // eslint-disable-next-line @typescript-eslint/unified-signatures
  apply<OUT>(fn: FlatJoinFunction<T1, T2, OUT>): SingleOutputStreamOperator<OUT>;
  apply<OUT>(fn: JoinFunction<T1, T2, OUT> | FlatJoinFunction<T1, T2, OUT>): SingleOutputStreamOperator<OUT> {
    const join = new JoinCoGroupFunction<T1, T2, OUT>(checkFunction(fn, 'apply', 'join', 'JoinFunction or FlatJoinFunction'));
    return this.coGrouped.applyWindowFunction(new CoGroupWindowFunction<T1, T2, OUT, KEY, W>(join), 'Window(Join)');
  }
}

function missingWhere(): TypeError {
  return new TypeError(
    'The key of the first input is missing: a join is built as join(other).where(keySelector1).equalTo(keySelector2).window(assigner).apply(fn).',
  );
}

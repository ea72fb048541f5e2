import type { DataStream, SingleOutputStreamOperator } from './data-stream.js';
import type { KeySelector } from '../functions/function-types.js';
import type { CoGroupFunction } from '../functions/join-functions.js';
import type { TaggedUnion } from '../operators/co-group-window-function.js';
import type { Evictor } from '../windowing/evictor.js';
import type { Trigger } from '../windowing/trigger.js';
import type { Window } from '../windowing/window.js';
import type { WindowAssigner } from '../windowing/window-assigner.js';
import { toKeySelector } from '../functions/function-types.js';
import { CoGroupWindowFunction, tagFirst, tagSecond, unionKeySelector } from '../operators/co-group-window-function.js';

/**
 * `first.coGroup(second).where(k1).equalTo(k2).window(assigner).apply(fn)` (Flink's
 * CoGroupedStreams). Built as Flink builds it: each element tagged with its side on one stream,
 * keyed by the side's key and cut into windows by the existing window operator; per key and
 * window the CoGroupFunction gets both sides' elements. Each step is its own class, so a step
 * cannot be skipped in TypeScript; in plain JavaScript a skipped step fails with a message.
 */
export class CoGroupedStreams<T1, T2> {
  constructor(
    private readonly input1: DataStream<T1>,
    private readonly input2: DataStream<T2>,
  ) {}

  /** The key of the first input. */
  where<KEY>(keySelector: KeySelector<T1, KEY>): CoGroupedStreamsWhere<T1, T2, KEY> {
    return new CoGroupedStreamsWhere(this.input1, this.input2, checkKeySelector(keySelector, 'where', 'first'));
  }

  /** Present only to explain the order: the first input's key comes first. */
  equalTo(..._args: unknown[]): never {
    throw missingWhere('coGroup');
  }
  /** Present only to explain the order: the keys come before the window. */
  window(..._args: unknown[]): never {
    throw missingWhere('coGroup');
  }
}

export class CoGroupedStreamsWhere<T1, T2, KEY> {
  constructor(
    private readonly input1: DataStream<T1>,
    private readonly input2: DataStream<T2>,
    private readonly keySelector1: (value: T1) => KEY,
  ) {}

  /** The key of the second input; elements of both inputs with equal keys meet. */
  equalTo(keySelector: KeySelector<T2, KEY>): CoGroupedStreamsEqualTo<T1, T2, KEY> {
    return new CoGroupedStreamsEqualTo(this.input1, this.input2, this.keySelector1, checkKeySelector(keySelector, 'equalTo', 'second'));
  }

  window(..._args: unknown[]): never {
    throw new TypeError('The key of the second input is missing: call equalTo(keySelector2) between where(...) and window(...).');
  }
}

export class CoGroupedStreamsEqualTo<T1, T2, KEY> {
  constructor(
    private readonly input1: DataStream<T1>,
    private readonly input2: DataStream<T2>,
    private readonly keySelector1: (value: T1) => KEY,
    private readonly keySelector2: (value: T2) => KEY,
  ) {}

  /** The windows both inputs are cut into, e.g. `TumblingEventTimeWindows.of(Time.seconds(5))`. */
  window<W extends Window>(assigner: WindowAssigner<TaggedUnion<T1, T2>, W>): CoGroupedStreamsWithWindow<T1, T2, KEY, W> {
    checkAssigner(assigner);
    return new CoGroupedStreamsWithWindow(this.input1, this.input2, this.keySelector1, this.keySelector2, assigner);
  }
}

/** A coGroup with its window; optionally a trigger, an evictor and allowed lateness, then `apply`. */
export class CoGroupedStreamsWithWindow<T1, T2, KEY, W extends Window> {
  private customTrigger: Trigger<TaggedUnion<T1, T2>, W> | undefined;
  private customEvictor: Evictor<TaggedUnion<T1, T2>, W> | undefined;
  private lateness = 0;

  constructor(
    private readonly input1: DataStream<T1>,
    private readonly input2: DataStream<T2>,
    private readonly keySelector1: (value: T1) => KEY,
    private readonly keySelector2: (value: T2) => KEY,
    private readonly assigner: WindowAssigner<TaggedUnion<T1, T2>, W>,
  ) {}

  trigger(trigger: Trigger<TaggedUnion<T1, T2>, W>): this {
    this.customTrigger = trigger;
    return this;
  }
  /** Sees the tagged elements of both inputs (`{ input: 1 | 2, value }`). */
  evictor(evictor: Evictor<TaggedUnion<T1, T2>, W>): this {
    this.customEvictor = evictor;
    return this;
  }
  /** How long after the watermark passes a window's end its elements are kept for late ones (ms). */
  allowedLateness(lateness: number): this {
    if (!(lateness >= 0)) throw new RangeError(`The allowed lateness cannot be negative (was ${lateness}).`);
    this.lateness = lateness;
    return this;
  }

  /**
   * Calls `fn` once per key and window that has elements on either side; results carry the
   * window's maxTimestamp.
   */
  apply<OUT>(fn: CoGroupFunction<T1, T2, OUT>): SingleOutputStreamOperator<OUT> {
    return this.applyWindowFunction(new CoGroupWindowFunction<T1, T2, OUT, KEY, W>(checkFunction(fn, 'apply', 'coGroup', 'CoGroupFunction')), 'Window(CoGroup)');
  }

  /** @internal Joins go through here with their own operator name. */
  applyWindowFunction<OUT>(fn: CoGroupWindowFunction<T1, T2, OUT, KEY, W>, name: string): SingleOutputStreamOperator<OUT> {
    // Flink tags each input with its own map and unions them. Here the two inputs meet in one
    // two-input tagger instead: one operator rather than two, with the same watermark (the minimum
    // of both inputs, an idle one left out) that the union would give.
    const tagged = this.input1.connect(this.input2).map<TaggedUnion<T1, T2>>({ map1: tagFirst, map2: tagSecond }).name('Co-Map');
    const windowed = tagged
      .keyBy(unionKeySelector(this.keySelector1, this.keySelector2))
      .window(this.assigner)
      .allowedLateness(this.lateness);
    if (this.customTrigger !== undefined) windowed.trigger(this.customTrigger);
    if (this.customEvictor !== undefined) windowed.evictor(this.customEvictor);
    return windowed.process(fn).name(name);
  }
}

function missingWhere(operation: string): TypeError {
  return new TypeError(
    `The key of the first input is missing: a ${operation} is built as ${operation}(other).where(keySelector1).equalTo(keySelector2).window(assigner).apply(fn).`,
  );
}

/** Validates a key selector given from plain JavaScript, naming the call and input. */
function checkKeySelector<T, K>(selector: KeySelector<T, K>, call: string, input: string): (value: T) => K {
  const candidate = selector as unknown;
  const valid =
    typeof candidate === 'function' ||
    (typeof candidate === 'object' && candidate !== null && typeof (candidate as { getKey?: unknown }).getKey === 'function');
  if (!valid) {
    throw new TypeError(`${call}() needs a KeySelector for the ${input} input: a function or an object with getKey(value) (was ${String(candidate)}).`);
  }
  return toKeySelector(selector);
}

function checkAssigner(assigner: unknown): void {
  // By shape, not instanceof: an assigner from another copy of the module is as good.
  if (typeof assigner !== 'object' || assigner === null || typeof (assigner as { assignWindows?: unknown }).assignWindows !== 'function') {
    throw new TypeError(`window() needs a WindowAssigner, e.g. TumblingEventTimeWindows.of(Time.seconds(5)) (was ${String(assigner)}).`);
  }
}

/** Validates a user function given from plain JavaScript: a lambda or an object with `method`. */
export function checkFunction<F>(fn: F, call: string, method: string, kind: string): F {
  const candidate = fn as unknown;
  if (typeof candidate === 'function') return fn;
  if (typeof candidate === 'object' && candidate !== null && typeof (candidate as Record<string, unknown>)[method] === 'function') return fn;
  throw new TypeError(`${call}() needs a ${kind}: a function or an object with ${method}(...) (was ${String(candidate)}).`);
}

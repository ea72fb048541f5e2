import type { OpenContext, RuntimeContext } from '../common/runtime-context.js';
import type { Collector } from '../common/records.js';
import type { CoGroupFunction, FlatJoinFunction, JoinFunction } from '../functions/join-functions.js';
import type { ProcessWindowContext } from '../windowing/process-window-function.js';
import type { Window } from '../windowing/window.js';
import { isFlatJoinFunction } from '../functions/join-functions.js';
import { isRichFunction } from '../functions/rich-function.js';
import { ProcessWindowFunction } from '../windowing/process-window-function.js';

/**
 * An element of either input of a window join or coGroup on their common stream (Flink's
 * CoGroupedStreams.TaggedUnion). A plain object, so it travels between tasks and sits in window
 * state like any record; `input` says which side it came from even when the value is undefined.
 */
export type TaggedUnion<T1, T2> = { readonly input: 1; readonly value: T1 } | { readonly input: 2; readonly value: T2 };

export function tagFirst<T1, T2>(value: T1): TaggedUnion<T1, T2> {
  return { input: 1, value };
}
export function tagSecond<T1, T2>(value: T2): TaggedUnion<T1, T2> {
  return { input: 2, value };
}

/** How a key prints in an error: its kind and value. */
function describeKey(key: unknown): string {
  return `${keyKind(key)} (${typeof key === 'string' ? `'${key}'` : String(key)})`;
}

/** The runtime kind of a key: its typeof, with null, arrays and class instances told apart. */
function keyKind(key: unknown): string {
  if (key === null) return 'null';
  if (Array.isArray(key)) return 'array';
  if (typeof key === 'object') {
    const name = (Object.getPrototypeOf(key) as { constructor?: { name?: string } } | null)?.constructor?.name;
    return name === undefined || name === 'Object' ? 'object' : name;
  }
  return typeof key;
}

/**
 * The key selector of the union: each side's own selector. Keys of different kinds never compare
 * equal, so such a join would silently match nothing; Flink rejects it by the key types, and we
 * do the same by the first key seen from each side (TypeScript already rejects it at compile time
 * when `where` and `equalTo` disagree).
 */
export function unionKeySelector<T1, T2, KEY>(key1: (value: T1) => KEY, key2: (value: T2) => KEY): (value: TaggedUnion<T1, T2>) => KEY {
  let first: unknown;
  let second: unknown;
  let seen1 = false;
  let seen2 = false;
  const check = (): void => {
    if (seen1 && seen2 && keyKind(first) !== keyKind(second)) {
      throw new TypeError(
        `The keys for the two inputs are not equal: first key = ${describeKey(first)}, second key = ${describeKey(second)}. ` +
          'where() and equalTo() must extract keys of the same type.',
      );
    }
  };
  return (tagged) => {
    if (tagged.input === 1) {
      const key = key1(tagged.value);
      if (!seen1) {
        seen1 = true;
        first = key;
        check();
      }
      return key;
    }
    const key = key2(tagged.value);
    if (!seen2) {
      seen2 = true;
      second = key;
      check();
    }
    return key;
  };
}

/**
 * Gives a wrapper the lifecycle of the function it wraps (Flink's WrappingFunction): a rich user
 * function gets its runtime context, open and close although the operator only sees the wrapper.
 */
function forwardSetRuntimeContext(wrapped: unknown, context: RuntimeContext): void {
  if (isRichFunction(wrapped)) wrapped.setRuntimeContext(context);
}
async function forwardOpen(wrapped: unknown, context: OpenContext): Promise<void> {
  if (isRichFunction(wrapped)) await wrapped.open(context);
}
async function forwardClose(wrapped: unknown): Promise<void> {
  if (isRichFunction(wrapped)) await wrapped.close();
}

/**
 * The window function of a coGroup (Flink's CoGroupWindowFunction): splits a window's tagged
 * elements back into the two inputs, in arrival order, and calls the CoGroupFunction once per
 * key and window — with an empty list for a side that had no elements.
 */
export class CoGroupWindowFunction<T1, T2, OUT, KEY, W extends Window> extends ProcessWindowFunction<TaggedUnion<T1, T2>, OUT, KEY, W> {
  private readonly call: (first: T1[], second: T2[], out: Collector<OUT>) => void;

  constructor(private readonly wrapped: CoGroupFunction<T1, T2, OUT>) {
    super();
    this.call = typeof wrapped === 'function' ? wrapped : (first, second, out) => wrapped.coGroup(first, second, out);
  }

  process(_key: KEY, _context: ProcessWindowContext<W>, elements: Iterable<TaggedUnion<T1, T2>>, out: Collector<OUT>): void {
    const first: T1[] = [];
    const second: T2[] = [];
    for (const element of elements) {
      if (element.input === 1) first.push(element.value);
      else second.push(element.value);
    }
    this.call(first, second, out);
  }

  override setRuntimeContext(context: RuntimeContext): void {
    super.setRuntimeContext(context);
    forwardSetRuntimeContext(this.wrapped, context);
  }
  override async open(context: OpenContext): Promise<void> {
    await forwardOpen(this.wrapped, context);
  }
  override async close(): Promise<void> {
    await forwardClose(this.wrapped);
  }
}

/**
 * A join as a coGroup (Flink's JoinCoGroupFunction and FlatJoinCoGroupFunction): the inner join
 * of one key and window is every (first, second) pair, first-input order outermost; a key present
 * on one side only yields nothing.
 */
export class JoinCoGroupFunction<T1, T2, OUT> {
  private readonly call: (first: T1, second: T2, out: Collector<OUT>) => void;

  constructor(private readonly wrapped: JoinFunction<T1, T2, OUT> | FlatJoinFunction<T1, T2, OUT>) {
    if (isFlatJoinFunction(wrapped)) {
      this.call = typeof wrapped === 'function' ? wrapped : (a, b, out) => wrapped.join(a, b, out);
    } else {
      // Not narrowed by the guard's false branch: a one-result function has the same method name.
      const plain = wrapped as JoinFunction<T1, T2, OUT>;
      const join = typeof plain === 'function' ? plain : (a: T1, b: T2): OUT => plain.join(a, b);
      this.call = (a, b, out) => out.collect(join(a, b));
    }
  }

  coGroup(first: Iterable<T1>, second: Iterable<T2>, out: Collector<OUT>): void {
    const seconds = [...second];
    if (seconds.length === 0) return;
    for (const a of first) for (const b of seconds) this.call(a, b, out);
  }

  setRuntimeContext(context: RuntimeContext): void {
    forwardSetRuntimeContext(this.wrapped, context);
  }
  async open(context: OpenContext): Promise<void> {
    await forwardOpen(this.wrapped, context);
  }
  async close(): Promise<void> {
    await forwardClose(this.wrapped);
  }
}

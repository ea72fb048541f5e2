import type { OpenContext, RuntimeContext } from '../common/runtime-context.js';
import type { Collector } from '../common/records.js';
import type { SinkContext } from './function-types.js';

/**
 * Base of the rich functions: the runtime sets the context before `open` and calls `close` when
 * the subtask ends, whether it finished, failed or was canceled.
 */
export abstract class AbstractRichFunction {
  private runtimeContext: RuntimeContext | undefined;

  setRuntimeContext(context: RuntimeContext): void {
    this.runtimeContext = context;
  }

  getRuntimeContext(): RuntimeContext {
    if (this.runtimeContext === undefined) {
      throw new Error('The runtime context has not been initialized: it is available from open() on.');
    }
    return this.runtimeContext;
  }

  open(_context: OpenContext): void | Promise<void> {
    // Override to acquire resources before the first record.
  }

  close(): void | Promise<void> {
    // Override to release resources.
  }
}

export abstract class RichMapFunction<T, R> extends AbstractRichFunction {
  abstract map(value: T): R;
}
export abstract class RichFlatMapFunction<T, R> extends AbstractRichFunction {
  abstract flatMap(value: T, out: Collector<R>): Iterable<R> | void;
}
export abstract class RichFilterFunction<T> extends AbstractRichFunction {
  abstract filter(value: T): boolean;
}
export abstract class RichReduceFunction<T> extends AbstractRichFunction {
  abstract reduce(a: T, b: T): T;
}
export abstract class RichSinkFunction<T> extends AbstractRichFunction {
  abstract invoke(value: T, context: SinkContext): void;
}
export abstract class RichCoMapFunction<IN1, IN2, R> extends AbstractRichFunction {
  abstract map1(value: IN1): R;
  abstract map2(value: IN2): R;
}
export abstract class RichCoFlatMapFunction<IN1, IN2, R> extends AbstractRichFunction {
  abstract flatMap1(value: IN1, out: Collector<R>): Iterable<R> | void;
  abstract flatMap2(value: IN2, out: Collector<R>): Iterable<R> | void;
}

/** True for objects with the rich-function lifecycle, whatever module copy defined their class. */
export function isRichFunction(fn: unknown): fn is AbstractRichFunction {
  return (
    typeof fn === 'object' &&
    fn !== null &&
    typeof (fn as Partial<AbstractRichFunction>).setRuntimeContext === 'function' &&
    typeof (fn as Partial<AbstractRichFunction>).open === 'function'
  );
}

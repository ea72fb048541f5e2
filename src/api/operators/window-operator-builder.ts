import type { OutputTag } from '../common/output-tag.js';
import type { ReduceFunction } from '../functions/function-types.js';
import type { AggregateFunction } from '../state/state.js';
import type { Evictor } from '../windowing/evictor.js';
import type { ProcessWindowFunctionLike } from '../windowing/process-window-function.js';
import type { Trigger } from '../windowing/trigger.js';
import type { Window } from '../windowing/window.js';
import type { WindowAssigner } from '../windowing/window-assigner.js';
import type { WindowContents } from './window-contents.js';
import { aggregateAll, aggregatingContents, listContents, reduceAll, reducingContents } from './window-contents.js';
import { WindowOperator } from './window-operator.js';
import { isRichFunction } from '../functions/rich-function.js';

/**
 * Collects a windowed stream's settings and makes its WindowOperator (Flink's
 * WindowOperatorBuilder). Kept apart from the DataStream classes so they stay thin: the builder
 * decides the state kind — an incremental accumulator, or every element when there is an evictor
 * or only a process function.
 */
export class WindowOperatorBuilder<IN, K, W extends Window> {
  trigger: Trigger<IN, W>;
  evictor: Evictor<IN, W> | undefined;
  allowedLateness = 0;
  lateDataOutputTag: OutputTag<IN> | undefined;

  constructor(
    readonly assigner: WindowAssigner<IN, W>,
    readonly keySelector: (value: IN) => K,
  ) {
    this.trigger = assigner.getDefaultTrigger();
  }

  reduce<OUT>(reducer: ReduceFunction<IN>, fn?: ProcessWindowFunctionLike<IN, OUT, K, W>): () => WindowOperator<IN, K, unknown, OUT, W> {
    // As in Flink: the reducer runs inside state updates, where no lifecycle or runtime context is given.
    if (isRichFunction(reducer)) {
      throw new TypeError('ReduceFunction of reduce can not be a RichFunction. Please use reduce(ReduceFunction, ProcessWindowFunction) instead.');
    }
    const evictor = this.evictor;
    return this.factory<unknown, OUT>(() => (evictor === undefined ? reducingContents(reducer, fn) : listContents(reduceAll(reducer), fn, evictor)), fn);
  }

  aggregate<ACC, R, OUT>(
    aggregate: AggregateFunction<IN, ACC, R>,
    fn?: ProcessWindowFunctionLike<R, OUT, K, W>,
  ): () => WindowOperator<IN, K, unknown, OUT, W> {
    if (isRichFunction(aggregate)) throw new TypeError('This aggregation function cannot be a RichFunction.');
    const evictor = this.evictor;
    return this.factory<unknown, OUT>(
      () => (evictor === undefined ? aggregatingContents(aggregate, fn) : listContents(aggregateAll(aggregate), fn, evictor)),
      fn,
    );
  }

  process<OUT>(fn: ProcessWindowFunctionLike<IN, OUT, K, W>): () => WindowOperator<IN, K, unknown, OUT, W> {
    const evictor = this.evictor;
    return this.factory<unknown, OUT>(() => listContents((values: IN[]) => values, fn, evictor), fn);
  }

  private factory<ACC, OUT>(
    contents: () => WindowContents<IN, ACC, OUT, K, W>,
    userFunction: unknown,
  ): () => WindowOperator<IN, K, unknown, OUT, W> {
    const { assigner, keySelector, trigger, allowedLateness, lateDataOutputTag } = this;
    if (allowedLateness < 0) throw new RangeError('The allowed lateness cannot be negative.');
    return () =>
      new WindowOperator<IN, K, ACC, OUT, W>({
        assigner,
        keySelector,
        trigger,
        contents: contents(),
        allowedLateness,
        lateDataOutputTag,
        userFunction: typeof userFunction === 'function' ? undefined : userFunction,
      });
  }
}

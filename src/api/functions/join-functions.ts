import type { OutputTag } from '../common/output-tag.js';
import type { Collector } from '../common/records.js';
import { AbstractRichFunction } from './rich-function.js';

/**
 * The user functions of window joins, coGroups and interval joins (Flink's JoinFunction,
 * FlatJoinFunction, CoGroupFunction and ProcessJoinFunction), as lambdas or objects with Flink's
 * method names. A join function and a flat join function share the method name `join`: the one
 * that declares a third parameter (the Collector) is the flat one.
 */
export type JoinFunction<IN1, IN2, OUT> = ((first: IN1, second: IN2) => OUT) | { join(first: IN1, second: IN2): OUT };

/** Emits zero or more results per pair through the collector. */
export type FlatJoinFunction<IN1, IN2, OUT> =
  | ((first: IN1, second: IN2, out: Collector<OUT>) => void)
  | { join(first: IN1, second: IN2, out: Collector<OUT>): void };

/** Gets all elements of both inputs for one key and window; either side may be empty. */
export type CoGroupFunction<IN1, IN2, OUT> =
  | ((first: Iterable<IN1>, second: Iterable<IN2>, out: Collector<OUT>) => void)
  | { coGroup(first: Iterable<IN1>, second: Iterable<IN2>, out: Collector<OUT>): void };

export abstract class RichJoinFunction<IN1, IN2, OUT> extends AbstractRichFunction {
  abstract join(first: IN1, second: IN2): OUT;
}
export abstract class RichFlatJoinFunction<IN1, IN2, OUT> extends AbstractRichFunction {
  abstract join(first: IN1, second: IN2, out: Collector<OUT>): void;
}
export abstract class RichCoGroupFunction<IN1, IN2, OUT> extends AbstractRichFunction {
  abstract coGroup(first: Iterable<IN1>, second: Iterable<IN2>, out: Collector<OUT>): void;
}

/** What an interval join's function sees besides the pair (Flink's ProcessJoinFunction.Context). */
export interface ProcessJoinContext {
  /** The left element's timestamp. */
  getLeftTimestamp(): number;
  /** The right element's timestamp. */
  getRightTimestamp(): number;
  /** The pair's timestamp: the larger of the two, which the results carry too. */
  getTimestamp(): number;
  /** Emits to a side output, with the pair's timestamp. */
  output<X>(tag: OutputTag<X>, value: X): void;
}

/** Called once per joined pair of an interval join. */
export abstract class ProcessJoinFunction<IN1, IN2, OUT> extends AbstractRichFunction {
  abstract processElement(left: IN1, right: IN2, ctx: ProcessJoinContext, out: Collector<OUT>): void;
}

export type ProcessJoinFunctionLike<IN1, IN2, OUT> =
  | ProcessJoinFunction<IN1, IN2, OUT>
  | ((left: IN1, right: IN2, ctx: ProcessJoinContext, out: Collector<OUT>) => void)
  | { processElement(left: IN1, right: IN2, ctx: ProcessJoinContext, out: Collector<OUT>): void };

/** True for a flat join function: its `join` (or the lambda itself) takes the collector as third parameter. */
export function isFlatJoinFunction<IN1, IN2, OUT>(
  fn: JoinFunction<IN1, IN2, OUT> | FlatJoinFunction<IN1, IN2, OUT>,
): fn is FlatJoinFunction<IN1, IN2, OUT> {
  const join = typeof fn === 'function' ? fn : (fn as { join?: unknown }).join;
  return typeof join === 'function' && join.length >= 3;
}

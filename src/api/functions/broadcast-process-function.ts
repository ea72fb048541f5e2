import type { OutputTag } from '../common/output-tag.js';
import type { Collector } from '../common/records.js';
import type { MapStateDescriptor } from '../state/state-descriptor.js';
import type { BroadcastState, ReadOnlyBroadcastState } from '../state/state.js';
import { AbstractRichFunction } from './rich-function.js';

/**
 * What both sides of a broadcast process function get (Flink's BaseBroadcastProcessFunction
 * Context): the current record's timestamp, side outputs and the two clocks.
 */
export interface BaseBroadcastProcessContext {
  /** The current record's timestamp, or undefined when it has none. */
  timestamp(): number | undefined;
  /** Emits to a side output. */
  output<X>(tag: OutputTag<X>, value: X): void;
  currentProcessingTime(): number;
  currentWatermark(): number;
}

/**
 * The context of `processBroadcastElement` (Flink's BroadcastProcessFunction.Context): the
 * broadcast state is writable here, and only here.
 */
export interface BroadcastProcessContext extends BaseBroadcastProcessContext {
  /** The broadcast state `descriptor` names; it must be one of the descriptors given to `broadcast(...)`. */
  getBroadcastState<K, V>(descriptor: MapStateDescriptor<K, V>): BroadcastState<K, V>;
}

/**
 * The context of `processElement` (Flink's BroadcastProcessFunction.ReadOnlyContext): the
 * broadcast state can be read but not changed, because only the broadcast side is seen by every
 * parallel instance in the same way.
 */
export interface BroadcastProcessReadOnlyContext extends BaseBroadcastProcessContext {
  getBroadcastState<K, V>(descriptor: MapStateDescriptor<K, V>): ReadOnlyBroadcastState<K, V>;
}

/**
 * Processes a non-keyed stream connected with a broadcast stream (Flink's BroadcastProcessFunction):
 * `processBroadcastElement` sees every element of the broadcast side on every parallel instance and
 * keeps the broadcast state, `processElement` sees this instance's share of the other side and reads it.
 *
 * Flink guarantees no order between the two sides, so the broadcast side must change the state in
 * the same way whatever the other side did, or the instances' copies drift apart.
 */
export abstract class BroadcastProcessFunction<IN1, IN2, OUT> extends AbstractRichFunction {
  abstract processElement(value: IN1, ctx: BroadcastProcessReadOnlyContext, out: Collector<OUT>): void;
  abstract processBroadcastElement(value: IN2, ctx: BroadcastProcessContext, out: Collector<OUT>): void;
}

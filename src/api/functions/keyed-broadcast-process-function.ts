import type { Collector } from '../common/records.js';
import type {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
} from '../state/state-descriptor.js';
import type { AggregatingState, ListState, MapState, ReducingState, State, ValueState } from '../state/state.js';
import type { BroadcastProcessContext, BroadcastProcessReadOnlyContext } from './broadcast-process-function.js';
import type { TimeDomain, TimerService } from './process-function.js';
import { AbstractRichFunction } from './rich-function.js';

/** What `applyToKeyedState` calls once per key (Flink's KeyedStateFunction): the key and its state, scoped to it. */
export type KeyedStateFunction<K, S extends State> = (key: K, state: S) => void;

/**
 * The context of `processBroadcastElement` on a keyed stream (Flink's KeyedBroadcastProcessFunction
 * Context): no current key, but the keyed state of every key this parallel instance holds can be
 * visited with `applyToKeyedState`.
 */
export interface KeyedBroadcastProcessContext<K> extends BroadcastProcessContext {
  applyToKeyedState<T>(descriptor: ValueStateDescriptor<T>, fn: KeyedStateFunction<K, ValueState<T>>): void;
  applyToKeyedState<T>(descriptor: ListStateDescriptor<T>, fn: KeyedStateFunction<K, ListState<T>>): void;
  applyToKeyedState<UK, UV>(descriptor: MapStateDescriptor<UK, UV>, fn: KeyedStateFunction<K, MapState<UK, UV>>): void;
  applyToKeyedState<T>(descriptor: ReducingStateDescriptor<T>, fn: KeyedStateFunction<K, ReducingState<T>>): void;
  applyToKeyedState<IN, ACC, OUT>(
    descriptor: AggregatingStateDescriptor<IN, ACC, OUT>,
    fn: KeyedStateFunction<K, AggregatingState<IN, OUT>>,
  ): void;
}

/**
 * The context of `processElement` on a keyed stream (Flink's KeyedBroadcastProcessFunction
 * ReadOnlyContext): read-only broadcast state, the current key, and timers scoped to it.
 */
export interface KeyedBroadcastProcessReadOnlyContext<K> extends BroadcastProcessReadOnlyContext {
  timerService(): TimerService;
  getCurrentKey(): K;
}

/** What `onTimer` gets: the timer's time and domain, its key, and read-only broadcast state. */
export interface KeyedBroadcastOnTimerContext<K> extends KeyedBroadcastProcessReadOnlyContext<K> {
  timestamp(): number;
  timeDomain(): TimeDomain;
}

/**
 * Processes a keyed stream connected with a broadcast stream (Flink's KeyedBroadcastProcessFunction),
 * the pattern for rules or configuration applied to keyed events. Keyed state and timers work as in a
 * KeyedProcessFunction on the keyed side; the broadcast state is written on the broadcast side only.
 * Timers are checkpointed with the keyed state and move with their key when the job is rescaled.
 */
export abstract class KeyedBroadcastProcessFunction<K, IN1, IN2, OUT> extends AbstractRichFunction {
  abstract processElement(value: IN1, ctx: KeyedBroadcastProcessReadOnlyContext<K>, out: Collector<OUT>): void;
  abstract processBroadcastElement(value: IN2, ctx: KeyedBroadcastProcessContext<K>, out: Collector<OUT>): void;

  /**
   * Called when a timer registered through `ctx.timerService()` fires, with its key as the current
   * key. Records emitted here carry the timer's time for event-time timers and none for
   * processing-time timers.
   */
  onTimer(_timestamp: number, _ctx: KeyedBroadcastOnTimerContext<K>, _out: Collector<OUT>): void {
    // Override to react to timers; a function that registers none needs nothing here.
  }
}

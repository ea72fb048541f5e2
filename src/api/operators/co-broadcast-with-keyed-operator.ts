import type { OutputTag } from '../common/output-tag.js';
import type {
  KeyedBroadcastOnTimerContext,
  KeyedBroadcastProcessContext,
  KeyedBroadcastProcessFunction,
  KeyedBroadcastProcessReadOnlyContext,
} from '../functions/keyed-broadcast-process-function.js';
import type { TimeDomain, TimerService } from '../functions/process-function.js';
import type { InternalTimer, InternalTimerService, KeyedStateBackend, Triggerable } from '../state/operator-state-context.js';
import type { StreamOperatorStateContext } from '../state/operator-state-context.js';
import type { KeyedStateDescriptor, MapStateDescriptor } from '../state/state-descriptor.js';
import type { BroadcastState, ReadOnlyBroadcastState, State } from '../state/state.js';
import { NO_TIMESTAMP } from '../common/records.js';
import { TimestampedCollector } from './abstract-stream-operator.js';
import { BroadcastStates } from './broadcast-states.js';
import { AbstractTwoInputOperator } from './co-operators.js';
import { USER_TIMERS } from './process-operator.js';

/** A KeyedBroadcastProcessFunction, or an object with its methods (then `onTimer` is optional). */
export type KeyedBroadcastProcessFunctionLike<K, IN1, IN2, OUT> = Pick<
  KeyedBroadcastProcessFunction<K, IN1, IN2, OUT>,
  'processElement' | 'processBroadcastElement'
> &
  Partial<Pick<KeyedBroadcastProcessFunction<K, IN1, IN2, OUT>, 'onTimer'>>;

/**
 * Runs a KeyedBroadcastProcessFunction (Flink's CoBroadcastWithKeyedOperator): input 1 is the keyed
 * stream (the runtime sets each record's key in the keyed backend), input 2 every element of the
 * broadcast stream. Timers live in the keyed backend, so they are checkpointed with the keyed state
 * and fire with their key set; the broadcast states live in the operator state backend.
 */
export class CoBroadcastWithKeyedOperator<K, IN1, IN2, OUT>
  extends AbstractTwoInputOperator<IN1, IN2, OUT>
  implements Triggerable
{
  private collector!: TimestampedCollector<OUT>;
  private readonly states: BroadcastStates;
  private readonly readOnlyContext: ReadOnlyContext;
  private readonly context: Context;
  private readonly timerContext: OnTimerContext;
  private timerService: InternalTimerService | undefined;

  constructor(
    private readonly fn: KeyedBroadcastProcessFunctionLike<K, IN1, IN2, OUT>,
    descriptors: readonly MapStateDescriptor<unknown, unknown>[],
  ) {
    super(fn);
    this.states = new BroadcastStates(descriptors);
    this.readOnlyContext = new ReadOnlyContext(this);
    this.context = new Context(this);
    this.timerContext = new OnTimerContext(this);
  }

  override async initializeState(context: StreamOperatorStateContext): Promise<void> {
    await super.initializeState(context);
    this.states.initialize(context.operatorStateBackend);
    this.timerService = context.keyedStateBackend?.getInternalTimerService(USER_TIMERS, this);
  }

  override async open(): Promise<void> {
    this.collector = new TimestampedCollector(this.output);
    await super.open();
  }

  processElement1(value: IN1, timestamp: number): void {
    this.collector.timestamp = this.readOnlyContext.timestampValue = timestamp;
    this.fn.processElement(value, this.readOnlyContext as KeyedBroadcastProcessReadOnlyContext<K>, this.collector);
  }

  processElement2(value: IN2, timestamp: number): void {
    this.collector.timestamp = this.context.timestampValue = timestamp;
    this.fn.processBroadcastElement(value, this.context as KeyedBroadcastProcessContext<K>, this.collector);
  }

  /** Due event-time timers fire before the watermark goes downstream, so their output is not late. */
  override processWatermark(watermark: number): void {
    this.currentWatermark = watermark;
    this.timerService?.advanceWatermark(watermark);
    super.processWatermark(watermark);
  }

  onEventTime(timer: InternalTimer): void {
    this.fire(timer, 'EVENT_TIME');
  }

  onProcessingTime(timer: InternalTimer): void {
    this.fire(timer, 'PROCESSING_TIME');
  }

  private fire(timer: InternalTimer, domain: TimeDomain): void {
    // As in Flink: event-time results carry the timer's time, processing-time results none.
    this.collector.timestamp = domain === 'EVENT_TIME' ? timer.timestamp : NO_TIMESTAMP;
    const ctx = this.timerContext;
    ctx.timestampValue = timer.timestamp;
    ctx.domain = domain;
    this.fn.onTimer?.(timer.timestamp, ctx as KeyedBroadcastOnTimerContext<K>, this.collector);
  }

  /** Exposed to the contexts; not part of the operator contract. */
  broadcastStates(): BroadcastStates {
    return this.states;
  }
  emitSide(tag: OutputTag<unknown>, value: unknown, timestamp: number): void {
    this.output.collectSide(tag, value, timestamp);
  }
  watermark(): number {
    return this.currentWatermark;
  }
  now(): number {
    return this.setupInfo.services.processingTime();
  }
  keyed(what: string): KeyedStateBackend {
    if (this.keyedStateBackend === undefined) {
      throw new Error(`${what} needs the keyed state backend, which the runtime hands to the operator in initializeState().`);
    }
    return this.keyedStateBackend;
  }
  timers(): InternalTimerService {
    if (this.timerService === undefined) {
      throw new Error('Timers need the keyed state backend, which the runtime hands to the operator in initializeState().');
    }
    return this.timerService;
  }
}

type Operator = CoBroadcastWithKeyedOperator<unknown, never, never, unknown>;

/** What every context shares: the record's timestamp, side outputs and clocks. */
abstract class BaseContext {
  timestampValue = NO_TIMESTAMP;

  constructor(protected readonly operator: Operator) {}

  timestamp(): number | undefined {
    return this.timestampValue === NO_TIMESTAMP ? undefined : this.timestampValue;
  }
  output<X>(tag: OutputTag<X>, value: X): void {
    this.operator.emitSide(tag, value, this.timestampValue);
  }
  currentProcessingTime(): number {
    return this.operator.now();
  }
  currentWatermark(): number {
    return this.operator.watermark();
  }
}

/** The broadcast side: writable broadcast state, and every key's state through applyToKeyedState. */
class Context extends BaseContext implements KeyedBroadcastProcessContext<unknown> {
  getBroadcastState<K, V>(descriptor: MapStateDescriptor<K, V>): BroadcastState<K, V> {
    return this.operator.broadcastStates().get(descriptor);
  }
  applyToKeyedState(descriptor: KeyedStateDescriptor, fn: (key: unknown, state: never) => void): void {
    this.operator.keyed('applyToKeyedState()').applyToAllKeys(descriptor, fn as (key: unknown, state: State) => void);
  }
}

/** The keyed side: read-only broadcast state, the current key and its timers. */
class ReadOnlyContext extends BaseContext implements KeyedBroadcastProcessReadOnlyContext<unknown>, TimerService {
  getBroadcastState<K, V>(descriptor: MapStateDescriptor<K, V>): ReadOnlyBroadcastState<K, V> {
    return this.operator.broadcastStates().getReadOnly(descriptor);
  }
  getCurrentKey(): unknown {
    return this.operator.keyed('getCurrentKey()').getCurrentKey();
  }
  timerService(): TimerService {
    return this;
  }
  registerProcessingTimeTimer(time: number): void {
    this.operator.timers().registerProcessingTimeTimer(time);
  }
  registerEventTimeTimer(time: number): void {
    this.operator.timers().registerEventTimeTimer(time);
  }
  deleteProcessingTimeTimer(time: number): void {
    this.operator.timers().deleteProcessingTimeTimer(time);
  }
  deleteEventTimeTimer(time: number): void {
    this.operator.timers().deleteEventTimeTimer(time);
  }
}

/** `onTimer`'s context: the timer's time (side outputs carry it in both domains) and domain. */
class OnTimerContext extends ReadOnlyContext implements KeyedBroadcastOnTimerContext<unknown> {
  domain: TimeDomain = 'EVENT_TIME';

  override timestamp(): number {
    return this.timestampValue;
  }
  timeDomain(): TimeDomain {
    return this.domain;
  }
}

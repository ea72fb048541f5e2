import type { OutputTag } from '../common/output-tag.js';
import type { Collector } from '../common/records.js';
import type {
  KeyedProcessContext,
  OnTimerContext,
  ProcessFunctionLike,
  TimeDomain,
  TimerService,
} from '../functions/process-function.js';
import type { InternalTimer, InternalTimerService, Triggerable } from '../state/operator-state-context.js';
import type { StreamOperatorStateContext } from '../state/operator-state-context.js';
import type { OneInputStreamOperator } from './stream-operator.js';
import { NO_TIMESTAMP } from '../common/records.js';
import { AbstractStreamOperator, TimestampedCollector } from './abstract-stream-operator.js';

/** The name of the process functions' timer service in the keyed state backend (and its snapshots). */
export const USER_TIMERS = 'user-timers';

type OnTimer = (timestamp: number, ctx: OnTimerContext<unknown>, out: Collector<unknown>) => void;

/**
 * Runs a ProcessFunction (or, with a key selector, a KeyedProcessFunction). One context object is
 * reused for every record: allocating one per record would dominate cheap functions. On a keyed
 * input its timers live in the keyed state backend, so they are checkpointed with the key's state.
 */
export class ProcessOperator<IN, OUT>
  extends AbstractStreamOperator<OUT>
  implements OneInputStreamOperator<IN>, Triggerable, ProcessContextHost
{
  private readonly fn: (value: IN, ctx: KeyedProcessContext<unknown>, out: Collector<OUT>) => void;
  private readonly onTimerFn: OnTimer | undefined;
  private collector!: TimestampedCollector<OUT>;
  private readonly context: ReusableProcessContext;
  private readonly timerContext: ReusableOnTimerContext;
  private timerService: InternalTimerService | undefined;

  constructor(
    process: ProcessFunctionLike<IN, OUT, KeyedProcessContext<never>> | ProcessFunctionLike<IN, OUT>,
    private readonly keySelector?: (value: IN) => unknown,
  ) {
    super(process);
    const p = process as ProcessFunctionLike<IN, OUT, KeyedProcessContext<unknown>>;
    this.fn = typeof p === 'function' ? p : (v, ctx, out) => p.processElement(v, ctx, out);
    this.onTimerFn =
      typeof p !== 'function' && typeof p.onTimer === 'function'
        ? (timestamp, ctx, out) => p.onTimer?.(timestamp, ctx as OnTimerContext<never>, out)
        : undefined;
    this.context = new ReusableProcessContext(this, keySelector !== undefined);
    this.timerContext = new ReusableOnTimerContext(this, true);
  }

  override async initializeState(context: StreamOperatorStateContext): Promise<void> {
    await super.initializeState(context);
    if (this.keySelector !== undefined && this.keyedStateBackend !== undefined) {
      this.timerService = this.keyedStateBackend.getInternalTimerService(USER_TIMERS, this);
    }
  }

  override async open(): Promise<void> {
    this.collector = new TimestampedCollector(this.output);
    await super.open();
  }

  processElement(value: IN, timestamp: number): void {
    this.collector.timestamp = timestamp;
    this.context.timestampValue = timestamp;
    if (this.keySelector !== undefined) this.context.currentKey = this.keySelector(value);
    this.fn(value, this.context, this.collector);
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
    const onTimer = this.onTimerFn;
    if (onTimer === undefined) return;
    // As in Flink: results of event-time timers carry the timer's time; processing time has no
    // meaningful event timestamp to give them.
    this.collector.timestamp = domain === 'EVENT_TIME' ? timer.timestamp : NO_TIMESTAMP;
    const ctx = this.timerContext;
    ctx.timestampValue = timer.timestamp;
    ctx.currentKey = timer.key;
    ctx.domain = domain;
    onTimer(timer.timestamp, ctx, this.collector);
  }

  /** Exposed to the context; not part of the operator contract. */
  emitSide(tag: OutputTag<unknown>, value: unknown, timestamp: number): void {
    this.output.collectSide(tag, value, timestamp);
  }
  watermark(): number {
    return this.currentWatermark;
  }
  now(): number {
    return this.setupInfo.services.processingTime();
  }
  /** The timer service for registering/deleting, with Flink's messages where there is none. */
  timers(action: 'Setting' | 'Deleting'): InternalTimerService {
    if (this.keySelector === undefined) throw new Error(`${action} timers is only supported on a keyed streams.`);
    if (this.timerService === undefined) {
      throw new Error(
        `${action} timers needs the keyed state backend, which the runtime hands to the operator in initializeState().`,
      );
    }
    return this.timerService;
  }
}

/** What the reusable contexts need of their operator (ProcessOperator, KeyedCoProcessOperator). */
export interface ProcessContextHost {
  emitSide(tag: OutputTag<unknown>, value: unknown, timestamp: number): void;
  watermark(): number;
  now(): number;
  timers(action: 'Setting' | 'Deleting'): InternalTimerService;
}

/** A process function's context, one per operator, updated per record rather than allocated. */
export class ReusableProcessContext implements KeyedProcessContext<unknown>, TimerService {
  timestampValue = NO_TIMESTAMP;
  currentKey: unknown = undefined;

  constructor(
    private readonly operator: ProcessContextHost,
    private readonly keyed: boolean,
  ) {}

  timestamp(): number | undefined {
    return this.timestampValue === NO_TIMESTAMP ? undefined : this.timestampValue;
  }
  timerService(): TimerService {
    return this;
  }
  output<X>(tag: OutputTag<X>, value: X): void {
    this.operator.emitSide(tag, value, this.timestampValue);
  }
  getCurrentKey(): unknown {
    if (!this.keyed) throw new Error('getCurrentKey() is only available in a KeyedProcessFunction (after keyBy).');
    return this.currentKey;
  }
  currentProcessingTime(): number {
    return this.operator.now();
  }
  currentWatermark(): number {
    return this.operator.watermark();
  }
  registerProcessingTimeTimer(time: number): void {
    this.operator.timers('Setting').registerProcessingTimeTimer(time);
  }
  registerEventTimeTimer(time: number): void {
    this.operator.timers('Setting').registerEventTimeTimer(time);
  }
  deleteProcessingTimeTimer(time: number): void {
    this.operator.timers('Deleting').deleteProcessingTimeTimer(time);
  }
  deleteEventTimeTimer(time: number): void {
    this.operator.timers('Deleting').deleteEventTimeTimer(time);
  }
}

/**
 * The context of `onTimer`: the timer's key and time. Side outputs carry the timer's time in both
 * domains, as Flink's OnTimerContext does.
 */
export class ReusableOnTimerContext extends ReusableProcessContext implements OnTimerContext<unknown> {
  domain: TimeDomain = 'EVENT_TIME';

  override timestamp(): number {
    return this.timestampValue;
  }
  timeDomain(): TimeDomain {
    return this.domain;
  }
}

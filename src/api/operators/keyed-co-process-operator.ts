import type { OutputTag } from '../common/output-tag.js';
import type { KeyedCoProcessFunction } from '../functions/keyed-co-process-function.js';
import type { CoProcessFunction, KeyedProcessContext, OnTimerContext, TimeDomain } from '../functions/process-function.js';
import type { InternalTimer, InternalTimerService, Triggerable } from '../state/operator-state-context.js';
import type { StreamOperatorStateContext } from '../state/operator-state-context.js';
import type { ProcessContextHost } from './process-operator.js';
import { NO_TIMESTAMP } from '../common/records.js';
import { TimestampedCollector } from './abstract-stream-operator.js';
import { AbstractTwoInputOperator } from './co-operators.js';
import { ReusableOnTimerContext, ReusableProcessContext, USER_TIMERS } from './process-operator.js';

/**
 * Runs a KeyedCoProcessFunction — or a CoProcessFunction on two keyed inputs — (Flink's
 * KeyedCoProcessOperator). The runtime sets each record's key in the keyed backend before the
 * record arrives, whichever input it comes from, so both inputs share the key's state and timers.
 * Timers live in the keyed backend: checkpointed with the key's state, moved with its key group.
 */
export class KeyedCoProcessOperator<K, IN1, IN2, OUT>
  extends AbstractTwoInputOperator<IN1, IN2, OUT>
  implements Triggerable, ProcessContextHost
{
  private collector!: TimestampedCollector<OUT>;
  private readonly context: ReusableProcessContext;
  private readonly timerContext: ReusableOnTimerContext;
  private timerService: InternalTimerService | undefined;

  constructor(private readonly fn: KeyedCoProcessFunction<K, IN1, IN2, OUT> | CoProcessFunction<IN1, IN2, OUT>) {
    super(fn);
    this.context = new ReusableProcessContext(this, true);
    this.timerContext = new ReusableOnTimerContext(this, true);
  }

  override async initializeState(context: StreamOperatorStateContext): Promise<void> {
    await super.initializeState(context);
    this.timerService = context.keyedStateBackend?.getInternalTimerService(USER_TIMERS, this);
  }

  override async open(): Promise<void> {
    this.collector = new TimestampedCollector(this.output);
    await super.open();
  }

  processElement1(value: IN1, timestamp: number): void {
    this.prepare(timestamp);
    this.fn.processElement1(value, this.context as KeyedProcessContext<K>, this.collector);
  }

  processElement2(value: IN2, timestamp: number): void {
    this.prepare(timestamp);
    this.fn.processElement2(value, this.context as KeyedProcessContext<K>, this.collector);
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

  private prepare(timestamp: number): void {
    this.collector.timestamp = timestamp;
    this.context.timestampValue = timestamp;
    this.context.currentKey = this.keyedStateBackend?.getCurrentKey();
  }

  private fire(timer: InternalTimer, domain: TimeDomain): void {
    // As in Flink: event-time results carry the timer's time, processing-time results none.
    this.collector.timestamp = domain === 'EVENT_TIME' ? timer.timestamp : NO_TIMESTAMP;
    const ctx = this.timerContext;
    ctx.timestampValue = timer.timestamp;
    ctx.currentKey = timer.key;
    ctx.domain = domain;
    this.fn.onTimer(timer.timestamp, ctx as OnTimerContext<K>, this.collector);
  }

  /** Exposed to the contexts; not part of the operator contract. */
  emitSide(tag: OutputTag<unknown>, value: unknown, timestamp: number): void {
    this.output.collectSide(tag, value, timestamp);
  }
  watermark(): number {
    return this.currentWatermark;
  }
  now(): number {
    return this.setupInfo.services.processingTime();
  }
  timers(action: 'Setting' | 'Deleting'): InternalTimerService {
    if (this.timerService === undefined) {
      throw new Error(`${action} timers needs the keyed state backend, which the runtime hands to the operator in initializeState().`);
    }
    return this.timerService;
  }
}

import type { OutputTag } from '../common/output-tag.js';
import type { Collector } from '../common/records.js';
import type { KeyedProcessContext, ProcessFunctionLike, TimerService } from '../functions/process-function.js';
import type { OneInputStreamOperator } from './stream-operator.js';
import { NO_TIMESTAMP } from '../common/records.js';
import { AbstractStreamOperator, TimestampedCollector } from './abstract-stream-operator.js';

/**
 * Runs a ProcessFunction (or, with a key selector, a KeyedProcessFunction). One context object is
 * reused for every record: allocating one per record would dominate cheap functions.
 */
export class ProcessOperator<IN, OUT> extends AbstractStreamOperator<OUT> implements OneInputStreamOperator<IN> {
  private readonly fn: (value: IN, ctx: KeyedProcessContext<unknown>, out: Collector<OUT>) => void;
  private collector!: TimestampedCollector<OUT>;
  private readonly context: ReusableProcessContext;

  constructor(
    process: ProcessFunctionLike<IN, OUT, KeyedProcessContext<never>> | ProcessFunctionLike<IN, OUT>,
    private readonly keySelector?: (value: IN) => unknown,
  ) {
    super(process);
    const p = process as ProcessFunctionLike<IN, OUT, KeyedProcessContext<unknown>>;
    this.fn = typeof p === 'function' ? p : (v, ctx, out) => p.processElement(v, ctx, out);
    this.context = new ReusableProcessContext(this, keySelector !== undefined);
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
}

class ReusableProcessContext implements KeyedProcessContext<unknown>, TimerService {
  timestampValue = NO_TIMESTAMP;
  currentKey: unknown = undefined;

  constructor(
    private readonly operator: ProcessOperator<never, unknown>,
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
  registerProcessingTimeTimer(): void {
    unsupportedTimers();
  }
  registerEventTimeTimer(): void {
    unsupportedTimers();
  }
  deleteProcessingTimeTimer(): void {
    unsupportedTimers();
  }
  deleteEventTimeTimer(): void {
    unsupportedTimers();
  }
}

function unsupportedTimers(): never {
  throw new Error(
    'Timers are not supported yet in flink-ts: they arrive together with checkpointed keyed state. ' +
      'Use processing-time logic inside processElement for now.',
  );
}

import type { OutputTag } from '../common/output-tag.js';
import type { CoFlatMapFunction, CoMapFunction } from '../functions/function-types.js';
import type { CoProcessFunction, ProcessContext, TimerService } from '../functions/process-function.js';
import type { TwoInputStreamOperator } from './stream-operator.js';
import type { WatermarkStatus } from '../common/watermark-status.js';
import { NO_TIMESTAMP } from '../common/records.js';
import { AbstractStreamOperator, TimestampedCollector, emitReturned } from './abstract-stream-operator.js';

/**
 * Two-input operators take the minimum of both inputs' watermarks, as Flink's do; until both
 * inputs have sent one, the smaller is -Infinity and nothing is forwarded. An IDLE input is left
 * out of the minimum (Flink's CombinedWatermarkStatus), so a quiet side — a rule stream, a
 * dimension table — does not stall event time; the operator itself is IDLE only when both are.
 */
export abstract class AbstractTwoInputOperator<IN1, IN2, OUT>
  extends AbstractStreamOperator<OUT>
  implements TwoInputStreamOperator<IN1, IN2>
{
  private readonly inputWatermarks = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  private readonly inputIdle = [false, false];

  abstract processElement1(value: IN1, timestamp: number): void;
  abstract processElement2(value: IN2, timestamp: number): void;

  processWatermark1(watermark: number): void {
    this.inputWatermarks[0] = watermark;
    this.advance();
  }
  processWatermark2(watermark: number): void {
    this.inputWatermarks[1] = watermark;
    this.advance();
  }
  processWatermarkStatus1(status: WatermarkStatus): void {
    this.updateStatus(0, status);
  }
  processWatermarkStatus2(status: WatermarkStatus): void {
    this.updateStatus(1, status);
  }

  private updateStatus(input: 0 | 1, status: WatermarkStatus): void {
    const wasIdle = this.allIdle();
    this.inputIdle[input] = status === 'IDLE';
    this.advance();
    const idle = this.allIdle();
    if (idle !== wasIdle) super.processWatermarkStatus(idle ? 'IDLE' : 'ACTIVE');
  }
  private allIdle(): boolean {
    return this.inputIdle[0] === true && this.inputIdle[1] === true;
  }
  private advance(): void {
    let combined = Number.POSITIVE_INFINITY;
    let anyActive = false;
    for (let i = 0; i < 2; i++) {
      if (this.inputIdle[i]) continue;
      anyActive = true;
      combined = Math.min(combined, this.inputWatermarks[i] as number);
    }
    // All idle: nothing may advance the clock until an input is active again. Through `this`, so
    // operators with timers (keyed co-process, keyed broadcast) fire them first.
    if (anyActive && combined > this.currentWatermark) this.processWatermark(combined);
  }
}

export class CoStreamMap<IN1, IN2, OUT> extends AbstractTwoInputOperator<IN1, IN2, OUT> {
  constructor(private readonly fn: CoMapFunction<IN1, IN2, OUT>) {
    super(fn);
  }
  processElement1(value: IN1, timestamp: number): void {
    this.output.collect(this.fn.map1(value), timestamp);
  }
  processElement2(value: IN2, timestamp: number): void {
    this.output.collect(this.fn.map2(value), timestamp);
  }
}

export class CoStreamFlatMap<IN1, IN2, OUT> extends AbstractTwoInputOperator<IN1, IN2, OUT> {
  private collector!: TimestampedCollector<OUT>;
  constructor(private readonly fn: CoFlatMapFunction<IN1, IN2, OUT>) {
    super(fn);
  }
  override async open(): Promise<void> {
    this.collector = new TimestampedCollector(this.output);
    await super.open();
  }
  processElement1(value: IN1, timestamp: number): void {
    this.collector.timestamp = timestamp;
    emitReturned(this.fn.flatMap1(value, this.collector), this.collector);
  }
  processElement2(value: IN2, timestamp: number): void {
    this.collector.timestamp = timestamp;
    emitReturned(this.fn.flatMap2(value, this.collector), this.collector);
  }
}

export class CoProcessOperator<IN1, IN2, OUT> extends AbstractTwoInputOperator<IN1, IN2, OUT> {
  private collector!: TimestampedCollector<OUT>;
  private currentTimestamp = NO_TIMESTAMP;
  private readonly context: ProcessContext;

  constructor(private readonly fn: CoProcessFunction<IN1, IN2, OUT>) {
    super(fn);
    const timerService: TimerService = {
      currentProcessingTime: () => this.setupInfo.services.processingTime(),
      currentWatermark: () => this.currentWatermark,
      registerEventTimeTimer: () => notKeyed('Setting'),
      registerProcessingTimeTimer: () => notKeyed('Setting'),
      deleteEventTimeTimer: () => notKeyed('Deleting'),
      deleteProcessingTimeTimer: () => notKeyed('Deleting'),
    };
    this.context = {
      timestamp: () => (this.currentTimestamp === NO_TIMESTAMP ? undefined : this.currentTimestamp),
      timerService: () => timerService,
      output: <X>(tag: OutputTag<X>, value: X) => {
        this.output.collectSide(tag, value, this.currentTimestamp);
      },
    };
  }
  override async open(): Promise<void> {
    this.collector = new TimestampedCollector(this.output);
    await super.open();
  }
  processElement1(value: IN1, timestamp: number): void {
    this.collector.timestamp = this.currentTimestamp = timestamp;
    this.fn.processElement1(value, this.context, this.collector);
  }
  processElement2(value: IN2, timestamp: number): void {
    this.collector.timestamp = this.currentTimestamp = timestamp;
    this.fn.processElement2(value, this.context, this.collector);
  }
}

/** Flink's message: timers need a key to be scoped to, so a CoProcessFunction has none unless both inputs are keyed. */
function notKeyed(action: 'Setting' | 'Deleting'): never {
  throw new Error(`${action} timers is only supported on a keyed streams.`);
}

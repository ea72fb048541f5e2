import type { Output } from '../common/records.js';
import type { WatermarkStrategy } from '../common/watermark-strategy.js';
import type { TimestampAssigner, WatermarkGenerator } from '../common/watermarks/watermark-generator.js';
import type { OperatorServices } from './stream-operator.js';
import { WatermarkEmitter } from './watermark-emitter.js';

/**
 * One subtask's event-time machinery, shared by sources (`fromSource(…, strategy)`) and by
 * `assignTimestampsAndWatermarks`: assigns each record's timestamp, feeds the generator, and calls
 * its periodic emission every `intervalMs` through the task's processing-time timers, so emission
 * runs between records and never races the record path.
 */
export class TimestampsAndWatermarks<T> {
  private readonly assigner: TimestampAssigner<T>;
  private readonly generator: WatermarkGenerator<T>;
  readonly emitter: WatermarkEmitter;
  private cancelTimer: (() => void) | undefined;
  private closed = false;

  constructor(
    strategy: WatermarkStrategy<T>,
    private readonly output: Output<T>,
    private readonly services: OperatorServices,
    private readonly intervalMs: number,
  ) {
    this.assigner = strategy.createTimestampAssigner();
    this.generator = strategy.createWatermarkGenerator({ currentProcessingTime: () => services.processingTime() });
    this.emitter = new WatermarkEmitter(output);
  }

  /** Starts periodic emission; an interval of 0 disables it (Flink's rule). */
  start(): void {
    if (this.intervalMs > 0) this.schedule();
  }

  collect(value: T, recordTimestamp: number): void {
    const timestamp = this.assigner(value, recordTimestamp);
    this.output.collect(value, timestamp);
    this.generator.onEvent(value, timestamp, this.emitter);
  }

  /** At end of input: one last periodic emission, so the final watermark precedes MAX_WATERMARK. */
  emitPeriodic(): void {
    this.generator.onPeriodicEmit(this.emitter);
  }

  stop(): void {
    this.closed = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  private schedule(): void {
    this.cancelTimer = this.services.scheduleProcessingTime(this.services.processingTime() + this.intervalMs, () => {
      if (this.closed) return;
      this.generator.onPeriodicEmit(this.emitter);
      this.schedule();
    });
  }
}

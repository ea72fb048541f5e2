import type { OneInputStreamOperator } from './stream-operator.js';
import type { WatermarkStrategy } from '../common/watermark-strategy.js';
import { AbstractStreamOperator } from './abstract-stream-operator.js';
import { TimestampsAndWatermarks } from './timestamps-and-watermarks.js';

/**
 * `assignTimestampsAndWatermarks(strategy)`: stamps records and generates this stream's watermarks.
 * Watermarks and idleness from upstream are dropped, since this operator now owns event time,
 * except the end-of-input MAX watermark, which must still fire every timer downstream.
 */
export class TimestampsAndWatermarksOperator<T> extends AbstractStreamOperator<T> implements OneInputStreamOperator<T> {
  private watermarks: TimestampsAndWatermarks<T> | undefined;

  constructor(
    private readonly strategy: WatermarkStrategy<T>,
    private readonly intervalMs: () => number,
  ) {
    super();
  }

  override async open(): Promise<void> {
    await super.open();
    this.watermarks = new TimestampsAndWatermarks(this.strategy, this.output, this.setupInfo.services, this.intervalMs());
    this.watermarks.start();
  }

  processElement(value: T, timestamp: number): void {
    (this.watermarks as TimestampsAndWatermarks<T>).collect(value, timestamp);
  }

  override processWatermark(watermark: number): void {
    if (watermark === Number.POSITIVE_INFINITY) this.watermarks?.emitter.emitWatermark(watermark);
  }

  override processWatermarkStatus(): void {
    // Upstream idleness says nothing about this operator's own watermarks.
  }

  override finish(): void {
    this.watermarks?.emitPeriodic();
  }

  override async close(): Promise<void> {
    this.watermarks?.stop();
    await super.close();
  }
}

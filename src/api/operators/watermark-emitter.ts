import type { Output } from '../common/records.js';
import type { WatermarkOutput } from '../common/watermarks/watermark-output.js';

/**
 * Turns a generator's WatermarkOutput calls into what goes downstream (Flink's
 * WatermarkToDataOutput): watermarks only when they advance, and IDLE/ACTIVE only on a change.
 * A watermark from an idle output makes it active first, since it is progress.
 */
export class WatermarkEmitter implements WatermarkOutput {
  private maxWatermark = Number.NEGATIVE_INFINITY;
  private idle = false;

  constructor(private readonly output: Output<unknown>) {}

  emitWatermark(watermark: number): void {
    if (watermark <= this.maxWatermark) return;
    this.maxWatermark = watermark;
    this.markActive();
    this.output.emitWatermark(watermark);
  }

  markIdle(): void {
    if (this.idle) return;
    this.idle = true;
    this.output.emitWatermarkStatus?.('IDLE');
  }

  markActive(): void {
    if (!this.idle) return;
    this.idle = false;
    this.output.emitWatermarkStatus?.('ACTIVE');
  }

  get currentWatermark(): number {
    return this.maxWatermark;
  }
}

import type { WatermarkGenerator } from './watermark-generator.js';
import type { WatermarkOutput } from './watermark-output.js';

/**
 * Periodic generator for elements at most `maxOutOfOrderness` ms late relative to the largest
 * timestamp seen: it emits `maxTimestamp − maxOutOfOrderness − 1`, the highest watermark under
 * which an element still within the bound is not late.
 */
export class BoundedOutOfOrdernessWatermarks<T> implements WatermarkGenerator<T> {
  private maxTimestamp: number;

  constructor(private readonly maxOutOfOrderness: number) {
    if (!(maxOutOfOrderness >= 0)) throw new RangeError(`maxOutOfOrderness must be ≥ 0, got ${maxOutOfOrderness}.`);
    // Before any event the emitted watermark is the lowest possible one (Flink starts at Long.MIN_VALUE + bound + 1).
    this.maxTimestamp = Number.NEGATIVE_INFINITY;
  }

  onEvent(_event: T, eventTimestamp: number): void {
    if (eventTimestamp > this.maxTimestamp) this.maxTimestamp = eventTimestamp;
  }

  onPeriodicEmit(output: WatermarkOutput): void {
    output.emitWatermark(this.maxTimestamp - this.maxOutOfOrderness - 1);
  }
}

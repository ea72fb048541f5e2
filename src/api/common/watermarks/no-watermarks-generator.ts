import type { WatermarkGenerator } from './watermark-generator.js';

/** Emits nothing: event time never advances except through the end-of-input watermark. */
export class NoWatermarksGenerator<T> implements WatermarkGenerator<T> {
  onEvent(): void {}
  onPeriodicEmit(): void {}
}

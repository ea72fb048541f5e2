import type { WatermarkOutput } from './watermark-output.js';

/**
 * Generates watermarks from the events it sees (Flink's WatermarkGenerator). A punctuated
 * generator emits in `onEvent`; a periodic one in `onPeriodicEmit`, which the runtime calls every
 * `pipeline.auto-watermark-interval` and once more at end of input.
 */
export interface WatermarkGenerator<T> {
  onEvent(event: T, eventTimestamp: number, output: WatermarkOutput): void;
  onPeriodicEmit(output: WatermarkOutput): void;
}

/** What a generator gets when it is created, once per subtask (Flink's WatermarkGeneratorSupplier.Context). */
export interface WatermarkGeneratorContext {
  /** The subtask's processing-time clock (ms); tests substitute a manual one. */
  currentProcessingTime(): number;
}

export type WatermarkGeneratorSupplier<T> = (context: WatermarkGeneratorContext) => WatermarkGenerator<T>;

/** Extracts an element's event timestamp; `recordTimestamp` is the one it already carries, if any. */
export type TimestampAssigner<T> = (element: T, recordTimestamp: number) => number;

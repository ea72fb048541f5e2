/** Where a WatermarkGenerator reports progress (Flink's WatermarkOutput). */
export interface WatermarkOutput {
  /** Event time has reached `watermark` (ms): no element with a timestamp ≤ it should follow. Lower values than before are ignored. */
  emitWatermark(watermark: number): void;
  /** This output will not produce events for a while: downstream must not wait for it. */
  markIdle(): void;
  /** The output produces events again (emitting a watermark also does this). */
  markActive(): void;
}

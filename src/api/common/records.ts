import type { OutputTag } from './output-tag.js';
import type { WatermarkStatus } from './watermark-status.js';

/** The timestamp a record carries when it has none (Flink's `hasTimestamp() == false`). */
export const NO_TIMESTAMP = Number.MIN_SAFE_INTEGER;

/**
 * Where an operator emits to. Records travel as bare values plus a timestamp argument instead of a
 * wrapper object per record: chaining stays a plain function call (perf-baselines.md §1).
 */
export interface Output<T> {
  collect(value: T, timestamp: number): void;
  collectSide(tag: OutputTag<unknown>, value: unknown, timestamp: number): void;
  emitWatermark(watermark: number): void;
  /** Optional so outputs that never see event time (test doubles) need not implement it. */
  emitWatermarkStatus?(status: WatermarkStatus): void;
}

/** The user-facing collector handed to flatMap and process functions. */
export interface Collector<T> {
  collect(value: T): void;
}

import type { ExecutionAttemptId } from '../../core/ids.js';

/** What a subtask reports about itself, with Flink's metric names (reference/flink-runtime.md §3.4). */
export interface TaskMetricsSnapshot {
  readonly attemptId: ExecutionAttemptId;
  readonly numRecordsIn: number;
  readonly numRecordsOut: number;
  readonly numBytesIn: number;
  readonly numBytesOut: number;
  readonly busyTimeMsPerSecond: number;
  readonly idleTimeMsPerSecond: number;
  readonly backPressuredTimeMsPerSecond: number;
  readonly accumulatedBusyTime: number;
  readonly accumulatedIdleTime: number;
  readonly accumulatedBackPressuredTime: number;
  /**
   * Event time at the task's input and output (Flink's `currentInputWatermark` and
   * `currentOutputWatermark`); `Number.MIN_SAFE_INTEGER` before the first watermark and
   * `Number.MAX_SAFE_INTEGER` after the end of input, where Flink reports Long.MIN/MAX_VALUE.
   */
  readonly currentInputWatermark: number;
  readonly currentOutputWatermark: number;
  readonly timestamp: number;
}

/**
 * Counts records and splits the task's wall time into busy, idle (waiting for input) and
 * backpressured (waiting for room in an output). Rates are taken over the time since the last
 * snapshot, so they describe the last reporting interval as Flink's per-second gauges do.
 */
export class TaskMetrics {
  numRecordsIn = 0;
  numRecordsOut = 0;
  numBytesIn = 0;
  numBytesOut = 0;
  currentInputWatermark = Number.NEGATIVE_INFINITY;
  currentOutputWatermark = Number.NEGATIVE_INFINITY;
  private idle = 0;
  private backPressured = 0;
  private readonly started = performance.now();
  private last = { at: this.started, idle: 0, backPressured: 0 };

  constructor(readonly attemptId: ExecutionAttemptId) {}

  addIdle(ms: number): void {
    this.idle += ms;
  }

  addBackPressured(ms: number): void {
    this.backPressured += ms;
  }

  snapshot(): TaskMetricsSnapshot {
    const now = performance.now();
    const span = Math.max(now - this.last.at, 1);
    const idleRate = Math.min(1000, ((this.idle - this.last.idle) / span) * 1000);
    const bpRate = Math.min(1000 - idleRate, ((this.backPressured - this.last.backPressured) / span) * 1000);
    this.last = { at: now, idle: this.idle, backPressured: this.backPressured };
    const total = now - this.started;
    return {
      attemptId: this.attemptId,
      numRecordsIn: this.numRecordsIn,
      numRecordsOut: this.numRecordsOut,
      numBytesIn: this.numBytesIn,
      numBytesOut: this.numBytesOut,
      idleTimeMsPerSecond: Math.round(idleRate),
      backPressuredTimeMsPerSecond: Math.round(bpRate),
      busyTimeMsPerSecond: Math.round(Math.max(0, 1000 - idleRate - bpRate)),
      accumulatedIdleTime: Math.round(this.idle),
      accumulatedBackPressuredTime: Math.round(this.backPressured),
      accumulatedBusyTime: Math.round(Math.max(0, total - this.idle - this.backPressured)),
      currentInputWatermark: asMetric(this.currentInputWatermark),
      currentOutputWatermark: asMetric(this.currentOutputWatermark),
      timestamp: Date.now(),
    };
  }
}

/** Watermarks are ±Infinity at the ends of time; metrics are JSON numbers. */
function asMetric(watermark: number): number {
  return Math.min(Number.MAX_SAFE_INTEGER, Math.max(Number.MIN_SAFE_INTEGER, watermark));
}

import type { WatermarkGenerator, WatermarkGeneratorContext } from './watermark-generator.js';
import type { WatermarkOutput } from './watermark-output.js';

/**
 * Wraps a generator and marks the output idle once no event arrived for `idleTimeout` ms, so a
 * silent source subtask does not stall downstream event time. Idleness is checked at periodic
 * emission, not per event: events only bump a counter, keeping the clock off the record path.
 */
export class WatermarksWithIdleness<T> implements WatermarkGenerator<T> {
  private activityCounter = 0;
  private lastCounter = 0;
  /** Processing time when the current quiet stretch was first noticed; undefined while active. */
  private startOfInactivity: number | undefined;
  private idle = false;

  constructor(
    private readonly watermarks: WatermarkGenerator<T>,
    private readonly idleTimeout: number,
    private readonly context: WatermarkGeneratorContext,
  ) {
    if (!(idleTimeout > 0)) throw new RangeError(`idleness timeout must be > 0, got ${idleTimeout}.`);
  }

  onEvent(event: T, eventTimestamp: number, output: WatermarkOutput): void {
    this.watermarks.onEvent(event, eventTimestamp, output);
    this.activityCounter++;
  }

  onPeriodicEmit(output: WatermarkOutput): void {
    if (this.checkIfIdle()) {
      if (!this.idle) output.markIdle();
      this.idle = true;
      return;
    }
    if (this.idle) output.markActive();
    this.idle = false;
    this.watermarks.onPeriodicEmit(output);
  }

  private checkIfIdle(): boolean {
    if (this.activityCounter !== this.lastCounter) {
      this.lastCounter = this.activityCounter;
      this.startOfInactivity = undefined;
      return false;
    }
    const now = this.context.currentProcessingTime();
    if (this.startOfInactivity === undefined) {
      this.startOfInactivity = now;
      return false;
    }
    return now - this.startOfInactivity > this.idleTimeout;
  }
}

import type { Trigger } from './trigger.js';
import { EventTimeTrigger } from './event-time-trigger.js';
import { TimeWindow } from './time-window.js';
import { WindowAssigner, checkOffset, checkPositive, timeWindowFromNamespace } from './window-assigner.js';

/** Fixed, non-overlapping event-time windows of `size`, shifted by `offset` (e.g. for time zones). */
export class TumblingEventTimeWindows extends WindowAssigner<unknown, TimeWindow> {
  private constructor(
    private readonly size: number,
    private readonly offset: number,
  ) {
    super();
  }
  static of(size: number, offset = 0): TumblingEventTimeWindows {
    checkPositive('The window size', size);
    checkOffset(offset, size);
    return new TumblingEventTimeWindows(size, offset);
  }

  assignWindows(_element: unknown, timestamp: number): TimeWindow[] {
    if (!Number.isFinite(timestamp)) {
      throw new Error(
        'Record has no timestamp. Is the time characteristic set to event time, or did you forget to call assignTimestampsAndWatermarks()?',
      );
    }
    const start = TimeWindow.getWindowStartWithOffset(timestamp, this.offset, this.size);
    return [TimeWindow.of(start, start + this.size)];
  }
  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return EventTimeTrigger.create();
  }
  isEventTime(): boolean {
    return true;
  }
  windowFromNamespace(namespace: unknown): TimeWindow {
    return timeWindowFromNamespace(namespace);
  }
  getSize(): number {
    return this.size;
  }
  override toString(): string {
    return `TumblingEventTimeWindows(${this.size})`;
  }
}

import type { Trigger } from './trigger.js';
import { EventTimeTrigger } from './event-time-trigger.js';
import { TimeWindow } from './time-window.js';
import { WindowAssigner, checkOffset, checkPositive, timeWindowFromNamespace } from './window-assigner.js';

/** Event-time windows of `size` starting every `slide`: an element is in `size / slide` of them. */
export class SlidingEventTimeWindows extends WindowAssigner<unknown, TimeWindow> {
  private constructor(
    private readonly size: number,
    private readonly slide: number,
    private readonly offset: number,
  ) {
    super();
  }
  static of(size: number, slide: number, offset = 0): SlidingEventTimeWindows {
    checkPositive('The window size', size);
    checkPositive('The slide', slide);
    checkOffset(offset, slide);
    return new SlidingEventTimeWindows(size, slide, offset);
  }

  assignWindows(_element: unknown, timestamp: number): TimeWindow[] {
    if (!Number.isFinite(timestamp)) {
      throw new Error(
        'Record has no timestamp. Is the time characteristic set to event time, or did you forget to call assignTimestampsAndWatermarks()?',
      );
    }
    return slidingWindows(timestamp, this.size, this.slide, this.offset);
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
  override toString(): string {
    return `SlidingEventTimeWindows(${this.size}, ${this.slide})`;
  }
}

/** The windows containing `timestamp`, latest start first (Flink's order). */
export function slidingWindows(timestamp: number, size: number, slide: number, offset: number): TimeWindow[] {
  const windows: TimeWindow[] = [];
  const lastStart = TimeWindow.getWindowStartWithOffset(timestamp, offset, slide);
  for (let start = lastStart; start > timestamp - size; start -= slide) windows.push(TimeWindow.of(start, start + size));
  return windows;
}

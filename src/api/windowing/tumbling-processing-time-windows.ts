import type { Trigger } from './trigger.js';
import type { WindowAssignerContext } from './window-assigner.js';
import { ProcessingTimeTrigger } from './processing-time-trigger.js';
import { TimeWindow } from './time-window.js';
import { WindowAssigner, checkOffset, checkPositive, timeWindowFromNamespace } from './window-assigner.js';

/** Tumbling windows of the operator's clock: an element goes to the window of "now", not of its timestamp. */
export class TumblingProcessingTimeWindows extends WindowAssigner<unknown, TimeWindow> {
  private constructor(
    private readonly size: number,
    private readonly offset: number,
  ) {
    super();
  }
  static of(size: number, offset = 0): TumblingProcessingTimeWindows {
    checkPositive('The window size', size);
    checkOffset(offset, size);
    return new TumblingProcessingTimeWindows(size, offset);
  }

  assignWindows(_element: unknown, _timestamp: number, context: WindowAssignerContext): TimeWindow[] {
    const now = context.getCurrentProcessingTime();
    const start = TimeWindow.getWindowStartWithOffset(now, this.offset, this.size);
    return [TimeWindow.of(start, start + this.size)];
  }
  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return ProcessingTimeTrigger.create();
  }
  isEventTime(): boolean {
    return false;
  }
  windowFromNamespace(namespace: unknown): TimeWindow {
    return timeWindowFromNamespace(namespace);
  }
  override toString(): string {
    return `TumblingProcessingTimeWindows(${this.size})`;
  }
}

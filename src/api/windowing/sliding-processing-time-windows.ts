import type { TimeWindow } from './time-window.js';
import type { Trigger } from './trigger.js';
import type { WindowAssignerContext } from './window-assigner.js';
import { ProcessingTimeTrigger } from './processing-time-trigger.js';
import { slidingWindows } from './sliding-event-time-windows.js';
import { WindowAssigner, checkOffset, checkPositive, timeWindowFromNamespace } from './window-assigner.js';

/** Sliding windows of the operator's clock. */
export class SlidingProcessingTimeWindows extends WindowAssigner<unknown, TimeWindow> {
  private constructor(
    private readonly size: number,
    private readonly slide: number,
    private readonly offset: number,
  ) {
    super();
  }
  static of(size: number, slide: number, offset = 0): SlidingProcessingTimeWindows {
    checkPositive('The window size', size);
    checkPositive('The slide', slide);
    checkOffset(offset, slide);
    return new SlidingProcessingTimeWindows(size, slide, offset);
  }

  assignWindows(_element: unknown, _timestamp: number, context: WindowAssignerContext): TimeWindow[] {
    return slidingWindows(context.getCurrentProcessingTime(), this.size, this.slide, this.offset);
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
    return `SlidingProcessingTimeWindows(${this.size}, ${this.slide})`;
  }
}

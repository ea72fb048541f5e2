import type { SessionWindowTimeGapExtractor } from './session-window-time-gap-extractor.js';
import type { Trigger } from './trigger.js';
import { EventTimeTrigger } from './event-time-trigger.js';
import { TimeWindow } from './time-window.js';
import { MergingWindowAssigner, checkPositive, timeWindowFromNamespace } from './window-assigner.js';

/**
 * Sessions in event time: each element opens `[ts, ts + gap)`, and windows that touch or overlap
 * merge, so a session ends after `gap` without elements. The gap is fixed or per element.
 */
export class EventTimeSessionWindows<T = unknown> extends MergingWindowAssigner<T, TimeWindow> {
  private constructor(private readonly gap: SessionWindowTimeGapExtractor<T>) {
    super();
  }
  static withGap(gap: number): EventTimeSessionWindows {
    checkPositive('The session gap', gap);
    return new EventTimeSessionWindows(() => gap);
  }
  static withDynamicGap<T>(extractor: SessionWindowTimeGapExtractor<T>): EventTimeSessionWindows<T> {
    return new EventTimeSessionWindows(extractor);
  }

  assignWindows(element: T, timestamp: number): TimeWindow[] {
    const gap = this.gap(element);
    checkPositive('The session gap', gap);
    return [new TimeWindow(timestamp, timestamp + gap)];
  }
  mergeWindows(windows: Iterable<TimeWindow>, merge: (merged: TimeWindow[], result: TimeWindow) => void): void {
    TimeWindow.mergeWindows(windows, merge);
  }
  getDefaultTrigger(): Trigger<T, TimeWindow> {
    return EventTimeTrigger.create();
  }
  isEventTime(): boolean {
    return true;
  }
  windowFromNamespace(namespace: unknown): TimeWindow {
    return timeWindowFromNamespace(namespace);
  }
  override toString(): string {
    return 'EventTimeSessionWindows()';
  }
}

import type { SessionWindowTimeGapExtractor } from './session-window-time-gap-extractor.js';
import type { Trigger } from './trigger.js';
import type { WindowAssignerContext } from './window-assigner.js';
import { ProcessingTimeTrigger } from './processing-time-trigger.js';
import { TimeWindow } from './time-window.js';
import { MergingWindowAssigner, checkPositive, timeWindowFromNamespace } from './window-assigner.js';

/**
 * Sessions in processing time: each element opens `[now, now + gap)` on the operator clock; windows that touch or overlap
 * merge, so a session ends after `gap` without elements. The gap is fixed or per element.
 */
export class ProcessingTimeSessionWindows<T = unknown> extends MergingWindowAssigner<T, TimeWindow> {
  private constructor(private readonly gap: SessionWindowTimeGapExtractor<T>) {
    super();
  }
  static withGap(gap: number): ProcessingTimeSessionWindows {
    checkPositive('The session gap', gap);
    return new ProcessingTimeSessionWindows(() => gap);
  }
  static withDynamicGap<T>(extractor: SessionWindowTimeGapExtractor<T>): ProcessingTimeSessionWindows<T> {
    return new ProcessingTimeSessionWindows(extractor);
  }

  assignWindows(element: T, _timestamp: number, context: WindowAssignerContext): TimeWindow[] {
    const gap = this.gap(element);
    const now = context.getCurrentProcessingTime();
    checkPositive('The session gap', gap);
    return [new TimeWindow(now, now + gap)];
  }
  mergeWindows(windows: Iterable<TimeWindow>, merge: (merged: TimeWindow[], result: TimeWindow) => void): void {
    TimeWindow.mergeWindows(windows, merge);
  }
  getDefaultTrigger(): Trigger<T, TimeWindow> {
    return ProcessingTimeTrigger.create();
  }
  isEventTime(): boolean {
    return false;
  }
  windowFromNamespace(namespace: unknown): TimeWindow {
    return timeWindowFromNamespace(namespace);
  }
  override toString(): string {
    return 'ProcessingTimeSessionWindows()';
  }
}

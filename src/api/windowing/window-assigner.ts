import type { Trigger } from './trigger.js';
import type { Window } from './window.js';
import { GlobalWindow } from './global-window.js';
import { TimeWindow } from './time-window.js';

/** What an assigner may ask the operator: processing-time assigners place elements by the clock. */
export interface WindowAssignerContext {
  getCurrentProcessingTime(): number;
}

/** Puts each element into zero or more windows (Flink's WindowAssigner). */
export abstract class WindowAssigner<T, W extends Window> {
  abstract assignWindows(element: T, timestamp: number, context: WindowAssignerContext): W[];
  /** The trigger used when `WindowedStream.trigger` is not called. */
  abstract getDefaultTrigger(): Trigger<T, W>;
  /** Event-time windows are subject to lateness and cleaned up by watermark; processing-time ones by the clock. */
  abstract isEventTime(): boolean;
  /** Rebuilds a window from a timer namespace, which comes back from a checkpoint as plain data. */
  abstract windowFromNamespace(namespace: unknown): W;
}

/** Assigners whose windows may grow together (sessions). */
export abstract class MergingWindowAssigner<T, W extends Window> extends WindowAssigner<T, W> {
  /** Calls `merge` for each set of windows that become one. */
  abstract mergeWindows(windows: Iterable<W>, merge: (merged: W[], result: W) => void): void;
}

export function isMergingAssigner<T, W extends Window>(assigner: WindowAssigner<T, W>): assigner is MergingWindowAssigner<T, W> {
  return assigner instanceof MergingWindowAssigner;
}

/** Time windows as timer namespaces: plain `{start, end}` after a restore. */
export function timeWindowFromNamespace(namespace: unknown): TimeWindow {
  if (namespace instanceof TimeWindow) return namespace;
  const { start, end } = namespace as { start: number; end: number };
  return new TimeWindow(start, end);
}

export function globalWindowFromNamespace(_namespace: unknown): GlobalWindow {
  return GlobalWindow.get();
}

export function checkPositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be > 0 (was ${value}).`);
}

export function checkOffset(offset: number, size: number): void {
  if (Math.abs(offset) >= size) {
    throw new RangeError(`The absolute value of the offset (${offset}) must be smaller than the window size (${size}).`);
  }
}

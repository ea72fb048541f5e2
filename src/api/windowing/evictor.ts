import type { Window } from './window.js';

/** An element kept in a window with an evictor, with its timestamp (Flink's TimestampedValue). */
export interface TimestampedValue<T> {
  value: T;
  timestamp: number;
}

export interface EvictorContext {
  getCurrentProcessingTime(): number;
  getCurrentWatermark(): number;
}

/**
 * Removes elements from a window before and/or after the window function runs (Flink's Evictor).
 * Evictors see every element, so windows with an evictor keep all elements instead of an
 * incremental aggregate. The returned array is what remains, in order.
 */
export interface Evictor<T, W extends Window> {
  evictBefore(elements: TimestampedValue<T>[], size: number, window: W, ctx: EvictorContext): TimestampedValue<T>[];
  evictAfter(elements: TimestampedValue<T>[], size: number, window: W, ctx: EvictorContext): TimestampedValue<T>[];
}

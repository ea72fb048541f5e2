import type { Evictor, TimestampedValue } from './evictor.js';
import type { Window } from './window.js';

/**
 * Keeps the elements within `windowSize` of the newest element's timestamp (Flink's TimeEvictor):
 * an element is evicted when `timestamp <= maxTimestamp - windowSize`.
 */
export class TimeEvictor implements Evictor<unknown, Window> {
  private constructor(
    private readonly windowSize: number,
    private readonly doEvictAfter: boolean,
  ) {}
  static of(windowSize: number, doEvictAfter = false): TimeEvictor {
    return new TimeEvictor(windowSize, doEvictAfter);
  }
  evictBefore<T>(elements: TimestampedValue<T>[]): TimestampedValue<T>[] {
    return this.doEvictAfter ? elements : this.evict(elements);
  }
  evictAfter<T>(elements: TimestampedValue<T>[]): TimestampedValue<T>[] {
    return this.doEvictAfter ? this.evict(elements) : elements;
  }
  private evict<T>(elements: TimestampedValue<T>[]): TimestampedValue<T>[] {
    if (elements.length === 0) return elements;
    const newest = Math.max(...elements.map((e) => e.timestamp));
    const evictCutoff = newest - this.windowSize;
    return elements.filter((e) => e.timestamp > evictCutoff);
  }
}

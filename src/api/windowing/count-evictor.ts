import type { Evictor, TimestampedValue } from './evictor.js';
import type { Window } from './window.js';

/** Keeps the last `maxCount` elements (Flink's CountEvictor), before the function unless `doEvictAfter`. */
export class CountEvictor implements Evictor<unknown, Window> {
  private constructor(
    private readonly maxCount: number,
    private readonly doEvictAfter: boolean,
  ) {}
  static of(maxCount: number, doEvictAfter = false): CountEvictor {
    return new CountEvictor(maxCount, doEvictAfter);
  }
  evictBefore<T>(elements: TimestampedValue<T>[]): TimestampedValue<T>[] {
    return this.doEvictAfter ? elements : this.evict(elements);
  }
  evictAfter<T>(elements: TimestampedValue<T>[]): TimestampedValue<T>[] {
    return this.doEvictAfter ? this.evict(elements) : elements;
  }
  private evict<T>(elements: TimestampedValue<T>[]): TimestampedValue<T>[] {
    return elements.length <= this.maxCount ? elements : elements.slice(elements.length - this.maxCount);
  }
}

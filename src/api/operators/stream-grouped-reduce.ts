import type { ReduceFunction } from '../functions/function-types.js';
import type { OneInputStreamOperator } from './stream-operator.js';
import { toMapKey } from '../../core/map-key.js';
import { AbstractStreamOperator } from './abstract-stream-operator.js';

/**
 * Keyed rolling reduce. In STREAMING mode every input emits the key's new value, as Flink does;
 * in BATCH mode only the final value per key is emitted, at end of input.
 */
export class StreamGroupedReduce<T> extends AbstractStreamOperator<T> implements OneInputStreamOperator<T> {
  private readonly fn: (a: T, b: T) => T;
  private readonly values = new Map<unknown, T>();
  private readonly timestamps = new Map<unknown, number>();

  constructor(
    reducer: ReduceFunction<T>,
    private readonly keySelector: (value: T) => unknown,
  ) {
    super(reducer);
    this.fn = typeof reducer === 'function' ? reducer : (a, b) => reducer.reduce(a, b);
  }

  processElement(value: T, timestamp: number): void {
    const key = toMapKey(this.keySelector(value));
    const current = this.values.get(key);
    const next = current === undefined ? value : this.fn(current, value);
    this.values.set(key, next);
    if (this.runtimeMode === 'STREAMING') {
      this.output.collect(next, timestamp);
    } else {
      const seen = this.timestamps.get(key);
      if (seen === undefined || timestamp > seen) this.timestamps.set(key, timestamp);
    }
  }

  override finish(): void {
    if (this.runtimeMode !== 'BATCH') return;
    for (const [key, value] of this.values) {
      this.output.collect(value, this.timestamps.get(key) ?? Number.MIN_SAFE_INTEGER);
    }
  }
}

import type { FilterFunction } from '../functions/function-types.js';
import type { OneInputStreamOperator } from './stream-operator.js';
import { AbstractStreamOperator } from './abstract-stream-operator.js';

export class StreamFilter<T> extends AbstractStreamOperator<T> implements OneInputStreamOperator<T> {
  private readonly fn: (value: T) => boolean;

  constructor(filter: FilterFunction<T>) {
    super(filter);
    this.fn = typeof filter === 'function' ? filter : (v) => filter.filter(v);
  }

  processElement(value: T, timestamp: number): void {
    if (this.fn(value)) this.output.collect(value, timestamp);
  }
}

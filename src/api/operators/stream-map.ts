import type { MapFunction } from '../functions/function-types.js';
import type { OneInputStreamOperator } from './stream-operator.js';
import { AbstractStreamOperator } from './abstract-stream-operator.js';

export class StreamMap<IN, OUT> extends AbstractStreamOperator<OUT> implements OneInputStreamOperator<IN> {
  private readonly fn: (value: IN) => OUT;

  constructor(mapper: MapFunction<IN, OUT>) {
    super(mapper);
    this.fn = typeof mapper === 'function' ? mapper : (v) => mapper.map(v);
  }

  processElement(value: IN, timestamp: number): void {
    this.output.collect(this.fn(value), timestamp);
  }
}

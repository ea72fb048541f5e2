import type { Collector } from '../common/records.js';
import type { FlatMapFunction } from '../functions/function-types.js';
import type { OneInputStreamOperator } from './stream-operator.js';
import { AbstractStreamOperator, TimestampedCollector, emitReturned } from './abstract-stream-operator.js';

export class StreamFlatMap<IN, OUT> extends AbstractStreamOperator<OUT> implements OneInputStreamOperator<IN> {
  private readonly fn: (value: IN, out: Collector<OUT>) => Iterable<OUT> | void;
  private collector!: TimestampedCollector<OUT>;

  constructor(flatMapper: FlatMapFunction<IN, OUT>) {
    super(flatMapper);
    this.fn = typeof flatMapper === 'function' ? flatMapper : (v, out) => flatMapper.flatMap(v, out);
  }

  override async open(): Promise<void> {
    this.collector = new TimestampedCollector(this.output);
    await super.open();
  }

  processElement(value: IN, timestamp: number): void {
    this.collector.timestamp = timestamp;
    emitReturned(this.fn(value, this.collector), this.collector);
  }
}

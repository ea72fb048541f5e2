import type { Sink, SinkWriter } from '../sinks/sink.js';
import type { SinkContext, SinkFunction } from '../functions/function-types.js';
import type { OneInputStreamOperator } from './stream-operator.js';
import { NO_TIMESTAMP } from '../common/records.js';
import { AbstractStreamOperator } from './abstract-stream-operator.js';

/** Runs a Sink's writer: `sinkTo(...)` and the built-in print and collect sinks. */
export class SinkWriterOperator<T> extends AbstractStreamOperator<never> implements OneInputStreamOperator<T> {
  private writer: SinkWriter<T> | undefined;

  constructor(private readonly sink: Sink<T>) {
    super(sink);
  }

  override async open(): Promise<void> {
    await super.open();
    const task = this.runtimeContext.getTaskInfo();
    this.writer = this.sink.createWriter({
      subtaskIndex: task.indexOfThisSubtask,
      parallelism: task.numberOfParallelSubtasks,
      attemptNumber: task.attemptNumber,
      operatorId: this.setupInfo.operatorId,
      runtimeContext: this.runtimeContext,
      services: this.setupInfo.services,
    });
  }

  processElement(value: T, timestamp: number): void {
    (this.writer as SinkWriter<T>).write(value, timestamp);
  }

  override async finish(): Promise<void> {
    await this.writer?.flush(true);
  }

  override processWatermark(watermark: number): void {
    this.currentWatermark = watermark;
  }

  override async close(): Promise<void> {
    try {
      await this.writer?.close();
    } finally {
      await super.close();
    }
  }
}

/** Runs a legacy SinkFunction (`addSink`), lambda or RichSinkFunction. */
export class SinkFunctionOperator<T> extends AbstractStreamOperator<never> implements OneInputStreamOperator<T> {
  private readonly fn: (value: T, context: SinkContext) => void;
  private currentTimestamp = NO_TIMESTAMP;
  private readonly context: SinkContext;

  constructor(sink: SinkFunction<T>) {
    super(sink);
    this.fn = typeof sink === 'function' ? sink : (v, ctx) => sink.invoke(v, ctx);
    this.context = {
      currentProcessingTime: () => this.setupInfo.services.processingTime(),
      timestamp: () => (this.currentTimestamp === NO_TIMESTAMP ? undefined : this.currentTimestamp),
    };
  }

  processElement(value: T, timestamp: number): void {
    this.currentTimestamp = timestamp;
    this.fn(value, this.context);
  }

  override processWatermark(watermark: number): void {
    this.currentWatermark = watermark;
  }
}

import type { InputStatus, ReaderOutput, Source, SourceReader } from '../sources/source.js';
import type { StreamOperatorFactory } from './stream-operator.js';
import { NO_TIMESTAMP } from '../common/records.js';
import { AbstractStreamOperator } from './abstract-stream-operator.js';

/**
 * Wraps a source reader. The task drives it through `emitNext` instead of pushing records in,
 * checking backpressure and yielding to the event loop between calls.
 */
export class SourceOperator<T> extends AbstractStreamOperator<T> implements ReaderOutput<T> {
  private reader: SourceReader<T> | undefined;

  constructor(private readonly source: Source<T>) {
    super(source);
  }

  override async open(): Promise<void> {
    await super.open();
    const task = this.runtimeContext.getTaskInfo();
    this.reader = this.source.createReader({
      subtaskIndex: task.indexOfThisSubtask,
      parallelism: task.numberOfParallelSubtasks,
      attemptNumber: task.attemptNumber,
      services: this.setupInfo.services,
    });
    await this.reader.start();
  }

  emitNext(): InputStatus {
    return (this.reader as SourceReader<T>).pollNext(this);
  }

  isAvailable(): Promise<void> {
    return (this.reader as SourceReader<T>).isAvailable();
  }

  collect(value: T, timestamp?: number): void {
    this.output.collect(value, timestamp ?? NO_TIMESTAMP);
  }

  override async close(): Promise<void> {
    try {
      await this.reader?.close();
    } finally {
      await super.close();
    }
  }
}

export class SourceOperatorFactory<T> implements StreamOperatorFactory {
  readonly chainingStrategy = 'HEAD' as const;
  readonly isSource = true;
  constructor(readonly source: Source<T>) {}
  create(): SourceOperator<T> {
    return new SourceOperator(this.source);
  }
}

export function isSourceOperator(op: unknown): op is SourceOperator<unknown> {
  return op instanceof SourceOperator;
}

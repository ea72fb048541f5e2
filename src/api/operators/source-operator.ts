import type { InputStatus, ReaderOutput, Source, SourceReader } from '../sources/source.js';
import type { StreamOperatorFactory } from './stream-operator.js';
import type { ListState } from '../state/state.js';
import type { StreamOperatorStateContext } from '../state/operator-state-context.js';
import { NO_TIMESTAMP } from '../common/records.js';
import { AbstractStreamOperator } from './abstract-stream-operator.js';
import type { WatermarkStrategy } from '../common/watermark-strategy.js';
import { ListStateDescriptor } from '../state/state-descriptor.js';
import { TimestampsAndWatermarks } from './timestamps-and-watermarks.js';

/** The operator list state holding a reader's unread splits (evenly redistributed on rescale). */
const SPLITS_STATE = new ListStateDescriptor<unknown>('SourceReaderState');

/**
 * Wraps a source reader. The task drives it through `emitNext` instead of pushing records in,
 * checking backpressure and yielding to the event loop between calls.
 */
export class SourceOperator<T> extends AbstractStreamOperator<T> implements ReaderOutput<T> {
  private reader: SourceReader<T> | undefined;
  private splitsState: ListState<unknown> | undefined;
  /** Set on a restore: the splits this subtask resumes from (maybe none). */
  private restoredSplits: unknown[] | undefined;
  /** The strategy of `fromSource(…, strategy)`, per subtask; absent for `noWatermarks()`. */
  private watermarks: TimestampsAndWatermarks<T> | undefined;

  constructor(
    private readonly source: Source<T>,
    private readonly watermarkStrategy?: WatermarkStrategy<T>,
    private readonly autoWatermarkInterval: () => number = () => 200,
  ) {
    super(source);
  }

  override async initializeState(context: StreamOperatorStateContext): Promise<void> {
    await super.initializeState(context);
    this.splitsState = context.operatorStateBackend.getListState(SPLITS_STATE);
    if (context.isRestored()) this.restoredSplits = [...this.splitsState.get()];
  }

  override async open(): Promise<void> {
    await super.open();
    const task = this.runtimeContext.getTaskInfo();
    this.reader = this.source.createReader({
      subtaskIndex: task.indexOfThisSubtask,
      parallelism: task.numberOfParallelSubtasks,
      attemptNumber: task.attemptNumber,
      services: this.setupInfo.services,
      ...(this.restoredSplits === undefined ? {} : { restoredSplits: this.restoredSplits }),
    });
    await this.reader.start();
    if (this.watermarkStrategy?.generatesWatermarks === true) {
      this.watermarks = new TimestampsAndWatermarks(this.watermarkStrategy, this.output, this.setupInfo.services, this.autoWatermarkInterval());
      this.watermarks.start();
    }
  }

  /** Between two `emitNext` calls: the reader's unread splits become the operator's state. */
  override async snapshotState(checkpointId: number, timestamp: number): Promise<void> {
    await super.snapshotState(checkpointId, timestamp);
    const splits = this.reader?.snapshotState?.(checkpointId);
    this.splitsState?.update(splits ?? []);
  }

  override async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    await super.notifyCheckpointComplete(checkpointId);
    this.reader?.notifyCheckpointComplete?.(checkpointId);
  }

  emitNext(): InputStatus {
    return (this.reader as SourceReader<T>).pollNext(this);
  }

  isAvailable(): Promise<void> {
    return (this.reader as SourceReader<T>).isAvailable();
  }

  collect(value: T, timestamp?: number): void {
    if (this.watermarks === undefined) this.output.collect(value, timestamp ?? NO_TIMESTAMP);
    else this.watermarks.collect(value, timestamp ?? NO_TIMESTAMP);
  }

  /** End of input: the generator's last watermark, then MAX_WATERMARK (which also ends idleness). */
  override processWatermark(watermark: number): void {
    if (this.watermarks === undefined) {
      super.processWatermark(watermark);
      return;
    }
    this.watermarks.emitPeriodic();
    this.watermarks.emitter.emitWatermark(watermark);
    this.currentWatermark = watermark;
  }

  override async close(): Promise<void> {
    this.watermarks?.stop();
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
  constructor(
    readonly source: Source<T>,
    private readonly watermarkStrategy?: WatermarkStrategy<T>,
    private readonly autoWatermarkInterval?: () => number,
  ) {}
  create(): SourceOperator<T> {
    return new SourceOperator(this.source, this.watermarkStrategy, this.autoWatermarkInterval);
  }
}

export function isSourceOperator(op: unknown): op is SourceOperator<unknown> {
  return op instanceof SourceOperator;
}

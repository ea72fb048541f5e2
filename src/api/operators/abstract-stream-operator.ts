import type { Output } from '../common/records.js';
import type { WatermarkStatus } from '../common/watermark-status.js';
import type { RuntimeContext } from '../common/runtime-context.js';
import type { OperatorSetup, RuntimeExecutionMode, StreamOperator } from './stream-operator.js';
import type { KeyedStateBackend, StreamOperatorStateContext } from '../state/operator-state-context.js';
import type { KeyedStateStore, OperatorStateStore } from '../state/state-stores.js';
import { isRichFunction } from '../functions/rich-function.js';
import { isCheckpointListener, isCheckpointedFunction } from '../state/checkpointed-function.js';
import { NO_TIMESTAMP } from '../common/records.js';

/** Common plumbing: keeps the setup, forwards watermarks, drives a rich user function's lifecycle. */
export abstract class AbstractStreamOperator<OUT> implements StreamOperator {
  protected output!: Output<OUT>;
  protected runtimeContext!: RuntimeContext;
  protected runtimeMode: RuntimeExecutionMode = 'STREAMING';
  protected setupInfo!: OperatorSetup;
  protected currentWatermark = Number.NEGATIVE_INFINITY;
  /** Set by `initializeState`; the keyed backend only on a keyed input. */
  protected operatorStateBackend: OperatorStateStore | undefined;
  protected keyedStateBackend: KeyedStateBackend | undefined;

  constructor(protected readonly userFunction?: unknown) {}

  setup(setup: OperatorSetup): void {
    this.setupInfo = setup;
    this.output = setup.output;
    this.runtimeContext = setup.runtimeContext;
    this.runtimeMode = setup.runtimeMode;
    if (isRichFunction(this.userFunction)) this.userFunction.setRuntimeContext(setup.runtimeContext);
  }

  /** Gives the user function its state: keyed state through the runtime context, operator state through CheckpointedFunction. */
  async initializeState(context: StreamOperatorStateContext): Promise<void> {
    this.operatorStateBackend = context.operatorStateBackend;
    this.keyedStateBackend = context.keyedStateBackend;
    this.runtimeContext.setKeyedStateStore(context.keyedStateBackend);
    const fn = this.userFunction;
    if (isCheckpointedFunction(fn)) {
      const keyed: KeyedStateStore | undefined = context.keyedStateBackend;
      await fn.initializeState({
        isRestored: () => context.isRestored(),
        getOperatorStateStore: () => context.operatorStateBackend,
        getKeyedStateStore: () => {
          if (keyed === undefined) {
            throw new Error("Keyed state can only be used on a 'keyed stream', i.e., after a 'keyBy()' operation.");
          }
          return keyed;
        },
      });
    }
  }

  async snapshotState(checkpointId: number, timestamp: number): Promise<void> {
    const fn = this.userFunction;
    if (isCheckpointedFunction(fn)) {
      await fn.snapshotState({ getCheckpointId: () => checkpointId, getCheckpointTimestamp: () => timestamp });
    }
  }

  async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    const fn = this.userFunction;
    if (isCheckpointListener(fn)) await fn.notifyCheckpointComplete(checkpointId);
  }

  async notifyCheckpointAborted(checkpointId: number): Promise<void> {
    const fn = this.userFunction;
    if (isCheckpointListener(fn)) await fn.notifyCheckpointAborted?.(checkpointId);
  }

  async open(): Promise<void> {
    if (isRichFunction(this.userFunction)) await this.userFunction.open({});
  }

  finish(): void | Promise<void> {
    // Operators that buffer override this to emit at end of input.
  }

  async close(): Promise<void> {
    if (isRichFunction(this.userFunction)) await this.userFunction.close();
  }

  processWatermark(watermark: number): void {
    this.currentWatermark = watermark;
    this.output.emitWatermark(watermark);
  }

  processWatermarkStatus(status: WatermarkStatus): void {
    this.output.emitWatermarkStatus?.(status);
  }
}

/** A Collector over an operator output that stamps the current record's timestamp. */
export class TimestampedCollector<T> {
  timestamp = NO_TIMESTAMP;
  constructor(private readonly output: Output<T>) {}
  collect(value: T): void {
    this.output.collect(value, this.timestamp);
  }
}

/** Emits what a flatMap-style function returned, when it returned an iterable instead of collecting. */
export function emitReturned<T>(returned: Iterable<T> | void, out: { collect(value: T): void }): void {
  if (returned === undefined || returned === null) return;
  for (const value of returned) out.collect(value);
}

import type { OneInputStreamOperator, RuntimeExecutionMode } from '../../../src/api/operators/stream-operator.js';
import type { OperatorStateSnapshot } from './operator-state-double.js';
import { RuntimeContext } from '../../../src/api/common/runtime-context.js';
import { OperatorStateStoreDouble } from './operator-state-double.js';
import { OPERATOR_ID, TestServices } from './sink-test-harness.js';

export interface HarnessOptions {
  readonly checkpointing: boolean;
  /** Restores the operator from this snapshot (a new attempt after a failure). */
  readonly restoreFrom?: OperatorStateSnapshot;
  readonly services?: TestServices;
  readonly runtimeMode?: RuntimeExecutionMode;
  readonly attemptNumber?: number;
}

/**
 * Drives one sink operator instance as a task would: setup, initializeState, open, records,
 * checkpoints (pre-barrier hook, snapshotState, then a snapshot of the operator state), their
 * notifications, finish and close. A "crash" is simply a new harness restored from a snapshot.
 */
export class SinkOperatorHarness<T> {
  readonly services: TestServices;
  private store: OperatorStateStoreDouble | undefined;

  private constructor(
    readonly operator: OneInputStreamOperator<T>,
    private readonly options: HarnessOptions,
  ) {
    this.services = options.services ?? new TestServices();
  }

  static async start<T>(operator: OneInputStreamOperator<T>, options: HarnessOptions): Promise<SinkOperatorHarness<T>> {
    const harness = new SinkOperatorHarness(operator, options);
    await harness.init();
    return harness;
  }

  private async init(): Promise<void> {
    const taskName = 'Sink: test';
    const attempt = this.options.attemptNumber ?? 0;
    const runtimeContext = new RuntimeContext(
      {
        taskName,
        indexOfThisSubtask: 0,
        numberOfParallelSubtasks: 1,
        maxNumberOfParallelSubtasks: 128,
        attemptNumber: attempt,
        taskNameWithSubtasks: `${taskName} (1/1)#${attempt}`,
      },
      { jobId: '0'.repeat(32), jobName: 'test job' },
      new Map(),
    );
    // RuntimeContext.setKeyedStateStore, which AbstractStreamOperator.initializeState calls, is
    // being added by the state work; until it lands a no-op stands in (sinks here are not keyed).
    if (typeof Reflect.get(runtimeContext, 'setKeyedStateStore') !== 'function') {
      Reflect.set(runtimeContext, 'setKeyedStateStore', () => undefined);
    }
    this.operator.setup({
      operatorId: OPERATOR_ID,
      operatorName: 'Sink: test',
      runtimeContext,
      output: {
        collect: () => {
          throw new Error('a sink emitted a record');
        },
        collectSide: () => {
          throw new Error('a sink emitted a side output');
        },
        emitWatermark: () => undefined,
      },
      runtimeMode: this.options.runtimeMode ?? 'STREAMING',
      services: this.services,
      checkpointingEnabled: this.options.checkpointing,
    });
    const { store, context } = OperatorStateStoreDouble.context(this.options.restoreFrom);
    this.store = store;
    await this.operator.initializeState?.(context);
    await this.operator.open();
  }

  process(...values: T[]): void {
    for (const value of values) this.operator.processElement(value, 0);
  }

  /** Takes checkpoint `id` and returns the operator state it would store. */
  async snapshot(id: number): Promise<OperatorStateSnapshot> {
    await this.operator.prepareSnapshotPreBarrier?.(id);
    await this.operator.snapshotState?.(id, 1000 + id);
    return (this.store as OperatorStateStoreDouble).snapshot();
  }

  async complete(id: number): Promise<void> {
    await this.operator.notifyCheckpointComplete?.(id);
  }

  async abort(id: number): Promise<void> {
    await this.operator.notifyCheckpointAborted?.(id);
  }

  async finish(): Promise<void> {
    await this.operator.finish();
  }

  async close(): Promise<void> {
    await this.operator.close();
  }

  /** End of input as the runtime runs it: finish, then (with checkpointing) the final checkpoint, then close. */
  async endOfInput(finalCheckpointId: number): Promise<void> {
    await this.finish();
    if (this.options.checkpointing) {
      await this.snapshot(finalCheckpointId);
      await this.complete(finalCheckpointId);
    }
    await this.close();
  }
}

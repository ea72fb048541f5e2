import type { OutputTag } from '../../../src/api/common/output-tag.js';
import type { Output } from '../../../src/api/common/records.js';
import type { OperatorServices, TwoInputStreamOperator } from '../../../src/api/operators/stream-operator.js';
import type { HeapKeyedStateBackend } from '../../../src/runtime/state/heap-keyed-state-backend.js';
import type { OperatorStateSnapshot } from '../../../src/runtime/state/default-operator-state-backend.js';
import type { ManualProcessingTime } from '../state/state-test-support.js';
import type { Emitted } from '../state/operator-harness.js';
import { RuntimeContext } from '../../../src/api/common/runtime-context.js';
import { DefaultOperatorStateBackend } from '../../../src/runtime/state/default-operator-state-backend.js';

/** A snapshot of a two-input operator's state backends, as a checkpoint would keep it. */
export interface HarnessSnapshot {
  readonly operatorState: OperatorStateSnapshot;
  readonly keyedState: Uint8Array | undefined;
}

/**
 * Drives a two-input operator the way a StreamTask does: setup, initializeState (with the given
 * keyed backend and a real operator state backend, restored from `restoreFrom` when given), open;
 * per record of a keyed input it sets the backend's current key first, as the runtime does.
 */
export class TwoInputHarness<IN1, IN2> {
  readonly emitted: Emitted[] = [];
  readonly watermarks: number[] = [];
  readonly operatorBackend = new DefaultOperatorStateBackend();

  constructor(
    readonly operator: TwoInputStreamOperator<IN1, IN2>,
    private readonly keySelector1: ((value: IN1) => unknown) | undefined,
    private readonly keySelector2: ((value: IN2) => unknown) | undefined,
    readonly backend: HeapKeyedStateBackend | undefined,
    private readonly clock: ManualProcessingTime,
  ) {}

  async open(restoreFrom?: HarnessSnapshot): Promise<void> {
    const emitted = this.emitted;
    const watermarks = this.watermarks;
    const output: Output<unknown> = {
      collect: (value, timestamp) => emitted.push({ value, timestamp }),
      collectSide: (tag: OutputTag<unknown>, value, timestamp) => emitted.push({ value, timestamp, side: tag.id }),
      emitWatermark: (watermark) => watermarks.push(watermark),
    };
    const clock = this.clock;
    const services: OperatorServices = {
      stdout: () => undefined,
      stderr: () => undefined,
      sendToCoordinator: () => undefined,
      processingTime: () => clock.now(),
      scheduleProcessingTime: (time, callback) => clock.schedule(time, callback),
    };
    const runtimeContext = new RuntimeContext(
      { taskName: 'op', indexOfThisSubtask: 0, numberOfParallelSubtasks: 1, maxNumberOfParallelSubtasks: 128, attemptNumber: 0, taskNameWithSubtasks: 'op (1/1)#0' },
      { jobId: '0'.repeat(32), jobName: 'test' },
      new Map(),
    );
    if (restoreFrom !== undefined) {
      const { bytes, states } = restoreFrom.operatorState;
      this.operatorBackend.restore(states.map((s) => ({ bytes, name: s.name, mode: s.mode, from: 0, to: s.count })));
      if (restoreFrom.keyedState !== undefined) this.backend?.restore(restoreFrom.keyedState);
    }
    this.operator.setup({ operatorId: 'op', operatorName: 'op', runtimeContext, output, runtimeMode: 'STREAMING', services });
    await this.operator.initializeState?.({
      isRestored: () => restoreFrom !== undefined,
      operatorStateBackend: this.operatorBackend,
      keyedStateBackend: this.backend,
    });
    await this.operator.open();
  }

  process1(value: IN1, timestamp: number): void {
    if (this.backend !== undefined && this.keySelector1 !== undefined) this.backend.setCurrentKey(this.keySelector1(value));
    this.operator.processElement1(value, timestamp);
  }

  process2(value: IN2, timestamp: number): void {
    if (this.backend !== undefined && this.keySelector2 !== undefined) this.backend.setCurrentKey(this.keySelector2(value));
    this.operator.processElement2(value, timestamp);
  }

  /** The same watermark on both inputs. */
  watermark(watermark: number): void {
    this.operator.processWatermark1(watermark);
    this.operator.processWatermark2(watermark);
  }

  snapshot(): HarnessSnapshot {
    return { operatorState: this.operatorBackend.snapshot(), keyedState: this.backend?.snapshot() };
  }

  /** Main-output values, in order. */
  values(): unknown[] {
    return this.emitted.filter((e) => e.side === undefined).map((e) => e.value);
  }
}

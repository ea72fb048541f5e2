import type { OutputTag } from '../../../src/api/common/output-tag.js';
import type { Output } from '../../../src/api/common/records.js';
import type { OperatorServices, TwoInputStreamOperator } from '../../../src/api/operators/stream-operator.js';
import type { HeapKeyedStateBackend } from '../../../src/runtime/state/heap-keyed-state-backend.js';
import type { ManualProcessingTime } from '../state/state-test-support.js';
import type { Emitted } from '../state/operator-harness.js';
import { RuntimeContext } from '../../../src/api/common/runtime-context.js';
import { DefaultOperatorStateBackend } from '../../../src/runtime/state/default-operator-state-backend.js';

/**
 * Drives a keyed two-input operator the way a StreamTask does: setup, initializeState with the
 * keyed backend, open; before each record it sets the backend's key with that input's selector.
 */
export class TwoInputHarness<IN1, IN2> {
  readonly emitted: Emitted[] = [];
  readonly watermarks: number[] = [];

  constructor(
    readonly operator: TwoInputStreamOperator<IN1, IN2>,
    private readonly key1: (value: IN1) => unknown,
    private readonly key2: (value: IN2) => unknown,
    readonly backend: HeapKeyedStateBackend,
    private readonly clock: ManualProcessingTime,
  ) {}

  async open(restored = false): Promise<void> {
    const { emitted, watermarks, clock } = this;
    const output: Output<unknown> = {
      collect: (value, timestamp) => emitted.push({ value, timestamp }),
      collectSide: (tag: OutputTag<unknown>, value, timestamp) => emitted.push({ value, timestamp, side: tag.id }),
      emitWatermark: (watermark) => watermarks.push(watermark),
    };
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
    this.operator.setup({ operatorId: 'op', operatorName: 'op', runtimeContext, output, runtimeMode: 'STREAMING', services });
    await this.operator.initializeState?.({
      isRestored: () => restored,
      operatorStateBackend: new DefaultOperatorStateBackend(),
      keyedStateBackend: this.backend,
    });
    await this.operator.open();
  }

  process1(value: IN1, timestamp: number): void {
    this.backend.setCurrentKey(this.key1(value));
    this.operator.processElement1(value, timestamp);
  }
  process2(value: IN2, timestamp: number): void {
    this.backend.setCurrentKey(this.key2(value));
    this.operator.processElement2(value, timestamp);
  }
  /** The same watermark on both inputs. */
  watermark(watermark: number): void {
    this.operator.processWatermark1(watermark);
    this.operator.processWatermark2(watermark);
  }

  /** Main-output records as `[value, timestamp]`, taken out of the buffer. */
  take(): [unknown, number][] {
    const main = this.emitted.filter((e) => e.side === undefined).map((e): [unknown, number] => [e.value, e.timestamp]);
    const side = this.emitted.filter((e) => e.side !== undefined);
    this.emitted.length = 0;
    this.emitted.push(...side);
    return main;
  }
}

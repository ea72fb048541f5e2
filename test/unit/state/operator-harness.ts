import type { OutputTag } from '../../../src/api/common/output-tag.js';
import type { Output } from '../../../src/api/common/records.js';
import type { OneInputStreamOperator, OperatorServices, OperatorSetup, RuntimeExecutionMode } from '../../../src/api/operators/stream-operator.js';
import type { HeapKeyedStateBackend } from '../../../src/runtime/state/heap-keyed-state-backend.js';
import type { ManualProcessingTime } from './state-test-support.js';
import { RuntimeContext } from '../../../src/api/common/runtime-context.js';
import { DefaultOperatorStateBackend } from '../../../src/runtime/state/default-operator-state-backend.js';

export interface Emitted {
  value: unknown;
  timestamp: number;
  side?: string;
}

/**
 * What a StreamTask hands an operator in `setup`: an output recording into `emitted` and
 * `watermarks`, services on the manual clock, and a runtime context of subtask 1/1.
 */
export function operatorSetup(emitted: Emitted[], watermarks: number[], clock: ManualProcessingTime, mode: RuntimeExecutionMode = 'STREAMING'): OperatorSetup {
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
  return { operatorId: 'op', operatorName: 'op', runtimeContext, output, runtimeMode: mode, services };
}

/**
 * Drives a one-input operator the way a StreamTask does: setup, initializeState (with the given
 * keyed backend), open; per record it sets the backend's current key first, as the runtime does.
 */
export class OneInputHarness<IN> {
  readonly emitted: Emitted[] = [];
  readonly watermarks: number[] = [];

  constructor(
    readonly operator: OneInputStreamOperator<IN>,
    private readonly keySelector: ((value: IN) => unknown) | undefined,
    readonly backend: HeapKeyedStateBackend | undefined,
    private readonly clock: ManualProcessingTime,
    private readonly mode: RuntimeExecutionMode = 'STREAMING',
  ) {}

  async open(): Promise<void> {
    this.operator.setup(operatorSetup(this.emitted, this.watermarks, this.clock, this.mode));
    await this.operator.initializeState?.({
      isRestored: () => false,
      operatorStateBackend: new DefaultOperatorStateBackend(),
      keyedStateBackend: this.backend,
    });
    await this.operator.open();
  }

  process(value: IN, timestamp: number): void {
    if (this.backend !== undefined && this.keySelector !== undefined) this.backend.setCurrentKey(this.keySelector(value));
    this.operator.processElement(value, timestamp);
  }

  watermark(watermark: number): void {
    this.operator.processWatermark(watermark);
  }
}

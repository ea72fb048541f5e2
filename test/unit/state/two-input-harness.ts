import type { TwoInputStreamOperator } from '../../../src/api/operators/stream-operator.js';
import type { HeapKeyedStateBackend } from '../../../src/runtime/state/heap-keyed-state-backend.js';
import type { OperatorStateSnapshot } from '../../../src/runtime/state/default-operator-state-backend.js';
import type { ManualProcessingTime } from './state-test-support.js';
import type { Emitted } from './operator-harness.js';
import { operatorSetup } from './operator-harness.js';
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
    if (restoreFrom !== undefined) {
      const { bytes, states } = restoreFrom.operatorState;
      this.operatorBackend.restore(states.map((s) => ({ bytes, name: s.name, mode: s.mode, from: 0, to: s.count })));
      if (restoreFrom.keyedState !== undefined) this.backend?.restore(restoreFrom.keyedState);
    }
    this.operator.setup(operatorSetup(this.emitted, this.watermarks, this.clock));
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

  /** Main-output records as `[value, timestamp]`, taken out of the buffer (side outputs stay). */
  take(): [unknown, number][] {
    const main = this.emitted.filter((e) => e.side === undefined).map((e): [unknown, number] => [e.value, e.timestamp]);
    const side = this.emitted.filter((e) => e.side !== undefined);
    this.emitted.length = 0;
    this.emitted.push(...side);
    return main;
  }

  /** Main-output values, in order. */
  values(): unknown[] {
    return this.emitted.filter((e) => e.side === undefined).map((e) => e.value);
  }
}

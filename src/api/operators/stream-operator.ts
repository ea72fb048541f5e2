import type { Output } from '../common/records.js';
import type { WatermarkStatus } from '../common/watermark-status.js';
import type { RuntimeContext } from '../common/runtime-context.js';
import type { StreamOperatorStateContext } from '../state/operator-state-context.js';

/**
 * Flink's chaining strategies: whether an operator may be chained to its predecessor (ALWAYS),
 * must start a chain (HEAD), never chains (NEVER), or may chain only behind a source.
 */
export type ChainingStrategy = 'ALWAYS' | 'NEVER' | 'HEAD' | 'HEAD_WITH_SOURCES';

export type RuntimeExecutionMode = 'STREAMING' | 'BATCH';

/** Services the runtime lends operators; the worker provides them, tests may provide doubles. */
export interface OperatorServices {
  /** Writes to the TaskManager's standard output (the client's terminal in local mode). */
  stdout(text: string): void;
  stderr(text: string): void;
  /** Sends a message to the operator's coordinator on the JobMaster (collect sink results). */
  sendToCoordinator(operatorId: string, payload: unknown): void;
  processingTime(): number;
  /**
   * Runs `callback` at processing time `time` (or at once when it has passed) inside the task,
   * between records and never during a checkpoint, so what it does belongs to one checkpoint.
   * Returns a function that cancels it.
   */
  scheduleProcessingTime(time: number, callback: () => void): () => void;
}

export interface OperatorSetup {
  readonly operatorId: string;
  readonly operatorName: string;
  readonly runtimeContext: RuntimeContext;
  readonly output: Output<unknown>;
  readonly runtimeMode: RuntimeExecutionMode;
  readonly services: OperatorServices;
  /** Whether the job checkpoints: sinks then commit on checkpoints instead of at end of input. */
  readonly checkpointingEnabled?: boolean;
}

/**
 * The contract between a task and the operators of its chain: `setup`, then `open` (head last
 * to first, so downstream operators are ready before records arrive), records, then `finish`
 * at end of input (head first, so buffered results flow downstream), then `close`.
 */
export interface StreamOperator {
  setup(setup: OperatorSetup): void;
  /** Before `open`: takes the operator's state, empty or restored (Flink's initializeState). */
  initializeState?(context: StreamOperatorStateContext): void | Promise<void>;
  /** At a checkpoint, before the barrier goes downstream: the last chance to emit records of this checkpoint. */
  prepareSnapshotPreBarrier?(checkpointId: number): void | Promise<void>;
  /** At a checkpoint, after the barrier: puts what the operator holds outside its state backends into them. */
  snapshotState?(checkpointId: number, timestamp: number): void | Promise<void>;
  notifyCheckpointComplete?(checkpointId: number): void | Promise<void>;
  notifyCheckpointAborted?(checkpointId: number): void | Promise<void>;
  open(): void | Promise<void>;
  finish(): void | Promise<void>;
  close(): void | Promise<void>;
  processWatermark(watermark: number): void;
  /** An upstream input went idle or active again; operators forward it unless they make their own watermarks. */
  processWatermarkStatus?(status: WatermarkStatus): void;
}

export interface OneInputStreamOperator<IN> extends StreamOperator {
  processElement(value: IN, timestamp: number): void;
}

export interface TwoInputStreamOperator<IN1, IN2> extends StreamOperator {
  processElement1(value: IN1, timestamp: number): void;
  processElement2(value: IN2, timestamp: number): void;
  processWatermark1(watermark: number): void;
  processWatermark2(watermark: number): void;
  /** One input went idle or active again; an idle input does not hold the combined watermark back. */
  processWatermarkStatus1?(status: WatermarkStatus): void;
  processWatermarkStatus2?(status: WatermarkStatus): void;
}

/** Builds a fresh operator for each subtask; the StreamGraph stores these, not instances. */
export interface StreamOperatorFactory {
  readonly chainingStrategy: ChainingStrategy;
  /** True for source operators: they are driven by the task instead of by input records. */
  readonly isSource: boolean;
  create(): StreamOperator;
}

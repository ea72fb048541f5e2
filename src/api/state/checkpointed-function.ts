import type { FunctionInitializationContext, FunctionSnapshotContext } from './state-stores.js';

/**
 * A function with operator state of its own (Flink's CheckpointedFunction): `initializeState` runs
 * before `open`, also on a restore; `snapshotState` runs at every checkpoint, between records, and
 * must put everything the function needs to resume into its state.
 */
export interface CheckpointedFunction {
  snapshotState(context: FunctionSnapshotContext): void | Promise<void>;
  initializeState(context: FunctionInitializationContext): void | Promise<void>;
}

/**
 * Told when a checkpoint completed or was aborted (Flink's CheckpointListener). Notifications are
 * best effort: one may be skipped when a later checkpoint completes first, so act on every id up
 * to the notified one.
 */
export interface CheckpointListener {
  notifyCheckpointComplete(checkpointId: number): void | Promise<void>;
  notifyCheckpointAborted?(checkpointId: number): void | Promise<void>;
}

export function isCheckpointedFunction(fn: unknown): fn is CheckpointedFunction {
  return (
    typeof fn === 'object' &&
    fn !== null &&
    typeof (fn as Partial<CheckpointedFunction>).snapshotState === 'function' &&
    typeof (fn as Partial<CheckpointedFunction>).initializeState === 'function'
  );
}

export function isCheckpointListener(fn: unknown): fn is CheckpointListener {
  return typeof fn === 'object' && fn !== null && typeof (fn as Partial<CheckpointListener>).notifyCheckpointComplete === 'function';
}

/**
 * What a completed checkpoint or savepoint is: the `_metadata` file in its directory, JSON so that
 * operators can read it. It lists, per operator (by operator id, which a uid fixes) and subtask,
 * where that subtask's state is. State files sit next to `_metadata` and are named relative to it,
 * so a savepoint directory can be moved as a whole. Small state (and all state of the
 * `jobmanager` storage) is inlined, base64, like Flink's memory-threshold handles.
 */
export const METADATA_FILE_NAME = '_metadata';
export const METADATA_VERSION = 1;

/** Where one piece of state is. */
export type StateHandle =
  | { readonly file: string; readonly size: number }
  | { readonly inline: string; readonly size: number };

export type OperatorStateMode = 'SPLIT_DISTRIBUTE' | 'UNION' | 'BROADCAST';

export interface OperatorStateMeta {
  readonly name: string;
  readonly mode: OperatorStateMode;
  /** Elements (list state) or entries (broadcast state) in the snapshot. */
  readonly count: number;
}

/** The state of one operator in one subtask. */
export interface OperatorSubtaskState {
  readonly subtask: number;
  /** The keyed state and timers of the subtask's key-group range, inclusive. */
  readonly keyed?: { readonly handle: StateHandle; readonly keyGroupRange: readonly [number, number] };
  readonly operator?: { readonly handle: StateHandle; readonly states: readonly OperatorStateMeta[] };
  /** The subtask had finished (FLIP-147): its operator ran to its end before this checkpoint. */
  readonly finished?: boolean;
}

export interface OperatorStateEntry {
  readonly operatorId: string;
  readonly uid?: string;
  readonly name: string;
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly subtasks: readonly OperatorSubtaskState[];
}

export type SnapshotType = 'CHECKPOINT' | 'SAVEPOINT';

export interface CheckpointMetadata {
  readonly version: number;
  readonly jobId: string;
  readonly checkpointId: number;
  readonly timestamp: number;
  readonly type: SnapshotType;
  readonly operators: readonly OperatorStateEntry[];
}

/** What one subtask of a restored task gets for one of its operators (computed by the JobMaster). */
export interface OperatorRestore {
  /** Snapshots of old subtasks whose key-group range overlaps this subtask's; read for its range only. */
  readonly keyed: readonly StateHandle[];
  /** Slices of old subtasks' operator state lists, by state name. */
  readonly operator: readonly OperatorStatePiece[];
}

export interface OperatorStatePiece {
  readonly handle: StateHandle;
  readonly name: string;
  readonly mode: OperatorStateMode;
  /** Element indexes [from, to) of that state's list in that snapshot. */
  readonly from: number;
  readonly to: number;
}

/** A subtask attempt's restore: the checkpoint it comes from and, per operator id, its state. */
export interface TaskRestore {
  readonly checkpointId: number;
  /** The directory `file` handles are relative to. */
  readonly baseDir: string | undefined;
  readonly operators: Readonly<Record<string, OperatorRestore>>;
}

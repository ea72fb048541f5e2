/**
 * What kind of snapshot a barrier starts (Flink's CheckpointType / SnapshotType with the
 * stop-with-savepoint variants): a periodic checkpoint, a savepoint, or a savepoint that ends
 * the job, with (`SAVEPOINT_TERMINATE`, `--drain`) or without (`SAVEPOINT_SUSPEND`) flushing
 * event time and finishing operators first.
 */
export type CheckpointType = 'CHECKPOINT' | 'SAVEPOINT' | 'SAVEPOINT_SUSPEND' | 'SAVEPOINT_TERMINATE';

export interface CheckpointOptions {
  readonly type: CheckpointType;
  /**
   * The directory tasks write state files to (`<dir>/<jobId>/chk-<n>` or the savepoint
   * directory); undefined for the `jobmanager` storage, where state travels inline in the acks.
   */
  readonly targetLocation: string | undefined;
  /** State smaller than this many bytes is inlined into the metadata (`state.storage.fs.memory-threshold`). */
  readonly inlineThreshold: number;
}

export function isSavepoint(type: CheckpointType): boolean {
  return type !== 'CHECKPOINT';
}

/** True for the savepoints of `flink-ts stop`: the job ends once they complete. */
export function isSynchronousSavepoint(type: CheckpointType): boolean {
  return type === 'SAVEPOINT_SUSPEND' || type === 'SAVEPOINT_TERMINATE';
}

/** The barrier that travels with the records (Flink's CheckpointBarrier). */
export interface CheckpointBarrier {
  readonly checkpointId: number;
  readonly timestamp: number;
  readonly options: CheckpointOptions;
}

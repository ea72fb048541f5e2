import type { CheckpointMetadata } from './checkpoint-metadata.js';

/** A checkpoint or savepoint whose every task acknowledged and whose metadata is written. */
export interface CompletedCheckpoint {
  readonly metadata: CheckpointMetadata;
  /** Its directory (state files and `_metadata`); undefined for the jobmanager storage. */
  readonly directory: string | undefined;
  readonly isSavepoint: boolean;
}

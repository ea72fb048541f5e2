import type { CompletedCheckpoint } from './completed-checkpoint.js';
import { discardCheckpointDirectory } from './checkpoint-storage.js';

/**
 * The completed checkpoints a job keeps (Flink's StandaloneCompletedCheckpointStore): the newest
 * `execution.checkpointing.num-retained`; an older one is discarded (its directory deleted) as a
 * newer one completes. Savepoints are never kept here: they belong to the user.
 */
export class CompletedCheckpointStore {
  private readonly checkpoints: CompletedCheckpoint[] = [];

  constructor(
    private readonly numRetained: number,
    private readonly onDiscarded: (checkpoint: CompletedCheckpoint) => void,
  ) {}

  add(checkpoint: CompletedCheckpoint): void {
    this.checkpoints.push(checkpoint);
    while (this.checkpoints.length > this.numRetained) {
      const subsumed = this.checkpoints.shift() as CompletedCheckpoint;
      this.discard(subsumed);
    }
  }

  latest(): CompletedCheckpoint | undefined {
    return this.checkpoints.at(-1);
  }

  /** At job end: discards every retained checkpoint, unless the retention policy keeps them. */
  shutdown(keep: boolean): void {
    if (keep) return;
    for (const c of this.checkpoints.splice(0)) this.discard(c);
  }

  private discard(checkpoint: CompletedCheckpoint): void {
    this.onDiscarded(checkpoint);
    if (checkpoint.directory !== undefined) void discardCheckpointDirectory(checkpoint.directory).catch(() => undefined);
  }
}

import { existsSync, renameSync } from 'node:fs';

import type { Committer } from './committing-sink.js';

/**
 * A closed part file waiting to be published (Flink's FileSinkCommittable, pending file): it
 * still carries its hidden in-progress name. Plain data, as it is stored in checkpoints.
 */
export interface FileSinkCommittable {
  readonly bucketId: string;
  /** The hidden name the part was written under. */
  readonly inProgressPath: string;
  /** The visible name it gets on commit: `<bucket dir>/<prefix>-<uid>-<counter><suffix>`. */
  readonly finalPath: string;
}

/**
 * Publishes a pending part by renaming it to its final name. The rename is atomic on a local file
 * system, so readers see a part either not at all or complete. A commit repeated after a restore
 * finds the hidden file gone and the final one present: that is the earlier commit, a success.
 */
export function commitPendingFile(part: FileSinkCommittable): void {
  try {
    renameSync(part.inProgressPath, part.finalPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' && existsSync(part.finalPath)) return;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        `Cannot commit part file ${part.finalPath}: neither it nor its in-progress file ${part.inProgressPath} exists`,
        { cause: e },
      );
    }
    throw e;
  }
}

/** Commits the parts of completed checkpoints (Flink's FileCommitter). */
export class FileCommitter implements Committer<FileSinkCommittable> {
  commit(committables: readonly FileSinkCommittable[]): void {
    for (const part of committables) commitPendingFile(part);
  }

  close(): void {
    // Holds nothing open: each commit is a rename.
  }
}

import type { SinkWriter } from './sink.js';

/**
 * The two-phase half of Sink V2 (Flink's CommittingSinkWriter, Committer, SupportsCommitter).
 * At each checkpoint the writer's `prepareCommit` returns committables: work that is durable but
 * not yet visible (a closed hidden file, a pre-committed transaction). The sink operator keeps
 * them in its operator state under the checkpoint's id and hands them to the committer once that
 * checkpoint (or a later one) completes, and again after a restore from a checkpoint that holds
 * them. Committables are stored in checkpoints, so they must be plain data (msgpack-serialisable).
 */
export interface CommittingSinkWriter<T, CommT> extends SinkWriter<T> {
  /** Called at a checkpoint after `flush(false)`: everything made ready since the previous call. */
  prepareCommit(): CommT[] | Promise<CommT[]>;
}

/**
 * Publishes committables. A commit may be repeated (after a failure between committing and the
 * next checkpoint, the restored state still holds the committable), so committing must be
 * idempotent: something already committed counts as a success.
 */
export interface Committer<CommT> {
  commit(committables: readonly CommT[]): void | Promise<void>;
  close(): void | Promise<void>;
}

/** A sink whose writers are `CommittingSinkWriter`s of the same committable type. */
export interface SupportsCommitter<CommT> {
  createCommitter(): Committer<CommT>;
}

export function supportsCommitter(sink: unknown): sink is SupportsCommitter<unknown> {
  return typeof sink === 'object' && sink !== null && typeof (sink as Partial<SupportsCommitter<unknown>>).createCommitter === 'function';
}

export function isCommittingSinkWriter<T>(writer: SinkWriter<T>): writer is CommittingSinkWriter<T, unknown> {
  return typeof (writer as Partial<CommittingSinkWriter<T, unknown>>).prepareCommit === 'function';
}

import type { SinkContext } from './function-types.js';
import type { CheckpointListener, CheckpointedFunction } from '../state/checkpointed-function.js';
import type { ListState } from '../state/state.js';
import type { FunctionInitializationContext, FunctionSnapshotContext } from '../state/state-stores.js';
import type { FinishableSinkFunction, SinkFinishContext } from '../sinks/sink-finish-context.js';
import { AbstractRichFunction } from './rich-function.js';
import { ListStateDescriptor } from '../state/state-descriptor.js';

/**
 * What one subtask keeps in its operator state (Flink's TwoPhaseCommitSinkFunction.State):
 * pre-committed transactions by the checkpoint that pre-committed them, in checkpoint order, and
 * the transaction open when the snapshot was taken. Stored in checkpoints, so transactions and
 * the context must be plain data (msgpack-serialisable): ids, paths, buffers, not handles.
 */
export interface TwoPhaseCommitState<TXN, CONTEXT> {
  readonly pendingCommitTransactions: [checkpointId: number, transaction: TXN][];
  /** Null after end of input, when no transaction is open any more. */
  readonly currentTransaction: TXN | null;
  readonly context: CONTEXT | null;
}

/**
 * Base of exactly-once sinks to external systems with transactions (Flink's
 * TwoPhaseCommitSinkFunction), used with `stream.addSink(new MySink())`:
 *
 * - records between two checkpoints go into one transaction (`invoke(txn, value, context)`);
 * - at checkpoint n the open transaction is pre-committed (`preCommit`: flush, after which it is
 *   never written again) and kept as pending for n; a new one begins;
 * - when checkpoint n is reported complete, every pending transaction of a checkpoint <= n is
 *   committed, oldest first (a notification may be skipped: the next one covers it);
 * - after a restore the pending transactions of the restored checkpoint are committed with
 *   `recoverAndCommit` (they may have been committed already: commit must be idempotent) and the
 *   transaction that was open is aborted with `recoverAndAbort`;
 * - at end of input, the last transaction is pre-committed by the final checkpoint and committed
 *   when it completes; without checkpointing it is pre-committed and committed at `finish`, so
 *   output is visible when the job ends (and is at-most-once before: a failure loses it).
 *
 * The external system must keep pre-committed transactions until they are committed (for as long
 * as a checkpoint interval plus a restart may take). Subclasses overriding `close` call
 * `super.close()`, which aborts a transaction that was never pre-committed (cancel, failure).
 */
export abstract class TwoPhaseCommitSinkFunction<IN, TXN, CONTEXT = never>
  extends AbstractRichFunction
  implements CheckpointedFunction, CheckpointListener, FinishableSinkFunction
{
  private state: ListState<TwoPhaseCommitState<TXN, CONTEXT>> | undefined;
  private currentTransaction: TXN | undefined;
  private pendingCommitTransactions: [number, TXN][] = [];
  private userContext: CONTEXT | undefined;
  private finished = false;

  /** Opens a transaction: everything up to the next checkpoint is written into it. */
  protected abstract beginTransaction(): TXN | Promise<TXN>;
  /** Writes one record into the transaction. */
  protected abstract invoke(transaction: TXN, value: IN, context: SinkContext): void;
  /** Makes the transaction durable and ready to commit; no record is written into it afterwards. */
  protected abstract preCommit(transaction: TXN): void | Promise<void>;
  /** Publishes a pre-committed transaction. Must succeed eventually, and be idempotent after a restore. */
  protected abstract commit(transaction: TXN): void | Promise<void>;
  /** Discards a transaction that was not pre-committed. */
  protected abstract abort(transaction: TXN): void | Promise<void>;

  /** Commits a pre-committed transaction found in restored state; it may have been committed before the failure. */
  protected recoverAndCommit(transaction: TXN): void | Promise<void> {
    return this.commit(transaction);
  }

  /** Aborts the transaction that was open at the restored checkpoint (it may hold records written after it). */
  protected recoverAndAbort(transaction: TXN): void | Promise<void> {
    return this.abort(transaction);
  }

  /** A context kept in state next to the transactions (e.g. a transactional id pool); none by default. */
  protected initializeUserContext(): CONTEXT | undefined {
    return undefined;
  }

  /** Called after a restore with the contexts of the restored states, once their transactions were handled. */
  protected finishRecoveringContext(_contexts: CONTEXT[]): void | Promise<void> {
    // Nothing to do without a user context.
  }

  /** The transaction records are written to now; undefined before initialization and after end of input. */
  protected currentTransactionHandle(): TXN | undefined {
    return this.currentTransaction;
  }

  /** Pre-committed transactions waiting for their checkpoint to complete, oldest first. */
  protected pendingTransactions(): readonly (readonly [checkpointId: number, transaction: TXN])[] {
    return this.pendingCommitTransactions;
  }

  /**
   * What the sink operator calls for each record: `invoke` with the current transaction. (Flink
   * overloads `invoke`; TypeScript cannot, so the record entry point has its own name.)
   */
  invokeInTransaction(value: IN, context: SinkContext): void {
    if (this.finished) throw new Error('TwoPhaseCommitSinkFunction received a record after finish()');
    if (this.currentTransaction === undefined) {
      throw new Error('TwoPhaseCommitSinkFunction has no open transaction: initializeState() was not called');
    }
    this.invoke(this.currentTransaction, value, context);
  }

  async initializeState(context: FunctionInitializationContext): Promise<void> {
    // Flink's name for this state: a job ported with its savepoint finds it again.
    this.state = context.getOperatorStateStore().getListState(new ListStateDescriptor<TwoPhaseCommitState<TXN, CONTEXT>>('state'));
    if (context.isRestored()) {
      const restored = Array.from(this.state.get());
      const contexts: CONTEXT[] = [];
      // Commit before aborting: the open transaction is newer than every pending one.
      for (const entry of restored) {
        for (const [, transaction] of entry.pendingCommitTransactions) await this.recoverAndCommit(transaction);
        if (entry.currentTransaction !== null) await this.recoverAndAbort(entry.currentTransaction);
        if (entry.context !== null) contexts.push(entry.context);
      }
      await this.finishRecoveringContext(contexts);
    }
    this.userContext = this.initializeUserContext();
    this.currentTransaction = await this.beginTransaction();
    // The restored entries are handled: a snapshot before the next one must not recommit them.
    this.writeState();
  }

  async snapshotState(context: FunctionSnapshotContext): Promise<void> {
    const checkpointId = context.getCheckpointId();
    const transaction = this.currentTransaction;
    if (transaction !== undefined) {
      await this.preCommit(transaction);
      this.pendingCommitTransactions.push([checkpointId, transaction]);
      // After end of input nothing is written any more, so no transaction is begun just to be aborted.
      this.currentTransaction = this.finished ? undefined : await this.beginTransaction();
    }
    this.writeState();
  }

  async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    // Removed one by one, so a commit that throws leaves itself and the later ones pending.
    while (this.pendingCommitTransactions.length > 0) {
      const [pendingId, transaction] = this.pendingCommitTransactions[0] as [number, TXN];
      if (pendingId > checkpointId) break;
      await this.commit(transaction);
      this.pendingCommitTransactions.shift();
    }
  }

  notifyCheckpointAborted(_checkpointId: number): void {
    // Pending transactions of an aborted checkpoint stay pending: the next completed checkpoint commits them.
  }

  async finish(context: SinkFinishContext): Promise<void> {
    this.finished = true;
    if (context.finalCheckpointFollows) return;
    const transaction = this.currentTransaction;
    if (transaction === undefined) return;
    await this.preCommit(transaction);
    await this.commit(transaction);
    // Only now: if publishing failed, close() aborts the transaction (nothing would ever commit it).
    this.currentTransaction = undefined;
  }

  /** Aborts the open transaction, if any; pre-committed ones are left to be committed after a restore. */
  override async close(): Promise<void> {
    const transaction = this.currentTransaction;
    this.currentTransaction = undefined;
    if (transaction !== undefined) await this.abort(transaction);
  }

  private writeState(): void {
    this.state?.update([
      {
        pendingCommitTransactions: this.pendingCommitTransactions.map(([id, txn]): [number, TXN] => [id, txn]),
        currentTransaction: this.currentTransaction ?? null,
        context: this.userContext ?? null,
      },
    ]);
  }
}

/** True for two-phase-commit sink functions, whatever module copy defined their class. */
export function isTwoPhaseCommitSinkFunction(fn: unknown): fn is TwoPhaseCommitSinkFunction<unknown, unknown, unknown> {
  return (
    typeof fn === 'object' &&
    fn !== null &&
    typeof (fn as Partial<TwoPhaseCommitSinkFunction<unknown, unknown, unknown>>).invokeInTransaction === 'function'
  );
}

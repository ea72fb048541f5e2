import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { SinkContext } from '../../../src/api/functions/function-types.js';
import type { DataStream } from '../../../src/api/datastream/data-stream.js';
import type { OperatorStateSnapshot } from './operator-state-double.js';
import { TwoPhaseCommitSinkFunction } from '../../../src/api/functions/two-phase-commit-sink-function.js';
import { SinkFunctionOperator } from '../../../src/api/operators/sink-operators.js';
import { SinkOperatorHarness } from './sink-operator-harness.js';

/** A transaction is plain data: an id and the records buffered in it. */
interface BufferTransaction {
  id: string;
  records: string[];
}

/** The "external system": outlives sink instances, so a restored sink sees what a failed one did. */
class ExternalStore {
  readonly committed = new Map<string, string[]>();
  readonly preCommitted = new Set<string>();
  readonly aborted: string[] = [];
  readonly log: string[] = [];
  /** How many sink instances initialized: each keeps its generation in its user context. */
  generations = 0;
  private nextId = 0;

  newId(): string {
    return `txn-${this.nextId++}`;
  }

  /** Every committed record, in commit order. */
  visible(): string[] {
    return [...this.committed.values()].flat();
  }
}

class BufferingSink extends TwoPhaseCommitSinkFunction<string, BufferTransaction, { generation: number }> {
  constructor(private readonly store: ExternalStore) {
    super();
  }

  protected beginTransaction(): BufferTransaction {
    const id = this.store.newId();
    this.store.log.push(`begin ${id}`);
    return { id, records: [] };
  }

  protected invoke(transaction: BufferTransaction, value: string, _context: SinkContext): void {
    transaction.records.push(value);
  }

  protected async preCommit(transaction: BufferTransaction): Promise<void> {
    // Asynchronous, as a call to an external system would be.
    await Promise.resolve();
    this.store.preCommitted.add(transaction.id);
    this.store.log.push(`preCommit ${transaction.id}`);
  }

  protected commit(transaction: BufferTransaction): void {
    assert.ok(this.store.preCommitted.has(transaction.id), `${transaction.id} committed without preCommit`);
    this.store.log.push(`commit ${transaction.id}`);
    // Idempotent: committing again changes nothing.
    if (!this.store.committed.has(transaction.id)) this.store.committed.set(transaction.id, [...transaction.records]);
  }

  protected abort(transaction: BufferTransaction): void {
    this.store.log.push(`abort ${transaction.id}`);
    this.store.aborted.push(transaction.id);
  }

  protected override recoverAndCommit(transaction: BufferTransaction): void | Promise<void> {
    this.store.log.push(`recoverAndCommit ${transaction.id}`);
    return super.recoverAndCommit(transaction);
  }

  protected override recoverAndAbort(transaction: BufferTransaction): void | Promise<void> {
    this.store.log.push(`recoverAndAbort ${transaction.id} (${transaction.records.length} records)`);
    return super.recoverAndAbort(transaction);
  }

  protected override initializeUserContext(): { generation: number } {
    return { generation: this.store.generations++ };
  }

  protected override finishRecoveringContext(contexts: { generation: number }[]): void {
    this.store.log.push(`recovered contexts ${JSON.stringify(contexts)}`);
  }
}

async function start(
  store: ExternalStore,
  checkpointing: boolean,
  restoreFrom?: OperatorStateSnapshot,
): Promise<SinkOperatorHarness<string>> {
  const operator = new SinkFunctionOperator<string>(new BufferingSink(store));
  return SinkOperatorHarness.start(operator, restoreFrom === undefined ? { checkpointing } : { checkpointing, restoreFrom });
}

// Compile-time check: addSink takes a two-phase-commit sink function.
export function addBufferingSink(stream: DataStream<string>, store: ExternalStore): void {
  stream.addSink(new BufferingSink(store));
}

test('records are committed when the checkpoint that pre-committed them completes', async () => {
  const store = new ExternalStore();
  const h = await start(store, true);
  h.process('a1', 'a2');
  await h.snapshot(1);
  h.process('b1');
  assert.deepEqual(store.visible(), []);
  await h.complete(1);
  assert.deepEqual(store.visible(), ['a1', 'a2']);
  await h.snapshot(2);
  await h.complete(2);
  assert.deepEqual(store.visible(), ['a1', 'a2', 'b1']);
  assert.deepEqual(store.log, ['begin txn-0', 'preCommit txn-0', 'begin txn-1', 'commit txn-0', 'preCommit txn-1', 'begin txn-2', 'commit txn-1']);
  await h.close();
  assert.deepEqual(store.aborted, ['txn-2'], 'close aborts the open transaction only');
});

test('a skipped notification: completing checkpoint 3 commits 2 and 3 in order', async () => {
  const store = new ExternalStore();
  const h = await start(store, true);
  h.process('one');
  await h.snapshot(1);
  await h.complete(1);
  h.process('two');
  await h.snapshot(2);
  h.process('three');
  await h.snapshot(3);
  h.process('four');
  await h.complete(3);
  assert.deepEqual(store.visible(), ['one', 'two', 'three']);
  assert.deepEqual(
    store.log.filter((l) => l.startsWith('commit')),
    ['commit txn-0', 'commit txn-1', 'commit txn-2'],
  );
  await h.complete(2);
  assert.equal(store.log.filter((l) => l.startsWith('commit')).length, 3, 'a late notification commits nothing again');
  await h.close();
});

test('restore from checkpoint 2 commits checkpoints 1 and 2 and aborts the transaction that was open', async () => {
  const store = new ExternalStore();
  const first = await start(store, true);
  first.process('a');
  await first.snapshot(1);
  first.process('b');
  const state2 = await first.snapshot(2);
  first.process('lost');
  // Failure: no notification, no close (the process died).
  store.log.length = 0;

  const second = await start(store, true, state2);
  assert.deepEqual(store.visible(), ['a', 'b']);
  assert.deepEqual(store.log, [
    'recoverAndCommit txn-0',
    'commit txn-0',
    'recoverAndCommit txn-1',
    'commit txn-1',
    'recoverAndAbort txn-2 (0 records)',
    'abort txn-2',
    'recovered contexts [{"generation":0}]',
    'begin txn-3',
  ]);
  second.process('c');
  await second.snapshot(3);
  await second.complete(3);
  assert.deepEqual(store.visible(), ['a', 'b', 'c'], "the failed attempt's record after checkpoint 2 never appears");
  await second.close();
});

test('restore after a commit already happened commits again idempotently', async () => {
  const store = new ExternalStore();
  const first = await start(store, true);
  first.process('a');
  const state1 = await first.snapshot(1);
  await first.complete(1);
  await first.close();
  const second = await start(store, true, state1);
  await second.close();
  assert.deepEqual(store.visible(), ['a']);
  assert.equal(store.log.filter((l) => l === 'commit txn-0').length, 2, 'committed twice, published once');
});

test('end of input with checkpointing: the final checkpoint pre-commits and its completion commits', async () => {
  const store = new ExternalStore();
  const h = await start(store, true);
  h.process('a');
  await h.snapshot(1);
  h.process('b');
  await h.finish();
  assert.deepEqual(store.visible(), []);
  assert.equal(store.preCommitted.has('txn-1'), false, 'finish leaves the pre-commit to the final checkpoint');
  await h.snapshot(2);
  assert.equal(store.preCommitted.has('txn-1'), true);
  await h.complete(2);
  await h.close();
  assert.deepEqual(store.visible(), ['a', 'b']);
  assert.deepEqual(store.aborted, []);
  assert.equal(store.log.filter((l) => l.startsWith('begin')).length, 2, 'no transaction is begun after end of input');
});

test('end of input without checkpointing: the last transaction is committed at finish', async () => {
  const store = new ExternalStore();
  const h = await start(store, false);
  h.process('a', 'b');
  await h.finish();
  assert.deepEqual(store.visible(), ['a', 'b']);
  await h.close();
  assert.deepEqual(store.aborted, []);
  assert.deepEqual(store.log, ['begin txn-0', 'preCommit txn-0', 'commit txn-0']);
});

test('a cancelled sink aborts its open transaction and leaves pre-committed ones for recovery', async () => {
  const store = new ExternalStore();
  const h = await start(store, true);
  h.process('a');
  await h.snapshot(1);
  h.process('b');
  await h.close();
  assert.deepEqual(store.visible(), []);
  assert.deepEqual(store.aborted, ['txn-1']);
});

test('a record after finish is refused', async () => {
  const store = new ExternalStore();
  const h = await start(store, true);
  await h.finish();
  assert.throws(() => h.process('late'), /after finish/);
  await h.close();
});

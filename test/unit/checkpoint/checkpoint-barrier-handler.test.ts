import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { InputGate } from '../../../src/runtime/network/input-gate.js';
import { CheckpointBarrierHandler } from '../../../src/runtime/worker/checkpoint-barrier-handler.js';
import { END_OF_PARTITION, RecordingActions, barrier, cancelMarker, data, describeEvent, gateWith, one, two } from './channel-support.js';

/**
 * Reads the gates the way StreamTask.runInputs does (each gate in turn, one event per gate per
 * round) and hands barriers, cancel markers and channel ends to the handler, until no gate has
 * anything. Records are logged as `data:<values>` into the actions' log, next to the snapshots.
 */
async function runUntilIdle(gates: readonly InputGate[], handler: CheckpointBarrierHandler, actions: RecordingActions): Promise<void> {
  for (;;) {
    let progressed = false;
    for (const gate of gates) {
      const event = gate.pollNext();
      if (event === undefined) continue;
      progressed = true;
      switch (event.kind) {
        case 'data':
          actions.log.push(describeEvent(event));
          break;
        case 'barrier':
          await handler.processBarrier(event.barrier, gate, event.channel);
          break;
        case 'cancelMarker':
          handler.processCancelMarker(event.checkpointId);
          break;
        case 'channelEnded':
        case 'end':
          await handler.processChannelEnded();
          break;
        case 'watermark':
        case 'watermarkStatus':
        case 'endOfData':
          break;
      }
    }
    if (!progressed) return;
  }
}

test('exactly-once: a channel is blocked after its barrier until every channel delivered it; one snapshot; then data flows again', async () => {
  const { gate, channels } = gateWith(2);
  const [ch0, ch1] = two(channels);
  const actions = new RecordingActions();
  const handler = new CheckpointBarrierHandler([gate], true, actions);

  ch0.push(data('a1'), barrier(1), data('a2'), data('a3'));
  await runUntilIdle([gate], handler, actions);
  // a2 and a3 came after the barrier: they wait in the blocked channel.
  assert.deepEqual(actions.log, ['data:a1']);
  assert.equal(handler.pendingCheckpointId, 1);
  assert.equal(actions.triggered.length, 0);
  assert.equal(gate.pollNext(), undefined);
  assert.deepEqual(ch0.queue.length, 2, 'the blocked channel keeps its records');

  ch1.push(data('b1'), barrier(1), data('b2'));
  await runUntilIdle([gate], handler, actions);
  const snapshot = actions.log.indexOf('snapshot:1');
  assert.ok(snapshot > actions.log.indexOf('data:b1'), actions.log.join(' '));
  assert.ok(snapshot < actions.log.indexOf('data:a2'), actions.log.join(' '));
  assert.ok(snapshot < actions.log.indexOf('data:b2'), actions.log.join(' '));
  assert.deepEqual([...actions.log].sort(), ['data:a1', 'data:a2', 'data:a3', 'data:b1', 'data:b2', 'snapshot:1']);
  assert.equal(actions.triggered.length, 1);
  assert.equal(actions.triggered[0]?.checkpointId, 1);
  assert.equal(handler.pendingCheckpointId, undefined);
  assert.equal(actions.aborted.length, 0);

  // The next checkpoint aligns the same way.
  ch1.push(barrier(2), data('b3'));
  ch0.push(data('a4'), barrier(2));
  await runUntilIdle([gate], handler, actions);
  assert.deepEqual(actions.triggered.map((b) => b.checkpointId), [1, 2]);
  assert.ok(actions.log.indexOf('snapshot:2') > actions.log.indexOf('data:a4'));
  assert.ok(actions.log.indexOf('snapshot:2') < actions.log.indexOf('data:b3'));
});

test('exactly-once: the snapshot happens while the channels are still blocked, and they are resumed after it', async () => {
  const { gate, channels, wakeUps } = gateWith(2);
  const [ch0, ch1] = two(channels);
  const actions = new RecordingActions();
  const handler = new CheckpointBarrierHandler([gate], true, actions);
  ch0.push(barrier(1), data('a2'));
  ch1.push(barrier(1), data('b2'));
  let polledDuringSnapshot: unknown = 'not called';
  actions.duringSnapshot = () => {
    polledDuringSnapshot = gate.pollNext();
  };
  const before = wakeUps.count;
  await runUntilIdle([gate], handler, actions);
  assert.equal(polledDuringSnapshot, undefined, 'no record after the barrier is readable during the snapshot');
  assert.ok(wakeUps.count > before, 'resuming wakes the task up');
  assert.deepEqual(actions.log, ['snapshot:1', 'data:a2', 'data:b2']);
});

test('at-least-once: channels are not blocked; the snapshot is taken once the last barrier arrived', async () => {
  const { gate, channels } = gateWith(2);
  const [ch0, ch1] = two(channels);
  const actions = new RecordingActions();
  const handler = new CheckpointBarrierHandler([gate], false, actions);

  ch0.push(barrier(1), data('a2'), data('a3'));
  await runUntilIdle([gate], handler, actions);
  assert.deepEqual(actions.log, ['data:a2', 'data:a3']);
  assert.equal(handler.pendingCheckpointId, 1);

  ch1.push(data('b1'), barrier(1), data('b2'));
  await runUntilIdle([gate], handler, actions);
  assert.deepEqual(actions.log, ['data:a2', 'data:a3', 'data:b1', 'snapshot:1', 'data:b2']);
});

test('savepoints are aligned even in at-least-once mode', async () => {
  const { gate, channels } = gateWith(2);
  const [ch0, ch1] = two(channels);
  const actions = new RecordingActions();
  const handler = new CheckpointBarrierHandler([gate], false, actions);

  ch0.push(barrier(1, 'SAVEPOINT'), data('a2'));
  await runUntilIdle([gate], handler, actions);
  assert.deepEqual(actions.log, [], 'a2 waits behind the savepoint barrier');

  ch1.push(data('b1'), barrier(1, 'SAVEPOINT'), data('b2'));
  await runUntilIdle([gate], handler, actions);
  assert.equal(actions.log[0], 'data:b1');
  assert.equal(actions.log[1], 'snapshot:1');
  assert.deepEqual(actions.log.slice(2).sort(), ['data:a2', 'data:b2']);
  assert.equal(actions.triggered[0]?.options.type, 'SAVEPOINT');
});

test('a newer barrier during alignment aborts the older checkpoint and aligns the newer one', async () => {
  const { gate, channels } = gateWith(2);
  const [ch0, ch1] = two(channels);
  const actions = new RecordingActions();
  const handler = new CheckpointBarrierHandler([gate], true, actions);

  ch0.push(barrier(1), data('a2'), barrier(2), data('a3'));
  await runUntilIdle([gate], handler, actions);
  assert.equal(handler.pendingCheckpointId, 1);

  // Channel 1 never delivers barrier 1 (its producer skipped it): barrier 2 subsumes checkpoint 1.
  ch1.push(barrier(2), data('b3'));
  await runUntilIdle([gate], handler, actions);
  assert.deepEqual(actions.aborted.map((a) => a.checkpointId), [1]);
  assert.match(actions.aborted[0]?.reason ?? '', /Checkpoint 1 was subsumed by checkpoint 2/);
  assert.deepEqual(actions.triggered.map((b) => b.checkpointId), [2]);
  // a2 was before barrier 2 on channel 0: it is processed before snapshot 2; a3 and b3 after it.
  const snapshot = actions.log.indexOf('snapshot:2');
  assert.ok(actions.log.indexOf('abort:1') < actions.log.indexOf('data:a2'), actions.log.join(' '));
  assert.ok(actions.log.indexOf('data:a2') < snapshot, actions.log.join(' '));
  assert.ok(snapshot < actions.log.indexOf('data:a3'), actions.log.join(' '));
  assert.ok(snapshot < actions.log.indexOf('data:b3'), actions.log.join(' '));

  // A barrier of the aborted checkpoint that comes late is ignored.
  ch1.push(barrier(1), data('b4'));
  await runUntilIdle([gate], handler, actions);
  assert.equal(handler.pendingCheckpointId, undefined);
  assert.deepEqual(actions.triggered.map((b) => b.checkpointId), [2]);
  assert.equal(actions.log.at(-1), 'data:b4');
});

test('a CancelCheckpointMarker aborts the pending alignment and unblocks the channels; its late barriers are ignored', async () => {
  const { gate, channels } = gateWith(2);
  const [ch0, ch1] = two(channels);
  const actions = new RecordingActions();
  const handler = new CheckpointBarrierHandler([gate], true, actions);

  ch0.push(barrier(1), data('a2'));
  await runUntilIdle([gate], handler, actions);
  assert.deepEqual(actions.log, []);

  ch1.push(cancelMarker(1), data('b2'), barrier(1));
  await runUntilIdle([gate], handler, actions);
  assert.deepEqual(actions.aborted.map((a) => a.checkpointId), [1]);
  assert.match(actions.aborted[0]?.reason ?? '', /Checkpoint 1 was canceled upstream/);
  assert.equal(actions.triggered.length, 0);
  assert.equal(handler.pendingCheckpointId, undefined);
  assert.deepEqual([...actions.log].sort(), ['abort:1', 'data:a2', 'data:b2']);
  assert.equal(actions.log[0], 'abort:1');
});

test('a CancelCheckpointMarker before any barrier aborts the checkpoint once; its barriers and further markers are ignored', async () => {
  const { gate, channels } = gateWith(2);
  const [ch0, ch1] = two(channels);
  const actions = new RecordingActions();
  const handler = new CheckpointBarrierHandler([gate], true, actions);

  ch0.push(cancelMarker(3), data('a1'));
  ch1.push(barrier(3), data('b1'), cancelMarker(3));
  await runUntilIdle([gate], handler, actions);
  assert.deepEqual(actions.aborted.map((a) => a.checkpointId), [3]);
  assert.equal(actions.triggered.length, 0);
  assert.equal(handler.pendingCheckpointId, undefined);
  assert.deepEqual([...actions.log].sort(), ['abort:3', 'data:a1', 'data:b1']);

  // The next checkpoint is unaffected.
  ch0.push(barrier(4));
  ch1.push(barrier(4));
  await runUntilIdle([gate], handler, actions);
  assert.deepEqual(actions.triggered.map((b) => b.checkpointId), [4]);
});

test('a channel that ended counts as arrived: the end of the last missing channel completes the alignment', async () => {
  const { gate, channels } = gateWith(2);
  const [ch0, ch1] = two(channels);
  const actions = new RecordingActions();
  const handler = new CheckpointBarrierHandler([gate], true, actions);

  ch0.push(barrier(1), data('a2'));
  await runUntilIdle([gate], handler, actions);
  assert.equal(actions.triggered.length, 0);

  ch1.push(data('b1'), END_OF_PARTITION);
  await runUntilIdle([gate], handler, actions);
  assert.deepEqual(actions.log, ['data:b1', 'snapshot:1', 'data:a2']);
  assert.ok(ch1.released);
});

test('a channel that ended before the barrier is not waited for', async () => {
  const { gate, channels } = gateWith(2);
  const [ch0, ch1] = two(channels);
  const actions = new RecordingActions();
  const handler = new CheckpointBarrierHandler([gate], true, actions);

  ch1.push(END_OF_PARTITION);
  await runUntilIdle([gate], handler, actions);
  ch0.push(barrier(1), data('a2'));
  await runUntilIdle([gate], handler, actions);
  assert.deepEqual(actions.log, ['snapshot:1', 'data:a2']);
});

test('two gates (a two-input task) align across both inputs', async () => {
  const left = gateWith(1);
  const right = gateWith(2);
  const gates = [left.gate, right.gate];
  const l0 = one(left.channels);
  const [r0, r1] = two(right.channels);
  const actions = new RecordingActions();
  const handler = new CheckpointBarrierHandler(gates, true, actions);

  l0.push(data('l1'), barrier(5), data('l2'));
  r0.push(data('r1'), barrier(5), data('r2'));
  await runUntilIdle(gates, handler, actions);
  assert.deepEqual([...actions.log].sort(), ['data:l1', 'data:r1']);
  assert.equal(actions.triggered.length, 0, 'the right input still has a channel without the barrier');

  r1.push(data('s1'), barrier(5), data('s2'));
  await runUntilIdle(gates, handler, actions);
  const snapshot = actions.log.indexOf('snapshot:5');
  assert.ok(snapshot > actions.log.indexOf('data:s1'), actions.log.join(' '));
  for (const after of ['data:l2', 'data:r2', 'data:s2']) assert.ok(snapshot < actions.log.indexOf(after), `${after}: ${actions.log.join(' ')}`);
  assert.equal(actions.triggered.length, 1);
});

test('a failing snapshot still unblocks the channels', async () => {
  const { gate, channels } = gateWith(1);
  const ch0 = one(channels);
  const handler = new CheckpointBarrierHandler([gate], true, {
    triggerCheckpoint: () => Promise.reject(new Error('snapshot failed')),
    abortCheckpoint: () => undefined,
  });
  ch0.push(barrier(1), data('a2'));
  const event = gate.pollNext();
  assert.equal(event?.kind, 'barrier');
  if (event?.kind !== 'barrier') return;
  await assert.rejects(handler.processBarrier(event.barrier, gate, event.channel), /snapshot failed/);
  assert.equal(describeEvent(gate.pollNext() ?? { kind: 'end' }), 'data:a2');
});

test('a late barrier of an OLDER checkpoint does not count as arrived for the pending newer one', async () => {
  // Checkpoint 1 could not be triggered at the source behind channel 1, so channel 1 carries barrier 2 only;
  // channel 0 carries barrier 1, records, then barrier 2. If channel 1's barrier 2 is read first, checkpoint 2
  // must wait for channel 0's barrier 2: the records a2 lie before it and belong into snapshot 2.
  const { gate, channels } = gateWith(2);
  const [ch0, ch1] = two(channels);
  const actions = new RecordingActions();
  const handler = new CheckpointBarrierHandler([gate], true, actions);
  ch1.push(barrier(2), data('b3'));
  await runUntilIdle([gate], handler, actions);
  ch0.push(barrier(1), data('a2'), barrier(2), data('a3'));
  await runUntilIdle([gate], handler, actions);
  const snapshot = actions.log.indexOf('snapshot:2');
  assert.ok(snapshot > actions.log.indexOf('data:a2'), `a2 precedes barrier 2 on channel 0, yet: ${actions.log.join(' ')}`);
});

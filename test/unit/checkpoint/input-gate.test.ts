import { test } from 'node:test';
import assert from 'node:assert/strict';

import { END_OF_DATA, END_OF_PARTITION, barrier, cancelMarker, data, describeEvent, drain, gateWith, one, two, watermark } from './channel-support.js';

test('EndOfData on every channel gives one endOfData event; the gate is not finished yet', () => {
  const { gate, channels } = gateWith(3);
  channels.forEach((c, i) => c.push(data(`x${i}`), END_OF_DATA));
  const events = drain(gate).map(describeEvent);
  assert.deepEqual(events.filter((e) => e === 'endOfData'), ['endOfData']);
  assert.equal(events.at(-1), 'endOfData', 'reported when the last channel delivered it');
  assert.deepEqual(events.filter((e) => e.startsWith('data')).sort(), ['data:x0', 'data:x1', 'data:x2']);
  assert.equal(gate.hasReportedEndOfData(), true);
  assert.equal(gate.isFinished(), false);

  // Barriers may still follow EndOfData (the final checkpoint); the end comes later, without a second endOfData.
  for (const c of channels) c.push(barrier(7));
  assert.deepEqual(drain(gate).map(describeEvent).sort(), ['barrier:7@0', 'barrier:7@1', 'barrier:7@2']);
  for (const c of channels) c.push(END_OF_PARTITION);
  assert.deepEqual(drain(gate).map(describeEvent), ['channelEnded@0', 'channelEnded@1', 'end']);
  assert.equal(gate.isFinished(), true);
});

test('EndOfData on only some channels gives no endOfData event', () => {
  const { gate, channels } = gateWith(2);
  one(channels).push(END_OF_DATA);
  assert.deepEqual(drain(gate), []);
  assert.equal(gate.hasReportedEndOfData(), false);
});

test('EndOfPartition on every channel: channelEnded for the first ones, then endOfData, then end', () => {
  const { gate, channels } = gateWith(2);
  const [ch0, ch1] = two(channels);
  ch0.push(data('a'), END_OF_PARTITION);
  ch1.push(data('b'), END_OF_PARTITION);
  const events = drain(gate).map(describeEvent);
  assert.deepEqual(events.filter((e) => !e.startsWith('data')), ['channelEnded@0', 'endOfData', 'end']);
  assert.deepEqual(events.filter((e) => e.startsWith('data')).sort(), ['data:a', 'data:b']);
  assert.equal(gate.isFinished(), true);
  assert.equal(gate.hasData(), false);
  assert.ok(ch0.released && ch1.released, 'ended channels are released');
  assert.deepEqual(gate.liveChannels(), []);
  assert.equal(gate.pollNext(), undefined);
});

test('a single channel: EndOfPartition gives endOfData then end', () => {
  const { gate, channels } = gateWith(1);
  one(channels).push(END_OF_PARTITION);
  assert.equal(gate.hasData(), true);
  assert.equal(describeEvent(gate.pollNext() ?? { kind: 'end' }), 'endOfData');
  assert.equal(gate.hasData(), true, 'the end is still to be reported');
  assert.equal(describeEvent(gate.pollNext() ?? { kind: 'endOfData' }), 'end');
  assert.equal(gate.pollNext(), undefined);
});

test('a channel that ended leaves the live channels; data arriving for it is not read', () => {
  const { gate, channels } = gateWith(2);
  const [ch0, ch1] = two(channels);
  ch0.push(END_OF_PARTITION);
  assert.deepEqual(drain(gate).map(describeEvent), ['channelEnded@0']);
  assert.deepEqual(gate.liveChannels(), [ch1]);
  assert.equal(gate.isChannelFinished(ch0), true);
  gate.notifyChannelNonEmpty(ch0);
  ch1.push(data('b'));
  assert.deepEqual(drain(gate).map(describeEvent), ['data:b']);
});

test('a blocked channel keeps its data; resumeConsumption puts it back in the rotation', () => {
  const { gate, channels, wakeUps } = gateWith(2);
  const [ch0, ch1] = two(channels);
  ch0.push(barrier(1), data('a1'), data('a2'));
  ch1.push(data('b1'));
  const first = gate.pollNext();
  assert.equal(first?.kind, 'barrier');
  gate.blockChannel(ch0);
  assert.deepEqual(drain(gate).map(describeEvent), ['data:b1']);
  assert.equal(ch0.queue.length, 2);

  // More data for the blocked channel does not make it readable either.
  ch0.queue.length = 0;
  ch0.push(data('a1'), data('a2'));
  ch0.push(data('a3'));
  assert.equal(gate.pollNext(), undefined);
  assert.equal(ch0.queue.length, 3);

  const before = wakeUps.count;
  gate.resumeConsumption();
  assert.equal(wakeUps.count, before + 1, 'the task is woken up');
  assert.deepEqual(drain(gate).map(describeEvent), ['data:a1', 'data:a2', 'data:a3']);
});

test('resumeConsumption without blocked channels, or of an empty channel, wakes nobody needlessly', () => {
  const { gate, channels, wakeUps } = gateWith(1);
  const ch0 = one(channels);
  gate.resumeConsumption();
  assert.equal(wakeUps.count, 0);
  gate.blockChannel(ch0);
  gate.resumeConsumption();
  // The empty channel is put back; the next poll drops it again.
  assert.equal(gate.pollNext(), undefined);
  ch0.push(data('x'));
  assert.deepEqual(drain(gate).map(describeEvent), ['data:x']);
});

test('a blocked channel that ends is unblocked and counts as ended', () => {
  const { gate, channels } = gateWith(2);
  const [ch0, ch1] = two(channels);
  ch0.push(barrier(1));
  assert.equal(gate.pollNext()?.kind, 'barrier');
  gate.blockChannel(ch0);
  ch1.push(END_OF_PARTITION);
  assert.deepEqual(drain(gate).map(describeEvent), ['channelEnded@1']);
  gate.resumeConsumption();
  ch0.push(END_OF_PARTITION);
  assert.deepEqual(drain(gate).map(describeEvent), ['endOfData', 'end']);
});

test('reading is round-robin across channels', () => {
  const { gate, channels } = gateWith(2);
  const [ch0, ch1] = two(channels);
  ch0.push(data('a1'), data('a2'), data('a3'));
  ch1.push(data('b1'), data('b2'));
  assert.deepEqual(drain(gate).map(describeEvent), ['data:a1', 'data:b1', 'data:a2', 'data:b2', 'data:a3']);
});

test('barriers and cancel markers name their channel', () => {
  const { gate, channels } = gateWith(2);
  const [ch0, ch1] = two(channels);
  ch0.push(barrier(3));
  ch1.push(cancelMarker(3));
  assert.deepEqual(drain(gate).map(describeEvent), ['barrier:3@0', 'cancel:3@1']);
});

test('the gate forwards the minimum of its channels\' watermarks when it advances', () => {
  const { gate, channels } = gateWith(2);
  const [ch0, ch1] = two(channels);
  ch0.push(watermark(10));
  assert.deepEqual(drain(gate), []);
  ch1.push(watermark(5));
  assert.deepEqual(drain(gate).map(describeEvent), ['wm:5']);
  ch1.push(watermark(20), watermark(15));
  assert.deepEqual(drain(gate).map(describeEvent), ['wm:10']);
  ch0.push(watermark(30));
  assert.deepEqual(drain(gate).map(describeEvent), ['wm:20']);
});

test('a channel error is thrown by the next poll', () => {
  const { gate, channels, wakeUps } = gateWith(1);
  gate.notifyChannelError(one(channels), new Error('connection reset'));
  assert.equal(wakeUps.count, 1);
  assert.equal(gate.hasData(), true);
  assert.throws(() => gate.pollNext(), /connection reset/);
});

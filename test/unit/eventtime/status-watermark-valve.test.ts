import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { EventBuffer } from '../../../src/runtime/network/buffer.js';
import type { ValveOutput } from '../../../src/runtime/network/status-watermark-valve.js';
import { StatusWatermarkValve } from '../../../src/runtime/network/status-watermark-valve.js';
import { data, describeEvent, drain, gateWith, watermark } from '../checkpoint/channel-support.js';

function valveWith(n: number): StatusWatermarkValve {
  const valve = new StatusWatermarkValve();
  for (let i = 0; i < n; i++) valve.addChannel();
  return valve;
}

const show = (outs: ValveOutput[]): string[] => outs.map((o) => (o.kind === 'watermark' ? `wm:${o.watermark}` : o.idle ? 'IDLE' : 'ACTIVE'));

function status(idle: boolean): EventBuffer {
  return { kind: 'event', event: { type: 'WatermarkStatus', idle } };
}

test('the output is the minimum over channels and only advances', () => {
  const v = valveWith(2);
  assert.deepEqual(show(v.inputWatermark(0, 10)), []);
  assert.deepEqual(show(v.inputWatermark(1, 5)), ['wm:5']);
  assert.deepEqual(show(v.inputWatermark(1, 20)), ['wm:10']);
  assert.deepEqual(show(v.inputWatermark(0, 9)), [], 'a channel going back is ignored');
});

test('an idle channel is left out of the minimum and rejoins once it caught up', () => {
  const v = valveWith(3);
  v.inputWatermark(0, 100);
  v.inputWatermark(1, 50);
  assert.deepEqual(show(v.inputWatermarkStatus(2, true)), ['wm:50'], 'channel 2 (no watermark yet) no longer holds the minimum');
  assert.deepEqual(show(v.inputWatermark(1, 200)), ['wm:100']);
  assert.deepEqual(show(v.inputWatermarkStatus(2, false)), [], 'active again, but behind: not aligned yet');
  assert.deepEqual(show(v.inputWatermark(2, 80)), [], 'still behind the output: stays out');
  assert.deepEqual(show(v.inputWatermark(0, 300)), ['wm:200']);
  assert.deepEqual(show(v.inputWatermark(2, 250)), [], 'caught up: aligned again and now the minimum');
  assert.deepEqual(show(v.inputWatermark(1, 400)), ['wm:250']);
});

test('all channels idle: the largest watermark is flushed and IDLE forwarded; one coming back forwards ACTIVE', () => {
  const v = valveWith(2);
  v.inputWatermark(0, 30);
  v.inputWatermark(1, 10);
  assert.deepEqual(show(v.inputWatermarkStatus(1, true)), ['wm:30']);
  assert.deepEqual(show(v.inputWatermarkStatus(0, true)), ['IDLE']);
  assert.deepEqual(show(v.inputWatermark(0, 40)), [], 'watermarks of an idle channel are ignored');
  assert.deepEqual(show(v.inputWatermarkStatus(0, false)), ['ACTIVE']);
  assert.deepEqual(show(v.inputWatermark(0, 40)), ['wm:40']);
});

test('the input gate runs the valve: statuses come out as events, in order with the watermark they release', () => {
  const { gate, channels } = gateWith(2);
  const [a, b] = channels as [NonNullable<(typeof channels)[0]>, NonNullable<(typeof channels)[1]>];
  a.push(watermark(7), data('x'));
  b.push(status(true));
  b.push(watermark(1)); // ignored: b is idle
  assert.deepEqual(drain(gate).map(describeEvent), ['wm:7', 'data:x'], 'b going idle releases a\'s watermark');
  a.push(status(true));
  assert.deepEqual(drain(gate).map(describeEvent), ['IDLE']);
  b.push(status(false), watermark(9));
  assert.deepEqual(drain(gate).map(describeEvent), ['ACTIVE', 'wm:9']);
});

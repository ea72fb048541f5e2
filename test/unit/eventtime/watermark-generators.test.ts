import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { WatermarkOutput } from '../../../src/api/common/watermarks/watermark-output.js';
import type { WatermarkGenerator } from '../../../src/api/common/watermarks/watermark-generator.js';
import type { Output } from '../../../src/api/common/records.js';
import { WatermarkStrategy } from '../../../src/api/common/watermark-strategy.js';
import { Time } from '../../../src/api/common/time.js';
import { WatermarkEmitter } from '../../../src/api/operators/watermark-emitter.js';

/** Records what a generator reports, in order. */
class RecordingOutput implements WatermarkOutput {
  readonly log: string[] = [];
  emitWatermark(watermark: number): void {
    this.log.push(`wm:${watermark}`);
  }
  markIdle(): void {
    this.log.push('IDLE');
  }
  markActive(): void {
    this.log.push('ACTIVE');
  }
}

function manualClock(start = 0): { now: number; context: { currentProcessingTime(): number } } {
  const clock = { now: start, context: { currentProcessingTime: () => clock.now } };
  return clock;
}

function events<T>(generator: WatermarkGenerator<T>, out: WatermarkOutput, ...items: [T, number][]): void {
  for (const [e, ts] of items) generator.onEvent(e, ts, out);
}

test('bounded out-of-orderness emits max timestamp − bound − 1, never going back', () => {
  const g = WatermarkStrategy.forBoundedOutOfOrderness<string>(Time.seconds(2)).createWatermarkGenerator(manualClock().context);
  const out = new RecordingOutput();
  g.onPeriodicEmit(out);
  assert.deepEqual(out.log, [`wm:${Number.NEGATIVE_INFINITY}`], 'before any event: the lowest watermark');
  events(g, out, ['a', 5000], ['b', 3000], ['c', 7000], ['d', 6500]);
  g.onPeriodicEmit(out);
  assert.equal(out.log.at(-1), 'wm:4999', '7000 − 2000 − 1');
  events(g, out, ['e', 1000]);
  g.onPeriodicEmit(out);
  assert.equal(out.log.at(-1), 'wm:4999', 'a late element does not lower the maximum');
  assert.equal(out.log.length, 3, 'no watermark from onEvent: the generator is periodic');
});

test('monotonous timestamps: watermark = max timestamp − 1', () => {
  const g = WatermarkStrategy.forMonotonousTimestamps<number>().createWatermarkGenerator(manualClock().context);
  const out = new RecordingOutput();
  events(g, out, [1, 100], [2, 250]);
  g.onPeriodicEmit(out);
  assert.deepEqual(out.log, ['wm:249']);
});

test('noWatermarks emits nothing and says so', () => {
  const strategy = WatermarkStrategy.noWatermarks<number>();
  const g = strategy.createWatermarkGenerator(manualClock().context);
  const out = new RecordingOutput();
  events(g, out, [1, 100]);
  g.onPeriodicEmit(out);
  assert.deepEqual(out.log, []);
  assert.equal(strategy.generatesWatermarks, false);
});

test('forGenerator: a punctuated generator emits from onEvent; the timestamp assigner is used', () => {
  const strategy = WatermarkStrategy.forGenerator<{ ts: number; end: boolean }>(() => ({
    onEvent: (e, ts, output) => {
      if (e.end) output.emitWatermark(ts);
    },
    onPeriodicEmit: () => undefined,
  })).withTimestampAssigner((e) => e.ts);
  const assigner = strategy.createTimestampAssigner();
  const g = strategy.createWatermarkGenerator(manualClock().context);
  const out = new RecordingOutput();
  for (const e of [{ ts: 10, end: false }, { ts: 20, end: true }, { ts: 30, end: false }]) g.onEvent(e, assigner(e, -1), out);
  assert.deepEqual(out.log, ['wm:20']);
  assert.equal(WatermarkStrategy.forMonotonousTimestamps<number>().createTimestampAssigner()(5, 42), 42, 'default keeps the record timestamp');
});

test('withIdleness marks idle after the timeout without events and active again on the next one', () => {
  const clock = manualClock(1000);
  const g = WatermarkStrategy.forMonotonousTimestamps<string>().withIdleness(500).createWatermarkGenerator(clock.context);
  const out = new RecordingOutput();
  events(g, out, ['a', 10]);
  g.onPeriodicEmit(out); // activity since last check: emits
  clock.now = 1200;
  g.onPeriodicEmit(out); // quiet stretch starts here
  clock.now = 1700;
  g.onPeriodicEmit(out); // exactly the timeout: not yet (Flink idles strictly after it)
  clock.now = 1701;
  g.onPeriodicEmit(out);
  clock.now = 1900;
  g.onPeriodicEmit(out); // still idle: no second IDLE
  events(g, out, ['b', 20]);
  g.onPeriodicEmit(out);
  assert.deepEqual(out.log, ['wm:9', 'wm:9', 'wm:9', 'IDLE', 'ACTIVE', 'wm:19']);
});

test('WatermarkEmitter forwards only advancing watermarks and status changes; a watermark ends idleness', () => {
  const log: string[] = [];
  const output: Output<unknown> = {
    collect: () => undefined,
    collectSide: () => undefined,
    emitWatermark: (w) => log.push(`wm:${w}`),
    emitWatermarkStatus: (s) => log.push(s),
  };
  const emitter = new WatermarkEmitter(output);
  emitter.emitWatermark(5);
  emitter.emitWatermark(5);
  emitter.emitWatermark(3);
  emitter.markActive();
  emitter.markIdle();
  emitter.markIdle();
  emitter.emitWatermark(8);
  assert.deepEqual(log, ['wm:5', 'IDLE', 'ACTIVE', 'wm:8']);
});

test('Time helpers return milliseconds; invalid strategy arguments are refused', () => {
  assert.deepEqual(
    [Time.milliseconds(7), Time.seconds(2), Time.minutes(1), Time.hours(1), Time.days(1)],
    [7, 2000, 60_000, 3_600_000, 86_400_000],
  );
  assert.throws(() => WatermarkStrategy.forBoundedOutOfOrderness(-1), RangeError);
  assert.throws(() => WatermarkStrategy.forMonotonousTimestamps().withIdleness(0), RangeError);
});

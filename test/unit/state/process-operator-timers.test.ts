import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { Collector } from '../../../src/api/common/records.js';
import type { KeyedProcessContext, OnTimerContext, ProcessContext } from '../../../src/api/functions/process-function.js';
import { OutputTag } from '../../../src/api/common/output-tag.js';
import { NO_TIMESTAMP } from '../../../src/api/common/records.js';
import { KeyedProcessFunction } from '../../../src/api/functions/process-function.js';
import { ProcessOperator } from '../../../src/api/operators/process-operator.js';
import { ValueStateDescriptor } from '../../../src/api/state/state-descriptor.js';
import { OneInputHarness } from './operator-harness.js';
import { ManualProcessingTime, newBackend } from './state-test-support.js';

type Event = [key: string, value: number];
const byKey = (e: Event): string => e[0];
const LATE = new OutputTag<string>('timer-side');

/** Counts per key; an event-time timer at ts+10 emits the count, a processing-time timer at now+100 emits "pt". */
class CountWithTimeout extends KeyedProcessFunction<string, Event, string> {
  processElement(value: Event, ctx: KeyedProcessContext<string>, _out: Collector<string>): void {
    const count = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('count'));
    count.update((count.value() ?? 0) + value[1]);
    ctx.timerService().registerEventTimeTimer((ctx.timestamp() ?? 0) + 10);
    if (value[1] < 0) ctx.timerService().deleteEventTimeTimer((ctx.timestamp() ?? 0) + 10);
    if (value[1] === 100) ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + 100);
  }

  override onTimer(timestamp: number, ctx: OnTimerContext<string>, out: Collector<string>): void {
    const count = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('count')).value();
    out.collect(`${ctx.timeDomain()} ${ctx.getCurrentKey()}@${timestamp}=${count ?? 'none'} wm=${ctx.timerService().currentWatermark()}`);
    ctx.output(LATE, `side ${ctx.getCurrentKey()}`);
    assert.equal(ctx.timestamp(), timestamp);
  }
}

test('KeyedProcessFunction timers: event-time timers fire at the watermark before it is forwarded, with the key and its state', async () => {
  const clock = new ManualProcessingTime(0);
  const backend = newBackend(clock);
  const harness = new OneInputHarness<Event>(new ProcessOperator<Event, string>(new CountWithTimeout(), byKey), byKey, backend, clock);
  await harness.open();
  harness.process(['a', 1], 5); // timer a@15
  harness.process(['b', 2], 5); // timer b@15
  harness.process(['a', 3], 5); // a@15 again: deduplicated
  harness.process(['a', 4], 20); // timer a@30
  harness.process(['b', -1], 20); // timer b@30 registered and deleted

  harness.watermark(14);
  assert.equal(harness.emitted.length, 0);
  assert.deepEqual(harness.watermarks, [14]);

  harness.watermark(30);
  assert.deepEqual(
    harness.emitted.filter((e) => e.side === undefined),
    [
      { value: 'EVENT_TIME a@15=8 wm=30', timestamp: 15 },
      { value: 'EVENT_TIME b@15=1 wm=30', timestamp: 15 },
      { value: 'EVENT_TIME a@30=8 wm=30', timestamp: 30 },
    ],
  );
  assert.deepEqual(
    harness.emitted.filter((e) => e.side !== undefined).map((e) => [e.value, e.timestamp, e.side]),
    [
      ['side a', 15, 'timer-side'],
      ['side b', 15, 'timer-side'],
      ['side a', 30, 'timer-side'],
    ],
  );
  // The watermark went downstream after the timers' output.
  assert.deepEqual(harness.watermarks, [14, 30]);
});

test('KeyedProcessFunction processing-time timers fire through the scheduler; their output has no timestamp', async () => {
  const clock = new ManualProcessingTime(1000);
  const backend = newBackend(clock);
  const harness = new OneInputHarness<Event>(new ProcessOperator<Event, string>(new CountWithTimeout(), byKey), byKey, backend, clock);
  await harness.open();
  harness.process(['a', 100], 0);
  clock.advanceTo(1099);
  assert.equal(harness.emitted.length, 0);
  clock.advanceTo(1100);
  assert.deepEqual(harness.emitted.filter((e) => e.side === undefined), [
    { value: 'PROCESSING_TIME a@1100=100 wm=-Infinity', timestamp: NO_TIMESTAMP },
  ]);
});

test('timers of a process function survive snapshot/restore of the keyed backend', async () => {
  const clock = new ManualProcessingTime(0);
  const backend = newBackend(clock);
  const first = new OneInputHarness<Event>(new ProcessOperator<Event, string>(new CountWithTimeout(), byKey), byKey, backend, clock);
  await first.open();
  first.process(['k', 5], 100); // timer k@110
  const bytes = backend.snapshot();
  backend.dispose();

  const restored = newBackend(clock);
  restored.restore(bytes);
  const second = new OneInputHarness<Event>(new ProcessOperator<Event, string>(new CountWithTimeout(), byKey), byKey, restored, clock);
  await second.open();
  second.watermark(200);
  assert.deepEqual(second.emitted.filter((e) => e.side === undefined), [{ value: 'EVENT_TIME k@110=5 wm=200', timestamp: 110 }]);
});

test('a lambda-style process function object with onTimer works too', async () => {
  const clock = new ManualProcessingTime(0);
  const backend = newBackend(clock);
  const fn = {
    processElement(value: Event, ctx: KeyedProcessContext<string>): void {
      ctx.timerService().registerEventTimeTimer(value[1]);
    },
    onTimer(timestamp: number, ctx: OnTimerContext<string>, out: Collector<string>): void {
      out.collect(`${ctx.getCurrentKey()}:${timestamp}`);
    },
  };
  const harness = new OneInputHarness<Event>(new ProcessOperator<Event, string>(fn, byKey), byKey, backend, clock);
  await harness.open();
  harness.process(['x', 7], 0);
  harness.process(['y', 3], 0);
  harness.watermark(10);
  assert.deepEqual(harness.emitted.map((e) => e.value), ['y:3', 'x:7']);
});

test('a non-keyed ProcessFunction cannot use timers (Flink\'s message)', async () => {
  const clock = new ManualProcessingTime(0);
  const errors: string[] = [];
  const fn = (_value: number, ctx: ProcessContext): void => {
    for (const action of [
      () => ctx.timerService().registerEventTimeTimer(1),
      () => ctx.timerService().registerProcessingTimeTimer(1),
      () => ctx.timerService().deleteEventTimeTimer(1),
    ]) {
      try {
        action();
      } catch (e) {
        errors.push((e as Error).message);
      }
    }
  };
  const harness = new OneInputHarness<number>(new ProcessOperator<number, string>(fn), undefined, undefined, clock);
  await harness.open();
  harness.process(1, 0);
  assert.deepEqual(errors, [
    'Setting timers is only supported on a keyed streams.',
    'Setting timers is only supported on a keyed streams.',
    'Deleting timers is only supported on a keyed streams.',
  ]);
  // Watermarks still flow without a timer service.
  harness.watermark(5);
  assert.deepEqual(harness.watermarks, [5]);
});

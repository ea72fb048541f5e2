import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { Collector } from '../../../src/api/common/records.js';
import type { Trigger } from '../../../src/api/windowing/trigger.js';
import type { Window } from '../../../src/api/windowing/window.js';
import type { WindowAssigner } from '../../../src/api/windowing/window-assigner.js';
import type { ProcessWindowContext } from '../../../src/api/windowing/process-window-function.js';
import type { TimeWindow } from '../../../src/api/windowing/time-window.js';
import type { WindowContents } from '../../../src/api/operators/window-contents.js';
import { OutputTag } from '../../../src/api/common/output-tag.js';
import { MapStateDescriptor } from '../../../src/api/state/state-descriptor.js';
import { WindowOperator } from '../../../src/api/operators/window-operator.js';
import { aggregatingContents, listContents, reducingContents } from '../../../src/api/operators/window-contents.js';
import { CountEvictor } from '../../../src/api/windowing/count-evictor.js';
import { CountTrigger } from '../../../src/api/windowing/count-trigger.js';
import { ContinuousEventTimeTrigger } from '../../../src/api/windowing/continuous-event-time-trigger.js';
import { EventTimeSessionWindows } from '../../../src/api/windowing/event-time-session-windows.js';
import { GlobalWindows } from '../../../src/api/windowing/global-windows.js';
import { ProcessingTimeSessionWindows } from '../../../src/api/windowing/processing-time-session-windows.js';
import { PurgingTrigger } from '../../../src/api/windowing/purging-trigger.js';
import { SlidingEventTimeWindows } from '../../../src/api/windowing/sliding-event-time-windows.js';
import { TumblingEventTimeWindows } from '../../../src/api/windowing/tumbling-event-time-windows.js';
import { TumblingProcessingTimeWindows } from '../../../src/api/windowing/tumbling-processing-time-windows.js';
import { OneInputHarness } from '../state/operator-harness.js';
import { ManualProcessingTime, newBackend } from '../state/state-test-support.js';

type Event = [key: string, value: number];
const byKey = (e: Event): string => e[0];
const sum = (a: Event, b: Event): Event => [a[0], a[1] + b[1]];
const LATE = new OutputTag<Event>('late');

/** Emits "key [start,end) values" for every firing. */
function describe(key: string, ctx: ProcessWindowContext<TimeWindow>, elements: Iterable<Event | number>, out: Collector<string>): void {
  const w = ctx.window();
  const values = [...elements].map((e) => (typeof e === 'number' ? e : e[1]));
  out.collect(`${key} [${w.start},${w.end}) ${values.join(',')}`);
}

function operatorOf<ACC, OUT, W extends Window>(
  assigner: WindowAssigner<Event, W>,
  contents: WindowContents<Event, ACC, OUT, string, W>,
  options: { trigger?: Trigger<Event, W>; lateness?: number; late?: boolean } = {},
): WindowOperator<Event, string, ACC, OUT, W> {
  return new WindowOperator<Event, string, ACC, OUT, W>({
    assigner,
    trigger: options.trigger ?? assigner.getDefaultTrigger(),
    keySelector: byKey,
    contents,
    allowedLateness: options.lateness ?? 0,
    lateDataOutputTag: options.late === true ? LATE : undefined,
  });
}

async function harnessOf<ACC, OUT, W extends Window>(op: WindowOperator<Event, string, ACC, OUT, W>, clock = new ManualProcessingTime(0)) {
  const backend = newBackend(clock);
  const harness = new OneInputHarness<Event>(op, byKey, backend, clock);
  await harness.open();
  return { harness, backend, clock };
}

const main = (h: OneInputHarness<Event>): [unknown, number][] => h.emitted.filter((e) => e.side === undefined).map((e) => [e.value, e.timestamp]);

test('tumbling event-time reduce: out-of-order input, one result per key and window at the watermark, stamped maxTimestamp', async () => {
  const { harness } = await harnessOf(operatorOf(TumblingEventTimeWindows.of(5000), reducingContents<Event, Event, string, TimeWindow>(sum)));
  harness.process(['a', 1], 3000);
  harness.process(['b', 10], 4999);
  harness.process(['a', 2], 6000);
  harness.process(['a', 4], 1000);
  harness.process(['a', 8], -1);
  harness.watermark(4998);
  assert.deepEqual(main(harness), [[['a', 8], -1]]);
  harness.watermark(4999);
  assert.deepEqual(main(harness), [
    [['a', 8], -1],
    [['a', 5], 4999],
    [['b', 10], 4999],
  ]);
  harness.watermark(Number.POSITIVE_INFINITY);
  assert.deepEqual(main(harness).slice(3), [[['a', 2], 9999]]);
  assert.deepEqual(harness.watermarks, [4998, 4999, Number.POSITIVE_INFINITY]);
});

test('tumbling with offset and sliding windows (incl. negative timestamps) with aggregate + process', async () => {
  const count = { createAccumulator: () => 0, add: (_v: Event, acc: number) => acc + 1, getResult: (acc: number) => acc, merge: (a: number, b: number) => a + b };
  const { harness } = await harnessOf(operatorOf(SlidingEventTimeWindows.of(6000, 3000), aggregatingContents(count, describe)));
  harness.process(['a', 1], 2000);
  harness.process(['a', 1], 4000);
  harness.process(['a', 1], -500);
  harness.watermark(Number.POSITIVE_INFINITY);
  assert.deepEqual(main(harness), [
    ['a [-6000,0) 1', -1],
    ['a [-3000,3000) 2', 2999],
    ['a [0,6000) 2', 5999],
    ['a [3000,9000) 1', 8999],
  ]);

  const offset = await harnessOf(operatorOf(TumblingEventTimeWindows.of(5000, 1000), listContents((v: Event[]) => v, describe, undefined)));
  offset.harness.process(['k', 1], 999);
  offset.harness.process(['k', 2], 1000);
  offset.harness.process(['k', 3], 5999);
  offset.harness.watermark(Number.POSITIVE_INFINITY);
  assert.deepEqual(main(offset.harness), [
    ['k [-4000,1000) 1', 999],
    ['k [1000,6000) 2,3', 5999],
  ]);
});

test('allowed lateness: late elements within lateness re-fire, beyond it go to the side output; cleanup clears state', async () => {
  const { harness } = await harnessOf(
    operatorOf(TumblingEventTimeWindows.of(10), listContents((v: Event[]) => v, describe, undefined), { lateness: 5, late: true }),
  );
  harness.process(['a', 1], 2);
  harness.watermark(9);
  assert.deepEqual(main(harness), [['a [0,10) 1', 9]]);
  harness.process(['a', 2], 3); // late but within lateness: fires at once with the updated contents
  assert.deepEqual(main(harness).slice(1), [['a [0,10) 1,2', 9]]);
  harness.watermark(14); // cleanup at 9 + 5
  harness.process(['a', 3], 4); // window cleaned up, element beyond lateness
  harness.process(['a', 4], 10); // window [10,20) is on time
  assert.deepEqual(
    harness.emitted.filter((e) => e.side !== undefined).map((e) => [e.value, e.timestamp]),
    [[['a', 3], 4]],
  );
  harness.watermark(19);
  assert.deepEqual(main(harness).slice(2), [['a [10,20) 4', 19]]);
});

test('late elements without a side output are counted as dropped', async () => {
  const op = operatorOf(TumblingEventTimeWindows.of(10), reducingContents<Event, Event, string, TimeWindow>(sum));
  const { harness } = await harnessOf(op);
  harness.watermark(20);
  harness.process(['a', 1], 5);
  assert.equal(op.numLateRecordsDropped, 1);
  assert.deepEqual(harness.emitted, []);
});

test('event-time sessions merge windows, their contents and triggers', async () => {
  const { harness } = await harnessOf(operatorOf(EventTimeSessionWindows.withGap(10), listContents((v: Event[]) => v, describe, undefined)));
  harness.process(['a', 1], 0); // [0,10)
  harness.process(['a', 2], 30); // [30,40)
  harness.process(['b', 5], 5); // [5,15)
  harness.process(['a', 3], 15); // [15,25): separate until…
  harness.process(['a', 4], 10); // [10,20) touches [0,10) and [15,25): one session [0,25)
  harness.watermark(24);
  assert.deepEqual(main(harness), [
    ['b [5,15) 5', 14],
    ['a [0,25) 1,3,4', 24],
  ]);
  harness.process(['a', 5], 38); // [38,48) merges with [30,40)
  harness.watermark(100);
  assert.deepEqual(main(harness).slice(2), [['a [30,48) 2,5', 47]]);
});

test('count windows: Global + PurgingTrigger(CountTrigger) and sliding count with CountEvictor', async () => {
  const tumbling = await harnessOf(
    operatorOf(GlobalWindows.create(), reducingContents<Event, Event, string, Window>(sum), { trigger: PurgingTrigger.of(CountTrigger.of(2)) }),
  );
  for (const [v, k] of [[1, 'a'], [2, 'b'], [3, 'a'], [4, 'a'], [5, 'a'], [6, 'b']] as const) tumbling.harness.process([k, v], 0);
  assert.deepEqual(main(tumbling.harness).map(([v]) => v), [['a', 4], ['a', 9], ['b', 8]]);

  const sliding = await harnessOf(
    operatorOf(GlobalWindows.create(), listContents((v: Event[]) => [v.map((e) => e[1]).join('+')], undefined, CountEvictor.of(3)), {
      trigger: CountTrigger.of(2),
    }),
  );
  for (let v = 1; v <= 6; v++) sliding.harness.process(['a', v], 0);
  assert.deepEqual(main(sliding.harness).map(([v]) => v), ['1+2', '2+3+4', '4+5+6']);
});

test('ContinuousEventTimeTrigger fires every interval and at the window end', async () => {
  const { harness } = await harnessOf(
    operatorOf(TumblingEventTimeWindows.of(100), listContents((v: Event[]) => v, describe, undefined), { trigger: ContinuousEventTimeTrigger.of(30) }),
  );
  harness.process(['a', 1], 5);
  harness.watermark(29);
  harness.process(['a', 2], 40);
  harness.watermark(30);
  harness.watermark(70);
  harness.watermark(99);
  // Firings at 30, 60 and 90 (interval boundaries) and at the end, 99; each result is stamped with the window's maxTimestamp.
  assert.deepEqual(main(harness), Array.from({ length: 4 }, () => ['a [0,100) 1,2', 99]));
});

test('tumbling processing-time windows fire on the operator clock', async () => {
  const clock = new ManualProcessingTime(1000);
  const { harness } = await harnessOf(operatorOf(TumblingProcessingTimeWindows.of(100), listContents((v: Event[]) => v, describe, undefined)), clock);
  harness.process(['a', 1], 0);
  clock.advanceTo(1050);
  harness.process(['a', 2], 0);
  clock.advanceTo(1098);
  assert.deepEqual(main(harness), []);
  clock.advanceTo(1099);
  assert.equal(main(harness).length, 1);
  clock.advanceTo(1100);
  harness.process(['a', 3], 0);
  clock.advanceTo(1200);
  assert.deepEqual(main(harness), [
    ['a [1000,1100) 1,2', 1099],
    ['a [1100,1200) 3', 1199],
  ]);
});

test('snapshot and restore mid-window: contents, trigger timers and cleanup survive', async () => {
  const make = () => operatorOf(EventTimeSessionWindows.withGap(10), listContents((v: Event[]) => v, describe, undefined));
  const first = await harnessOf(make());
  first.harness.process(['a', 1], 0);
  first.harness.process(['a', 2], 5);
  first.harness.watermark(3);
  const bytes = first.backend.snapshot();

  const clock = new ManualProcessingTime(0);
  const backend = newBackend(clock);
  backend.restore(bytes);
  const harness = new OneInputHarness<Event>(make(), byKey, backend, clock);
  await harness.open();
  harness.watermark(3);
  harness.process(['a', 3], 12); // merges with the restored session [0,15)
  harness.watermark(Number.POSITIVE_INFINITY);
  assert.deepEqual(main(harness), [['a [0,22) 1,2,3', 21]]);
});

test('CountTrigger on sessions: counts of merged sessions add up; PurgingTrigger(EventTimeTrigger) purges at firing', async () => {
  const { harness } = await harnessOf(
    operatorOf(EventTimeSessionWindows.withGap(10), listContents((v: Event[]) => v, describe, undefined), { trigger: CountTrigger.of(3) }),
  );
  harness.process(['a', 1], 0);
  harness.process(['a', 2], 30);
  harness.process(['a', 3], 15); // [15,25): no merge yet, counts 1, 1, 1
  assert.deepEqual(main(harness), []);
  harness.process(['a', 4], 8); // merges [0,10) and [15,25): count 1 + 1 + this element = 3
  assert.deepEqual(main(harness), [['a [0,25) 1,3,4', 24]]);

  const purging = await harnessOf(
    operatorOf(TumblingEventTimeWindows.of(10), listContents((v: Event[]) => v, describe, undefined), {
      trigger: PurgingTrigger.of(TumblingEventTimeWindows.of(10).getDefaultTrigger()),
      lateness: 100,
    }),
  );
  purging.harness.process(['a', 1], 1);
  purging.harness.watermark(9);
  purging.harness.process(['a', 2], 2); // late, within lateness: fires with only the new element
  assert.deepEqual(main(purging.harness), [
    ['a [0,10) 1', 9],
    ['a [0,10) 2', 9],
  ]);
});

test('processing-time sessions merge on the clock; dynamic event-time gaps per element', async () => {
  const clock = new ManualProcessingTime(100);
  const { harness } = await harnessOf(operatorOf(ProcessingTimeSessionWindows.withGap(10), listContents((v: Event[]) => v, describe, undefined)), clock);
  harness.process(['a', 1], 0); // [100,110)
  clock.advanceTo(105);
  harness.process(['a', 2], 0); // [105,115): merged into [100,115)
  clock.advanceTo(109);
  assert.deepEqual(main(harness), []);
  clock.advanceTo(114);
  assert.deepEqual(main(harness), [['a [100,115) 1,2', 114]]);

  const dynamic = await harnessOf(
    operatorOf(EventTimeSessionWindows.withDynamicGap((e: Event) => e[1]), listContents((v: Event[]) => v, describe, undefined)),
  );
  dynamic.harness.process(['a', 5], 0); // [0,5)
  dynamic.harness.process(['a', 20], 5); // [5,25) touches [0,5)
  dynamic.harness.process(['b', 1], 5); // [5,6)
  dynamic.harness.watermark(Number.POSITIVE_INFINITY);
  assert.deepEqual(main(dynamic.harness), [
    ['b [5,6) 1', 5],
    ['a [0,25) 5,20', 24],
  ]);
});

test('restore of a tumbling window with allowed lateness: late re-firing and cleanup still work from restored timers', async () => {
  const make = () => operatorOf(TumblingEventTimeWindows.of(10), listContents((v: Event[]) => v, describe, undefined), { lateness: 5, late: true });
  const first = await harnessOf(make());
  first.harness.process(['a', 1], 2);
  first.harness.process(['b', 7], 8);
  first.harness.watermark(9); // fires both windows; cleanup timers at 14 remain
  const bytes = first.backend.snapshot();

  const clock = new ManualProcessingTime(0);
  const backend = newBackend(clock);
  backend.restore(bytes);
  const harness = new OneInputHarness<Event>(make(), byKey, backend, clock);
  await harness.open();
  harness.watermark(9);
  harness.process(['a', 2], 3); // late within lateness: re-fires with the restored contents
  harness.watermark(14); // cleanup from the restored timers
  harness.process(['b', 8], 4); // beyond lateness
  assert.deepEqual(harness.emitted, [
    { value: 'a [0,10) 1,2', timestamp: 9 },
    { value: ['b', 8], timestamp: 4, side: 'late' },
  ]);
  for (const key of ['a', 'b']) {
    backend.setCurrentKey(key);
    assert.equal(backend.getMapState(new MapStateDescriptor<string, unknown>('window-contents')).isEmpty(), true, `state of ${key} cleaned up`);
  }
});

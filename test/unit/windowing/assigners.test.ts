import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { WindowAssignerContext } from '../../../src/api/windowing/window-assigner.js';
import { CountEvictor } from '../../../src/api/windowing/count-evictor.js';
import { EventTimeSessionWindows } from '../../../src/api/windowing/event-time-session-windows.js';
import { GlobalWindow } from '../../../src/api/windowing/global-window.js';
import { GlobalWindows } from '../../../src/api/windowing/global-windows.js';
import { ProcessingTimeSessionWindows } from '../../../src/api/windowing/processing-time-session-windows.js';
import { SlidingEventTimeWindows } from '../../../src/api/windowing/sliding-event-time-windows.js';
import { SlidingProcessingTimeWindows } from '../../../src/api/windowing/sliding-processing-time-windows.js';
import { TimeEvictor } from '../../../src/api/windowing/time-evictor.js';
import { TimeWindow } from '../../../src/api/windowing/time-window.js';
import { TumblingEventTimeWindows } from '../../../src/api/windowing/tumbling-event-time-windows.js';
import { TumblingProcessingTimeWindows } from '../../../src/api/windowing/tumbling-processing-time-windows.js';
import { MAX_TIMESTAMP } from '../../../src/api/windowing/window.js';

const at = (now: number): WindowAssignerContext => ({ getCurrentProcessingTime: () => now });
const spans = (ws: TimeWindow[]): string[] => ws.map((w) => `[${w.start},${w.end})`);

test('TimeWindow: start with offset for positive and negative timestamps, maxTimestamp = end - 1', () => {
  assert.equal(TimeWindow.getWindowStartWithOffset(3000, 0, 5000), 0);
  assert.equal(TimeWindow.getWindowStartWithOffset(-1, 0, 5000), -5000);
  assert.equal(TimeWindow.getWindowStartWithOffset(5000, 0, 5000), 5000);
  assert.equal(TimeWindow.getWindowStartWithOffset(999, 1000, 5000), -4000);
  assert.equal(TimeWindow.getWindowStartWithOffset(7, -2, 5), 3);
  assert.equal(new TimeWindow(0, 5000).maxTimestamp(), 4999);
  assert.equal(GlobalWindow.get().maxTimestamp(), MAX_TIMESTAMP);
});

test('event-time assigners: tumbling (with offset), sliding (size/slide windows per element), sessions', () => {
  assert.deepEqual(spans(TumblingEventTimeWindows.of(5000).assignWindows(null, 3000)), ['[0,5000)']);
  assert.deepEqual(spans(TumblingEventTimeWindows.of(5000).assignWindows(null, -1)), ['[-5000,0)']);
  assert.deepEqual(spans(TumblingEventTimeWindows.of(3600_000, -1800_000).assignWindows(null, 0)), ['[-1800000,1800000)']);
  assert.deepEqual(spans(SlidingEventTimeWindows.of(6000, 3000).assignWindows(null, 2000)), ['[0,6000)', '[-3000,3000)']);
  assert.deepEqual(spans(SlidingEventTimeWindows.of(10, 3, 1).assignWindows(null, 10)), ['[10,20)', '[7,17)', '[4,14)', '[1,11)']);
  assert.deepEqual(spans(EventTimeSessionWindows.withGap(10).assignWindows(null, 42)), ['[42,52)']);
  assert.deepEqual(spans(EventTimeSessionWindows.withDynamicGap((e: number) => e).assignWindows(7, 42)), ['[42,49)']);
  assert.deepEqual(GlobalWindows.create().assignWindows(), [GlobalWindow.get()]);
  assert.throws(() => TumblingEventTimeWindows.of(5, 5), /offset/);
  assert.throws(() => TumblingEventTimeWindows.of(5).assignWindows(null, Number.NaN), /no timestamp/);
  assert.equal(TumblingEventTimeWindows.of(5).isEventTime(), true);
});

test('processing-time assigners use the operator clock, not the element timestamp', () => {
  assert.deepEqual(spans(TumblingProcessingTimeWindows.of(100).assignWindows(null, 5, at(1234))), ['[1200,1300)']);
  assert.deepEqual(spans(TumblingProcessingTimeWindows.of(100, 30).assignWindows(null, 5, at(1234))), ['[1230,1330)']);
  assert.deepEqual(spans(SlidingProcessingTimeWindows.of(100, 50).assignWindows(null, 5, at(1234))), ['[1200,1300)', '[1150,1250)']);
  assert.deepEqual(spans(ProcessingTimeSessionWindows.withGap(10).assignWindows(null, 5, at(1234))), ['[1234,1244)']);
  assert.equal(TumblingProcessingTimeWindows.of(100).isEventTime(), false);
});

test('session merging: touching and overlapping windows merge into their cover; disjoint ones stay', () => {
  const merges: string[] = [];
  TimeWindow.mergeWindows([new TimeWindow(10, 20), new TimeWindow(0, 10), new TimeWindow(30, 40), new TimeWindow(15, 25)], (merged, cover) =>
    merges.push(`${spans(merged).join('+')} -> [${cover.start},${cover.end})`),
  );
  assert.deepEqual(merges, ['[0,10)+[10,20)+[15,25) -> [0,25)']);
});

test('evictors: CountEvictor keeps the last n, TimeEvictor the elements within size of the newest', () => {
  const els = [1, 5, 9, 12].map((t) => ({ value: t, timestamp: t }));
  assert.deepEqual(CountEvictor.of(2).evictBefore(els).map((e) => e.value), [9, 12]);
  assert.deepEqual(CountEvictor.of(2).evictAfter(els).map((e) => e.value), [1, 5, 9, 12]);
  assert.deepEqual(CountEvictor.of(2, true).evictAfter(els).map((e) => e.value), [9, 12]);
  assert.deepEqual(TimeEvictor.of(7).evictBefore(els).map((e) => e.value), [9, 12]);
  assert.deepEqual(TimeEvictor.of(7, true).evictBefore(els).map((e) => e.value), [1, 5, 9, 12]);
});

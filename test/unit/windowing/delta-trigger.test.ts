/**
 * DeltaTrigger in the real WindowOperator (keyed heap backend): the first element only becomes
 * the reference point, a firing element becomes the next one, the comparison is strictly greater
 * than the threshold, the reference is per key and survives a snapshot/restore, and with a
 * TimeEvictor the window sees only the recent elements (TopSpeedWindowing's setup).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { DeltaFunction } from '../../../src/api/windowing/delta-function.js';
import type { GlobalWindow } from '../../../src/api/windowing/global-window.js';
import type { Trigger } from '../../../src/api/windowing/trigger.js';
import type { Evictor } from '../../../src/api/windowing/evictor.js';
import { WindowOperator } from '../../../src/api/operators/window-operator.js';
import { listContents } from '../../../src/api/operators/window-contents.js';
import { DeltaTrigger } from '../../../src/api/windowing/delta-trigger.js';
import { GlobalWindows } from '../../../src/api/windowing/global-windows.js';
import { PurgingTrigger } from '../../../src/api/windowing/purging-trigger.js';
import { TimeEvictor } from '../../../src/api/windowing/time-evictor.js';
import { TriggerResult } from '../../../src/api/windowing/trigger.js';
import { OneInputHarness } from '../state/operator-harness.js';
import { ManualProcessingTime, newBackend } from '../state/state-test-support.js';

/** `[key, position]`: the delta is how far the position moved. */
type Point = [key: string, position: number];
const byKey = (p: Point): string => p[0];
const moved: DeltaFunction<Point> = (older, newer) => newer[1] - older[1];

/** Each firing prints the window's positions, in order. */
function operatorOf(trigger: Trigger<Point, GlobalWindow>, evictor?: Evictor<Point, GlobalWindow>) {
  return new WindowOperator<Point, string, { value: Point; timestamp: number }[], string, GlobalWindow>({
    assigner: GlobalWindows.create(),
    trigger,
    keySelector: byKey,
    contents: listContents((values: Point[]) => [`${values[0]?.[0] ?? ''}:${values.map((v) => v[1]).join(',')}`], undefined, evictor),
    allowedLateness: 0,
  });
}

async function harnessOf(op: ReturnType<typeof operatorOf>, backend = newBackend(new ManualProcessingTime(0))) {
  const harness = new OneInputHarness<Point>(op, byKey, backend, new ManualProcessingTime(0));
  await harness.open();
  return { harness, backend };
}

const fired = (h: OneInputHarness<Point>): unknown[] => h.emitted.filter((e) => e.side === undefined).map((e) => e.value);

test('fires when the delta to the last firing element exceeds the threshold (strictly), keeping the window', async () => {
  const { harness } = await harnessOf(operatorOf(DeltaTrigger.of(10, moved)));
  // 0 is the first reference; 10 is not > 10; 11 fires and becomes the reference; 21 does not, 22 fires.
  for (const position of [0, 5, 10, 11, 21, 22, 23]) harness.process(['a', position], position);
  assert.deepEqual(fired(harness), ['a:0,5,10,11', 'a:0,5,10,11,21,22']);
});

test('the reference point is per key; a getDelta object works like a function', async () => {
  const { harness } = await harnessOf(operatorOf(DeltaTrigger.of(2, { getDelta: (older: Point, newer: Point) => newer[1] - older[1] })));
  for (const [key, position] of [['a', 0], ['b', 100], ['a', 3], ['b', 101], ['b', 103], ['a', 4], ['a', 6]] as const) {
    harness.process([key, position], 0);
  }
  assert.deepEqual(fired(harness), ['a:0,3', 'b:100,101,103', 'a:0,3,4,6']);
});

test('a negative or falling delta never fires; PurgingTrigger(DeltaTrigger) empties the window at each firing', async () => {
  const falling = await harnessOf(operatorOf(DeltaTrigger.of(1, moved)));
  for (const position of [10, 5, 0, -50]) falling.harness.process(['a', position], 0);
  assert.deepEqual(fired(falling.harness), []);

  const purging = await harnessOf(operatorOf(PurgingTrigger.of(DeltaTrigger.of(1, moved))));
  for (const position of [0, 1, 2, 4, 5, 7]) purging.harness.process(['a', position], 0);
  assert.deepEqual(fired(purging.harness), ['a:0,1,2', 'a:4', 'a:5,7']);
});

test('with a TimeEvictor the firing sees only the elements within the time span of the newest one', async () => {
  const { harness } = await harnessOf(operatorOf(DeltaTrigger.of(50, moved), TimeEvictor.of(10_000)));
  // position → timestamp: 1 s per step; an element is evicted when its timestamp <= newest - 10 s.
  const steps: [number, number][] = [[0, 0], [20, 1000], [40, 5000], [60, 9000], [70, 9500], [80, 12_000], [100, 15_000], [130, 19_000]];
  for (const [position, timestamp] of steps) harness.process(['a', position], timestamp);
  // 60 fires (60 - 0 > 50) with everything; 130 fires (130 - 60 > 50) at 19 s, when everything
  // at or before 9 s is evicted: 0, 20, 40 and 60 (exactly 10 s older) are gone, 70 stays.
  assert.deepEqual(fired(harness), ['a:0,20,40,60', 'a:70,80,100,130']);
});

test('the reference point is checkpointed with the key and restored', async () => {
  const first = await harnessOf(operatorOf(DeltaTrigger.of(5, moved)));
  first.harness.process(['a', 0], 0);
  first.harness.process(['a', 6], 0); // fires; 6 is the reference now
  const bytes = first.backend.snapshot();

  const backend = newBackend(new ManualProcessingTime(0));
  backend.restore(bytes);
  const { harness } = await harnessOf(operatorOf(DeltaTrigger.of(5, moved)), backend);
  harness.process(['a', 10], 0); // 10 - 6 is not > 5: no firing (a lost reference would fire: 10 - 0)
  harness.process(['a', 12], 0);
  assert.deepEqual(fired(harness), ['a:0,6,10,12']);
});

test('clear removes the reference point: the next element starts over', () => {
  const trigger = DeltaTrigger.of<Point>(1, moved);
  const state = new Map<string, unknown>();
  const ctx = {
    getCurrentProcessingTime: () => 0,
    getCurrentWatermark: () => 0,
    registerEventTimeTimer: () => undefined,
    registerProcessingTimeTimer: () => undefined,
    deleteEventTimeTimer: () => undefined,
    deleteProcessingTimeTimer: () => undefined,
    getPartitionedState: <T>(name: string) => ({
      value: () => (state.has(name) ? (state.get(name) as T) : null),
      update: (value: T) => state.set(name, value),
      clear: () => state.delete(name),
    }),
  };
  const window = GlobalWindows.create().assignWindows()[0] as GlobalWindow;
  assert.equal(trigger.onElement(['a', 0], 0, window, ctx), TriggerResult.CONTINUE);
  assert.equal(trigger.onElement(['a', 5], 0, window, ctx), TriggerResult.FIRE);
  assert.deepEqual(state.get('last-element'), ['a', 5]);
  trigger.clear(window, ctx);
  assert.equal(state.size, 0);
  assert.equal(trigger.onElement(['a', 100], 0, window, ctx), TriggerResult.CONTINUE);
  assert.equal(trigger.onEventTime(), TriggerResult.CONTINUE);
  assert.equal(trigger.onProcessingTime(), TriggerResult.CONTINUE);
  assert.equal(trigger.canMerge(), false);
});

test('bad arguments are refused with a clear message; toString names the function and threshold', () => {
  assert.throws(() => DeltaTrigger.of(Number.NaN, moved), /threshold must be a number, got NaN/);
  assert.throws(() => DeltaTrigger.of(1, {} as DeltaFunction<Point>), /needs a DeltaFunction/);
  function distanceDelta(older: Point, newer: Point): number {
    return newer[1] - older[1];
  }
  assert.equal(DeltaTrigger.of(50, distanceDelta).toString(), 'DeltaTrigger(distanceDelta, 50)');
});

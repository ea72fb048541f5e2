import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { InternalTimer, Triggerable } from '../../../src/api/state/operator-state-context.js';
import type { HeapKeyedStateBackend } from '../../../src/runtime/state/heap-keyed-state-backend.js';
import { ValueStateDescriptor } from '../../../src/api/state/state-descriptor.js';
import { ManualProcessingTime, keysIn, newBackend, rangeOf } from './state-test-support.js';

interface Fired {
  domain: 'event' | 'processing';
  key: unknown;
  namespace: unknown;
  time: number;
  /** The backend's current key while the timer fired. */
  currentKey: unknown;
  /** The key's 'tag' state read while firing: proves state access is scoped to the timer's key. */
  tag: unknown;
}

class Recorder implements Triggerable {
  readonly fired: Fired[] = [];
  onFire: ((timer: InternalTimer) => void) | undefined;
  constructor(private readonly backend: HeapKeyedStateBackend) {}
  onEventTime(timer: InternalTimer): void {
    this.record('event', timer);
  }
  onProcessingTime(timer: InternalTimer): void {
    this.record('processing', timer);
  }
  private record(domain: Fired['domain'], timer: InternalTimer): void {
    const tag = this.backend.getState(new ValueStateDescriptor<string>('tag')).value();
    this.fired.push({ domain, key: timer.key, namespace: timer.namespace, time: timer.timestamp, currentKey: this.backend.getCurrentKey(), tag });
    this.onFire?.(timer);
  }
}

function tagKey(backend: HeapKeyedStateBackend, key: unknown): void {
  backend.setCurrentKey(key);
  backend.getState(new ValueStateDescriptor<string>('tag')).update(`tag-${String(key)}`);
}

test('event-time timers fire in time order at the watermark, each with its key set, deduplicated, deletable', () => {
  const backend = newBackend(new ManualProcessingTime());
  const recorder = new Recorder(backend);
  const timers = backend.getInternalTimerService('t', recorder);
  for (const [key, time] of [
    ['a', 30],
    ['b', 10],
    ['a', 10],
    ['b', 10], // duplicate of (b, 10)
    ['c', 20],
    ['c', 25],
    ['a', 50],
  ] as const) {
    tagKey(backend, key);
    timers.registerEventTimeTimer(time);
  }
  backend.setCurrentKey('c');
  timers.deleteEventTimeTimer(25);
  timers.deleteEventTimeTimer(999); // unknown: nothing happens

  timers.advanceWatermark(9);
  assert.equal(recorder.fired.length, 0);
  timers.advanceWatermark(30);
  assert.equal(timers.currentWatermark(), 30);
  assert.deepEqual(
    recorder.fired.map((f) => [f.key, f.time, f.currentKey, f.tag, f.domain]),
    [
      ['b', 10, 'b', 'tag-b', 'event'],
      ['a', 10, 'a', 'tag-a', 'event'],
      ['c', 20, 'c', 'tag-c', 'event'],
      ['a', 30, 'a', 'tag-a', 'event'],
    ],
  );
  timers.advanceWatermark(30);
  assert.equal(recorder.fired.length, 4, 'a timer fires once');
  timers.advanceWatermark(Number.MAX_SAFE_INTEGER);
  assert.deepEqual(recorder.fired.at(-1)?.time, 50);
});

test('a timer registered while firing, at or before the watermark, fires in the same advance', () => {
  const backend = newBackend(new ManualProcessingTime());
  const recorder = new Recorder(backend);
  const timers = backend.getInternalTimerService('t', recorder);
  recorder.onFire = (timer) => {
    if (timer.timestamp === 10) {
      timers.registerEventTimeTimer(15); // for the firing timer's key
      timers.registerEventTimeTimer(500);
    }
  };
  backend.setCurrentKey('k');
  timers.registerEventTimeTimer(10);
  timers.registerEventTimeTimer(20);
  timers.advanceWatermark(100);
  assert.deepEqual(
    recorder.fired.map((f) => [f.key, f.time]),
    [
      ['k', 10],
      ['k', 15],
      ['k', 20],
    ],
  );
});

test('namespaces scope timers: same key and time in two namespaces are two timers; equal namespaces dedupe', () => {
  const backend = newBackend(new ManualProcessingTime());
  const recorder = new Recorder(backend);
  const timers = backend.getInternalTimerService('windows', recorder);
  backend.setCurrentKey('k');
  timers.registerEventTimeTimer(99, { start: 0, end: 100 });
  timers.registerEventTimeTimer(99, { end: 100, start: 0 });
  timers.registerEventTimeTimer(99, { start: 50, end: 100 });
  timers.registerEventTimeTimer(99);
  timers.deleteEventTimeTimer(99, { start: 50, end: 100 });
  timers.advanceWatermark(99);
  assert.deepEqual(
    recorder.fired.map((f) => f.namespace),
    [{ start: 0, end: 100 }, undefined],
  );
});

test('processing-time timers: one scheduled callback for the earliest timer; firing in order with the key set', () => {
  const clock = new ManualProcessingTime(1000);
  const backend = newBackend(clock);
  const recorder = new Recorder(backend);
  const timers = backend.getInternalTimerService('t', recorder);
  tagKey(backend, 'a');
  timers.registerProcessingTimeTimer(1500);
  assert.equal(clock.waiting, 1);
  timers.registerProcessingTimeTimer(1700);
  assert.equal(clock.waiting, 1, 'a later timer does not schedule another callback');
  tagKey(backend, 'b');
  timers.registerProcessingTimeTimer(1200);
  assert.equal(clock.waiting, 1, 'an earlier timer replaces the scheduled callback');
  assert.equal(clock.cancelledCount, 1);
  timers.registerProcessingTimeTimer(1200); // duplicate
  backend.setCurrentKey('a');
  timers.registerProcessingTimeTimer(1600);
  timers.deleteProcessingTimeTimer(1600);

  clock.advanceTo(1199);
  assert.equal(recorder.fired.length, 0);
  clock.advanceTo(1550);
  assert.deepEqual(
    recorder.fired.map((f) => [f.domain, f.key, f.time, f.currentKey, f.tag]),
    [
      ['processing', 'b', 1200, 'b', 'tag-b'],
      ['processing', 'a', 1500, 'a', 'tag-a'],
    ],
  );
  assert.equal(clock.waiting, 1, 'rescheduled for the next timer');
  clock.advanceTo(5000);
  assert.deepEqual(
    recorder.fired.map((f) => f.time),
    [1200, 1500, 1700],
  );
  assert.equal(clock.waiting, 0, 'nothing left, nothing scheduled');

  // Deleting the only timer cancels its callback; a past timer fires at the next callback.
  backend.setCurrentKey('a');
  timers.registerProcessingTimeTimer(9000);
  timers.deleteProcessingTimeTimer(9000);
  assert.equal(clock.waiting, 0);
  timers.registerProcessingTimeTimer(10);
  clock.advanceTo(5000);
  assert.deepEqual(recorder.fired.at(-1)?.time, 10);
  assert.equal(timers.currentProcessingTime(), 5000);
});

test('dispose cancels the scheduled processing-time callback', () => {
  const clock = new ManualProcessingTime(0);
  const backend = newBackend(clock);
  const recorder = new Recorder(backend);
  const timers = backend.getInternalTimerService('t', recorder);
  backend.setCurrentKey('k');
  timers.registerProcessingTimeTimer(100);
  backend.dispose();
  assert.equal(clock.waiting, 0);
  clock.advanceTo(200);
  assert.equal(recorder.fired.length, 0);
});

test('timers survive snapshot/restore; processing-time timers are rescheduled, overdue ones fire at once', () => {
  const clock = new ManualProcessingTime(0);
  const backend = newBackend(clock);
  const timers = backend.getInternalTimerService('t', new Recorder(backend));
  backend.setCurrentKey(['composite', 1]);
  timers.registerEventTimeTimer(100);
  timers.registerEventTimeTimer(100, { window: 1 });
  timers.registerProcessingTimeTimer(50);
  backend.setCurrentKey('other');
  timers.registerProcessingTimeTimer(500);
  const bytes = backend.snapshot();
  backend.dispose();

  const clock2 = new ManualProcessingTime(200);
  const restored = newBackend(clock2);
  restored.restore(bytes);
  assert.equal(clock2.waiting, 0, 'nothing fires before the operator takes its timer service');
  const recorder = new Recorder(restored);
  const restoredTimers = restored.getInternalTimerService('t', recorder);
  assert.equal(clock2.waiting, 1);
  clock2.advanceTo(200); // the overdue timer (50) fires at the first callback
  assert.deepEqual(recorder.fired.map((f) => [f.domain, f.key, f.time]), [['processing', ['composite', 1], 50]]);
  // Re-registering a restored timer is deduplicated against it.
  restored.setCurrentKey(['composite', 1]);
  restoredTimers.registerEventTimeTimer(100);
  restoredTimers.advanceWatermark(100);
  assert.deepEqual(
    recorder.fired.slice(1).map((f) => [f.domain, f.key, f.namespace, f.currentKey]),
    [
      ['event', ['composite', 1], undefined, ['composite', 1]],
      ['event', ['composite', 1], { window: 1 }, ['composite', 1]],
    ],
  );
  clock2.advanceTo(500);
  assert.deepEqual(recorder.fired.at(-1)?.key, 'other');
});

test('on rescale timers move with their key group', () => {
  const clock = new ManualProcessingTime(0);
  const keys0 = keysIn(rangeOf(2, 0), 2);
  const keys1 = keysIn(rangeOf(2, 1), 2);
  const backend = newBackend(clock, rangeOf(1, 0));
  const timers = backend.getInternalTimerService('t', new Recorder(backend));
  [...keys0, ...keys1].forEach((key, i) => {
    backend.setCurrentKey(key);
    timers.registerEventTimeTimer(10 + i);
    timers.registerProcessingTimeTimer(1000 + i);
  });
  const bytes = backend.snapshot();
  backend.dispose();

  [keys0, keys1].forEach((expectedKeys, i) => {
    const target = newBackend(clock, rangeOf(2, i));
    target.restore(bytes);
    const recorder = new Recorder(target);
    const t = target.getInternalTimerService('t', recorder);
    t.advanceWatermark(100);
    clock.advanceTo(2000);
    assert.deepEqual(recorder.fired.filter((f) => f.domain === 'event').map((f) => f.key), expectedKeys);
    assert.deepEqual(recorder.fired.filter((f) => f.domain === 'processing').map((f) => f.key), expectedKeys);
    target.dispose();
    clock.time = 0;
  });
});

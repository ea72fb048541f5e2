import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
} from '../../../src/api/state/state-descriptor.js';
import { StateTtlConfig } from '../../../src/api/state/state-ttl-config.js';
import { ManualProcessingTime, newBackend } from './state-test-support.js';

const onWrite = StateTtlConfig.newBuilder(100).build();
const onRead = StateTtlConfig.newBuilder(100).updateTtlOnReadAndWrite().build();
const returnExpired = StateTtlConfig.newBuilder(100).returnExpiredIfNotCleanedUp().build();

test('ValueState TTL OnCreateAndWrite: expired at lastUpdate + ttl, reads do not extend it, writes do', () => {
  const clock = new ManualProcessingTime(1000);
  const backend = newBackend(clock);
  const state = backend.getState(new ValueStateDescriptor<string>('v').enableTimeToLive(onWrite));
  backend.setCurrentKey('k');
  state.update('a');
  clock.time = 1099;
  assert.equal(state.value(), 'a');
  clock.time = 1100; // lastUpdate + ttl <= now
  assert.equal(state.value(), null);
  state.update('b');
  clock.time = 1150;
  assert.equal(state.value(), 'b');
  state.update('c'); // a write refreshes
  clock.time = 1249;
  assert.equal(state.value(), 'c');
  clock.time = 1250;
  assert.equal(state.value(), null);
});

test('ValueState TTL OnReadAndWrite: each read of a live value refreshes it', () => {
  const clock = new ManualProcessingTime(0);
  const backend = newBackend(clock);
  const state = backend.getState(new ValueStateDescriptor<string>('v').enableTimeToLive(onRead));
  backend.setCurrentKey('k');
  state.update('a');
  for (const t of [90, 180, 270]) {
    clock.time = t;
    assert.equal(state.value(), 'a', `read at ${t}`);
  }
  clock.time = 370;
  assert.equal(state.value(), null);
});

test('ReturnExpiredIfNotCleanedUp returns an expired value once, then it is cleaned up', () => {
  const clock = new ManualProcessingTime(0);
  const backend = newBackend(clock);
  const state = backend.getState(new ValueStateDescriptor<string>('v').enableTimeToLive(returnExpired));
  backend.setCurrentKey('k');
  state.update('old');
  clock.time = 500;
  assert.equal(state.value(), 'old');
  assert.equal(state.value(), null);
});

test('a Disabled update type means no TTL at all', () => {
  const clock = new ManualProcessingTime(0);
  const backend = newBackend(clock);
  const disabled = StateTtlConfig.newBuilder(10).setUpdateType('Disabled').build();
  const state = backend.getState(new ValueStateDescriptor<string>('v').enableTimeToLive(disabled));
  backend.setCurrentKey('k');
  state.update('kept');
  clock.time = 1_000_000;
  assert.equal(state.value(), 'kept');
});

test('ListState TTL is per element; OnReadAndWrite refreshes returned elements; ReturnExpired shows expired once', () => {
  const clock = new ManualProcessingTime(0);
  const backend = newBackend(clock);
  const list = backend.getListState(new ListStateDescriptor<string>('l').enableTimeToLive(onWrite));
  backend.setCurrentKey('k');
  list.add('a');
  clock.time = 50;
  list.add('b');
  clock.time = 100;
  assert.deepEqual([...list.get()], ['b']);
  clock.time = 150;
  assert.deepEqual([...list.get()], []);

  const readList = backend.getListState(new ListStateDescriptor<string>('lr').enableTimeToLive(onRead));
  clock.time = 0;
  readList.addAll(['x', 'y']);
  clock.time = 90;
  assert.deepEqual([...readList.get()], ['x', 'y']);
  clock.time = 180;
  assert.deepEqual([...readList.get()], ['x', 'y']);
  clock.time = 280;
  assert.deepEqual([...readList.get()], []);

  const visible = backend.getListState(new ListStateDescriptor<string>('lv').enableTimeToLive(returnExpired));
  clock.time = 0;
  visible.add('old');
  clock.time = 60;
  visible.add('new');
  clock.time = 120;
  assert.deepEqual([...visible.get()], ['old', 'new']);
  assert.deepEqual([...visible.get()], ['new']);
});

test('MapState TTL is per user key, for get, contains and iteration', () => {
  const clock = new ManualProcessingTime(0);
  const backend = newBackend(clock);
  const map = backend.getMapState(new MapStateDescriptor<string, number>('m').enableTimeToLive(onWrite));
  backend.setCurrentKey('k');
  map.put('a', 1);
  clock.time = 50;
  map.put('b', 2);
  clock.time = 100;
  assert.equal(map.get('a'), undefined);
  assert.equal(map.contains('a'), false);
  assert.equal(map.get('b'), 2);
  assert.deepEqual([...map.entries()], [['b', 2]]);
  clock.time = 150;
  assert.equal(map.isEmpty(), true);

  const readMap = backend.getMapState(new MapStateDescriptor<string, number>('mr').enableTimeToLive(onRead));
  clock.time = 0;
  readMap.put('x', 1);
  clock.time = 90;
  assert.equal(readMap.get('x'), 1);
  clock.time = 180;
  assert.deepEqual([...readMap.keys()], ['x']);
  clock.time = 279;
  assert.deepEqual([...readMap.values()], [1]);
  clock.time = 379;
  assert.equal(readMap.get('x'), undefined);

  const visible = backend.getMapState(new MapStateDescriptor<string, number>('mv').enableTimeToLive(returnExpired));
  clock.time = 0;
  visible.put('x', 1);
  clock.time = 200;
  assert.equal(visible.get('x'), 1);
  assert.equal(visible.get('x'), undefined);
});

test('Reducing and aggregating state: an expired accumulator starts over', () => {
  const clock = new ManualProcessingTime(0);
  const backend = newBackend(clock);
  const sum = backend.getReducingState(new ReducingStateDescriptor<number>('sum', (a, b) => a + b).enableTimeToLive(onWrite));
  const count = backend.getAggregatingState(
    new AggregatingStateDescriptor<number, number, number>('count', {
      createAccumulator: () => 0,
      add: (_v, acc) => acc + 1,
      getResult: (acc) => acc,
      merge: (a, b) => a + b,
    }).enableTimeToLive(onWrite),
  );
  backend.setCurrentKey('k');
  sum.add(5);
  count.add(5);
  clock.time = 99;
  sum.add(1);
  count.add(1);
  assert.equal(sum.get(), 6);
  assert.equal(count.get(), 2);
  clock.time = 199; // last write at 99 → expired at 199
  assert.equal(sum.get(), null);
  sum.add(2);
  count.add(2);
  assert.equal(sum.get(), 2);
  assert.equal(count.get(), 1);
});

test('snapshots leave out expired entries', () => {
  const clock = new ManualProcessingTime(0);
  const backend = newBackend(clock);
  const value = backend.getState(new ValueStateDescriptor<string>('v').enableTimeToLive(onWrite));
  const list = backend.getListState(new ListStateDescriptor<string>('l').enableTimeToLive(onWrite));
  const map = backend.getMapState(new MapStateDescriptor<string, string>('m').enableTimeToLive(onWrite));
  backend.setCurrentKey('old');
  value.update('old');
  list.add('old');
  map.put('old', 'old');
  clock.time = 60;
  backend.setCurrentKey('new');
  value.update('new');
  list.add('new');
  map.put('new', 'new');
  backend.setCurrentKey('old');
  list.add('newer'); // a live element next to an expired one
  clock.time = 120;
  const bytes = backend.snapshot();

  const restoredClock = new ManualProcessingTime(120);
  const restored = newBackend(restoredClock);
  restored.restore(bytes);
  const rValue = restored.getState(new ValueStateDescriptor<string>('v').enableTimeToLive(returnExpired));
  const rList = restored.getListState(new ListStateDescriptor<string>('l').enableTimeToLive(onWrite));
  const rMap = restored.getMapState(new MapStateDescriptor<string, string>('m').enableTimeToLive(onWrite));
  // The value state is restored with a visibility that would show an expired value still present: it is not there.
  restored.setCurrentKey('old');
  assert.equal(rValue.value(), null);
  assert.deepEqual([...rList.get()], ['newer']);
  assert.equal(rMap.isEmpty(), true);
  restored.setCurrentKey('new');
  assert.equal(rValue.value(), 'new');
  assert.deepEqual([...rList.get()], ['new']);
  assert.equal(rMap.get('new'), 'new');
  // Timestamps survive the restore: 'new' was written at 60, so it expires at 160.
  restoredClock.time = 160;
  assert.deepEqual([...rList.get()], []);
});

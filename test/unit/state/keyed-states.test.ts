import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { AggregateFunction } from '../../../src/api/state/state.js';
import { RuntimeContext } from '../../../src/api/common/runtime-context.js';
import {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
} from '../../../src/api/state/state-descriptor.js';
import { ManualProcessingTime, newBackend } from './state-test-support.js';

const averager: AggregateFunction<number, [number, number], number> = {
  createAccumulator: () => [0, 0],
  add: (value, acc) => [acc[0] + value, acc[1] + 1],
  getResult: (acc) => acc[0] / acc[1],
  merge: (a, b) => [a[0] + b[0], a[1] + b[1]],
};

test('ValueState: null when absent, scoped to the current key, update(null) and clear remove', () => {
  const backend = newBackend(new ManualProcessingTime());
  const state = backend.getState(new ValueStateDescriptor<number>('count'));
  backend.setCurrentKey('a');
  assert.equal(state.value(), null);
  state.update(1);
  backend.setCurrentKey('b');
  assert.equal(state.value(), null);
  state.update(7);
  backend.setCurrentKey('a');
  assert.equal(state.value(), 1);
  state.update(null);
  assert.equal(state.value(), null);
  backend.setCurrentKey('b');
  assert.equal(state.value(), 7);
  state.clear();
  assert.equal(state.value(), null);
});

test('ValueState: a default value is returned when the key has none', () => {
  const backend = newBackend(new ManualProcessingTime());
  const state = backend.getState(new ValueStateDescriptor<number>('withDefault', 42));
  backend.setCurrentKey(1);
  assert.equal(state.value(), 42);
  state.update(3);
  assert.equal(state.value(), 3);
});

test('composite keys are equal by value: two tuples built separately share state', () => {
  const backend = newBackend(new ManualProcessingTime());
  const state = backend.getState(new ValueStateDescriptor<string>('v'));
  backend.setCurrentKey(['x', 1]);
  state.update('one');
  backend.setCurrentKey(['x', 1]);
  assert.equal(state.value(), 'one');
  backend.setCurrentKey({ b: 2, a: 1 });
  state.update('obj');
  backend.setCurrentKey({ a: 1, b: 2 });
  assert.equal(state.value(), 'obj');
  assert.deepEqual(backend.getCurrentKey(), { a: 1, b: 2 });
  // The number 1 and the string "1" stay different keys.
  backend.setCurrentKey(1);
  state.update('number');
  backend.setCurrentKey('1');
  assert.equal(state.value(), null);
});

test('ListState: empty iterable (not null) when absent; add, addAll, update, clear; nulls rejected', () => {
  const backend = newBackend(new ManualProcessingTime());
  const state = backend.getListState(new ListStateDescriptor<string>('list'));
  backend.setCurrentKey('k');
  assert.deepEqual([...state.get()], []);
  state.add('a');
  state.addAll(['b', 'c']);
  assert.deepEqual([...state.get()], ['a', 'b', 'c']);
  // get() is a copy: adding while iterating it neither loops nor changes what is iterated.
  for (const v of state.get()) state.add(v + '!');
  assert.deepEqual([...state.get()], ['a', 'b', 'c', 'a!', 'b!', 'c!']);
  state.update(['z']);
  assert.deepEqual([...state.get()], ['z']);
  state.update([]);
  assert.deepEqual([...state.get()], []);
  state.addAll([]);
  assert.deepEqual([...state.get()], []);
  assert.throws(() => state.add(null as unknown as string), /null/);
  assert.throws(() => state.addAll(['ok', null as unknown as string]), /null/);
  assert.deepEqual([...state.get()], [], 'a rejected addAll adds nothing');
  state.add('q');
  backend.setCurrentKey('other');
  assert.deepEqual([...state.get()], []);
  backend.setCurrentKey('k');
  state.clear();
  assert.deepEqual([...state.get()], []);
});

test('MapState: get/put/putAll/remove/contains/entries/keys/values/isEmpty/clear, composite user keys', () => {
  const backend = newBackend(new ManualProcessingTime());
  const state = backend.getMapState(new MapStateDescriptor<string | [number, number], number>('map'));
  backend.setCurrentKey('k');
  assert.equal(state.isEmpty(), true);
  assert.equal(state.get('a'), undefined);
  assert.equal(state.contains('a'), false);
  state.put('a', 1);
  state.putAll([
    ['b', 2],
    ['c', 3],
  ]);
  state.putAll(new Map([['d', 4]]));
  state.put([1, 2], 12);
  assert.equal(state.get([1, 2]), 12, 'an equal tuple finds the entry');
  assert.equal(state.get('a'), 1);
  assert.equal(state.contains('b'), true);
  state.put('a', 10);
  assert.deepEqual([...state.keys()], ['a', 'b', 'c', 'd', [1, 2]]);
  assert.deepEqual([...state.values()], [10, 2, 3, 4, 12]);
  assert.deepEqual(
    [...state.entries()],
    [
      ['a', 10],
      ['b', 2],
      ['c', 3],
      ['d', 4],
      [[1, 2], 12],
    ],
  );
  state.remove('b');
  state.remove('nope');
  assert.equal(state.contains('b'), false);
  assert.equal(state.isEmpty(), false);
  backend.setCurrentKey('other');
  assert.equal(state.isEmpty(), true);
  backend.setCurrentKey('k');
  state.clear();
  assert.equal(state.isEmpty(), true);
  assert.deepEqual([...state.entries()], []);
});

test('ReducingState: null when absent, folds with the reduce function (object or lambda)', () => {
  const backend = newBackend(new ManualProcessingTime());
  const sum = backend.getReducingState(new ReducingStateDescriptor<number>('sum', (a, b) => a + b));
  const max = backend.getReducingState(new ReducingStateDescriptor<number>('max', { reduce: (a, b) => Math.max(a, b) }));
  backend.setCurrentKey('k');
  assert.equal(sum.get(), null);
  for (const v of [3, 9, 4]) {
    sum.add(v);
    max.add(v);
  }
  assert.equal(sum.get(), 16);
  assert.equal(max.get(), 9);
  backend.setCurrentKey('j');
  assert.equal(sum.get(), null);
  backend.setCurrentKey('k');
  sum.clear();
  assert.equal(sum.get(), null);
  assert.throws(() => sum.add(null as unknown as number), /null/);
});

test('AggregatingState: null when absent, accumulates and returns the result', () => {
  const backend = newBackend(new ManualProcessingTime());
  const avg = backend.getAggregatingState(new AggregatingStateDescriptor('avg', averager));
  backend.setCurrentKey('k');
  assert.equal(avg.get(), null);
  avg.add(2);
  avg.add(4);
  assert.equal(avg.get(), 3);
  avg.clear();
  assert.equal(avg.get(), null);
});

test('a state name gives the same object twice; another kind under the name is an error naming it', () => {
  const backend = newBackend(new ManualProcessingTime());
  const a = backend.getState(new ValueStateDescriptor<number>('seen'));
  const b = backend.getState(new ValueStateDescriptor<number>('seen'));
  assert.equal(a, b);
  assert.throws(() => backend.getListState(new ListStateDescriptor<number>('seen')), /State 'seen' is already registered as value state/);
});

test('RuntimeContext delegates keyed state to the store and throws Flink\'s message without one', () => {
  const ctx = new RuntimeContext(
    { taskName: 't', indexOfThisSubtask: 0, numberOfParallelSubtasks: 1, maxNumberOfParallelSubtasks: 128, attemptNumber: 0, taskNameWithSubtasks: 't (1/1)#0' },
    { jobId: '0'.repeat(32), jobName: 'j' },
    new Map(),
  );
  const message = "Keyed state can only be used on a 'keyed stream', i.e., after a 'keyBy()' operation.";
  assert.throws(() => ctx.getState(new ValueStateDescriptor('v')), { message });
  assert.throws(() => ctx.getListState(new ListStateDescriptor('l')), { message });
  assert.throws(() => ctx.getMapState(new MapStateDescriptor('m')), { message });
  assert.throws(() => ctx.getReducingState(new ReducingStateDescriptor<number>('r', (a, b) => a + b)), { message });
  assert.throws(() => ctx.getAggregatingState(new AggregatingStateDescriptor('a', averager)), { message });

  const backend = newBackend(new ManualProcessingTime());
  ctx.setKeyedStateStore(backend);
  backend.setCurrentKey('k');
  ctx.getState(new ValueStateDescriptor<number>('v')).update(5);
  assert.equal(backend.getState(new ValueStateDescriptor<number>('v')).value(), 5);
  ctx.getListState(new ListStateDescriptor<number>('l')).add(1);
  ctx.getMapState(new MapStateDescriptor<string, number>('m')).put('x', 1);
  ctx.getReducingState(new ReducingStateDescriptor<number>('r', (a, b) => a + b)).add(2);
  ctx.getAggregatingState(new AggregatingStateDescriptor('a', averager)).add(4);
  assert.equal(backend.getAggregatingState(new AggregatingStateDescriptor('a', averager)).get(), 4);
  ctx.setKeyedStateStore(undefined);
  assert.throws(() => ctx.getState(new ValueStateDescriptor('v')), { message });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';

import type { HeapKeyedStateBackend } from '../../../src/runtime/state/heap-keyed-state-backend.js';
import { assignToKeyGroup } from '../../../src/core/key-group-range-assignment.js';
import {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
} from '../../../src/api/state/state-descriptor.js';
import { ManualProcessingTime, MAX_PARALLELISM, keysIn, newBackend, rangeOf } from './state-test-support.js';

const valueDesc = (): ValueStateDescriptor<unknown> => new ValueStateDescriptor<unknown>('value');
const listDesc = (): ListStateDescriptor<number> => new ListStateDescriptor<number>('list');
const mapDesc = (): MapStateDescriptor<unknown, string> => new MapStateDescriptor<unknown, string>('map');
const reduceDesc = (): ReducingStateDescriptor<number> => new ReducingStateDescriptor<number>('sum', (a, b) => a + b);
const aggDesc = (): AggregatingStateDescriptor<number, number[], string> =>
  new AggregatingStateDescriptor<number, number[], string>('agg', {
    createAccumulator: () => [],
    add: (v, acc) => [...acc, v],
    getResult: (acc) => acc.join('+'),
    merge: (a, b) => [...a, ...b],
  });

function writeAll(backend: HeapKeyedStateBackend, key: unknown, n: number): void {
  backend.setCurrentKey(key);
  backend.getState(valueDesc()).update({ key, n });
  backend.getListState(listDesc()).addAll([n, n + 1]);
  backend.getMapState(mapDesc()).put([n, 'tuple'], `v${n}`);
  backend.getReducingState(reduceDesc()).add(n);
  backend.getAggregatingState(aggDesc()).add(n);
  const table = backend.getInternalValueTable<{ total: number }>('_reduce');
  const holder = table.get();
  if (holder === undefined) table.put({ total: n });
  else holder.value.total += n;
}

function assertHas(backend: HeapKeyedStateBackend, key: unknown, n: number): void {
  backend.setCurrentKey(key);
  assert.deepEqual(backend.getState(valueDesc()).value(), { key, n }, `value of ${inspect(key)}`);
  assert.deepEqual([...backend.getListState(listDesc()).get()], [n, n + 1]);
  assert.equal(backend.getMapState(mapDesc()).get([n, 'tuple']), `v${n}`);
  assert.equal(backend.getReducingState(reduceDesc()).get(), n);
  assert.equal(backend.getAggregatingState(aggDesc()).get(), String(n));
  assert.deepEqual(backend.getInternalValueTable<{ total: number }>('_reduce').get()?.value, { total: n });
}

function assertEmpty(backend: HeapKeyedStateBackend, key: unknown): void {
  backend.setCurrentKey(key);
  assert.equal(backend.getState(valueDesc()).value(), null, `no value for ${inspect(key)}`);
  assert.deepEqual([...backend.getListState(listDesc()).get()], []);
  assert.equal(backend.getMapState(mapDesc()).isEmpty(), true);
  assert.equal(backend.getReducingState(reduceDesc()).get(), null);
  assert.equal(backend.getInternalValueTable('_reduce').get(), undefined);
}

test('snapshot → restore round-trips every state kind, the internal value table, and object/tuple keys', () => {
  const clock = new ManualProcessingTime();
  const backend = newBackend(clock);
  const keys: unknown[] = ['s', 7, ['tuple', 3], { user: 'u1', region: 'eu' }, 2n ** 40n, 12.5];
  keys.forEach((key, i) => writeAll(backend, key, i));
  const bytes = backend.snapshot();
  assert.ok(bytes instanceof Uint8Array);

  // States restored before registration (the usual order: restore, then the operator opens) …
  const restored = newBackend(clock);
  restored.restore(bytes);
  keys.forEach((key, i) => assertHas(restored, key, i));
  const byInspect = (a: unknown, b: unknown): number => inspect(a).localeCompare(inspect(b));
  assert.deepEqual(
    [...restored.getInternalValueTable<{ total: number }>('_reduce').entries()].map(([k]) => k).sort(byInspect),
    [...keys].sort(byInspect),
    'original keys come back (entries() hands them out), in key-group order',
  );
  // … and registered before the restore.
  const early = newBackend(clock);
  early.getState(valueDesc());
  early.getInternalValueTable('_reduce');
  early.restore(bytes);
  keys.forEach((key, i) => assertHas(early, key, i));

  // A restored object key equals a freshly built one with another property order.
  restored.setCurrentKey({ region: 'eu', user: 'u1' });
  assert.deepEqual(restored.getState(valueDesc()).value(), { key: { user: 'u1', region: 'eu' }, n: 3 });
});

test('restored state nobody asked for survives the next snapshot; a changed kind is a clear error', () => {
  const clock = new ManualProcessingTime();
  const backend = newBackend(clock);
  writeAll(backend, 'k', 1);
  const first = newBackend(clock);
  first.restore(backend.snapshot());
  const second = newBackend(clock);
  second.restore(first.snapshot());
  assertHas(second, 'k', 1);

  const third = newBackend(clock);
  third.restore(backend.snapshot());
  assert.throws(() => third.getListState(new ListStateDescriptor('value')), /State 'value' was restored as value state/);
  const registered = newBackend(clock);
  registered.getMapState(new MapStateDescriptor('list'));
  assert.throws(() => registered.restore(backend.snapshot()), /State 'list' is already registered as map state/);
});

test('the snapshot is a copy: later changes do not leak into it', () => {
  const clock = new ManualProcessingTime();
  const backend = newBackend(clock);
  writeAll(backend, 'k', 1);
  const bytes = backend.snapshot();
  backend.setCurrentKey('k');
  backend.getListState(listDesc()).add(99);
  backend.getState(valueDesc()).update('changed');
  const restored = newBackend(clock);
  restored.restore(bytes);
  assertHas(restored, 'k', 1);
});

test('rescale 2 → 4: each new subtask restores exactly its key groups from the overlapping old snapshots', () => {
  const clock = new ManualProcessingTime();
  // Keys placed on purpose: 3 in each new subtask's range.
  const keysByNewSubtask = [0, 1, 2, 3].map((i) => keysIn(rangeOf(4, i), 3, `n${i}-`));
  const old = [0, 1].map((i) => newBackend(clock, rangeOf(2, i)));
  keysByNewSubtask.flat().forEach((key, n) => {
    const owner = rangeOf(2, 0).contains(assignToKeyGroup(key, MAX_PARALLELISM)) ? 0 : 1;
    writeAll(old[owner] as HeapKeyedStateBackend, key, n);
  });
  const snapshots = old.map((b) => b.snapshot());

  for (let i = 0; i < 4; i++) {
    const backend = newBackend(clock, rangeOf(4, i));
    // New subtasks 0,1 overlap old 0; 2,3 overlap old 1 — but handing them both snapshots must
    // not matter either: entries outside the range are ignored.
    for (const bytes of snapshots) backend.restore(bytes);
    keysByNewSubtask.flat().forEach((key, n) => {
      if (keysByNewSubtask[i]?.includes(key) === true) assertHas(backend, key, n);
      else assertEmpty(backend, key);
    });
  }
});

test('rescale 4 → 2: each new subtask merges the snapshots of two old subtasks', () => {
  const clock = new ManualProcessingTime();
  const keysByOld = [0, 1, 2, 3].map((i) => keysIn(rangeOf(4, i), 2, `o${i}-`));
  const snapshots = keysByOld.map((keys, i) => {
    const backend = newBackend(clock, rangeOf(4, i));
    keys.forEach((key, j) => writeAll(backend, key, i * 10 + j));
    return backend.snapshot();
  });
  for (let i = 0; i < 2; i++) {
    const backend = newBackend(clock, rangeOf(2, i));
    backend.restore(snapshots[2 * i] as Uint8Array);
    backend.restore(snapshots[2 * i + 1] as Uint8Array);
    keysByOld.forEach((keys, o) =>
      keys.forEach((key, j) => {
        if (o >> 1 === i) assertHas(backend, key, o * 10 + j);
        else assertEmpty(backend, key);
      }),
    );
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { OperatorStatePiece, OperatorSubtaskState, StateHandle } from '../../../src/runtime/checkpoint/checkpoint-metadata.js';
import { ListStateDescriptor, MapStateDescriptor } from '../../../src/api/state/state-descriptor.js';
import { assignOperatorState } from '../../../src/runtime/checkpoint/state-assignment.js';
import { DefaultOperatorStateBackend } from '../../../src/runtime/state/default-operator-state-backend.js';

const SPLIT = new ListStateDescriptor<string>('offsets');
const UNION = new ListStateDescriptor<string>('everything');
const BROADCAST = new MapStateDescriptor<string, number>('rules');

/** Old subtask i holds `splitCounts[i]` split elements, 1 union element and the broadcast map. */
function oldSnapshots(splitCounts: readonly number[]): { states: OperatorSubtaskState[]; bytes: Map<string, Uint8Array> } {
  const bytes = new Map<string, Uint8Array>();
  const states = splitCounts.map((count, i): OperatorSubtaskState => {
    const backend = new DefaultOperatorStateBackend();
    backend.getListState(SPLIT).addAll(Array.from({ length: count }, (_, j) => `s${i}.${j}`));
    backend.getUnionListState(UNION).add(`u${i}`);
    const rules = backend.getBroadcastState(BROADCAST);
    rules.put('limit', 10);
    rules.put('subtask', i); // would differ per copy: shows which copy was taken
    const snapshot = backend.snapshot();
    const handle: StateHandle = { inline: `subtask-${i}`, size: snapshot.bytes.length };
    bytes.set(`subtask-${i}`, snapshot.bytes);
    return { subtask: i, operator: { handle, states: snapshot.states } };
  });
  return { states, bytes };
}

function restoreAll(
  assignment: OperatorStatePiece[][],
  bytes: Map<string, Uint8Array>,
): { split: string[]; union: string[]; rules: [string, number][] }[] {
  return assignment.map((pieces) => {
    const backend = new DefaultOperatorStateBackend();
    backend.restore(
      pieces.map((p) => ({ bytes: bytes.get((p.handle as { inline: string }).inline) as Uint8Array, name: p.name, mode: p.mode, from: p.from, to: p.to })),
    );
    return {
      split: [...backend.getListState(SPLIT).get()],
      union: [...backend.getUnionListState(UNION).get()],
      rules: [...backend.getBroadcastState(BROADCAST).entries()],
    };
  });
}

test('operator list, union and broadcast state: ops, snapshot metadata, mode conflicts', () => {
  const backend = new DefaultOperatorStateBackend();
  const list = backend.getListState(SPLIT);
  assert.equal(backend.getListState(SPLIT), list);
  assert.deepEqual([...list.get()], []);
  list.add('a');
  list.addAll(['b', 'c']);
  list.update(['x', 'y']);
  assert.deepEqual([...list.get()], ['x', 'y']);
  assert.throws(() => list.add(null as unknown as string), /null/);
  const rules = backend.getBroadcastState(BROADCAST);
  rules.putAll([
    ['a', 1],
    ['b', 2],
  ]);
  rules.remove('a');
  assert.equal(rules.contains('a'), false);
  assert.equal(rules.get('b'), 2);
  assert.deepEqual([...rules.immutableEntries()], [['b', 2]]);
  backend.getUnionListState(UNION);
  assert.deepEqual(backend.snapshot().states, [
    { name: 'offsets', mode: 'SPLIT_DISTRIBUTE', count: 2 },
    { name: 'rules', mode: 'BROADCAST', count: 1 },
    { name: 'everything', mode: 'UNION', count: 0 },
  ]);
  assert.throws(() => backend.getUnionListState(SPLIT), /Operator state 'offsets' has the distribution mode SPLIT_DISTRIBUTE/);
  assert.throws(() => backend.getBroadcastState(new MapStateDescriptor('everything')), /mode UNION/);
  list.clear();
  assert.deepEqual([...list.get()], []);
});

test('unchanged parallelism: every subtask gets exactly its own split elements, even with unequal lists', () => {
  const { states, bytes } = oldSnapshots([5, 1, 3]);
  const restored = restoreAll(assignOperatorState(states, 3), bytes);
  assert.deepEqual(restored.map((r) => r.split), [
    ['s0.0', 's0.1', 's0.2', 's0.3', 's0.4'],
    ['s1.0'],
    ['s2.0', 's2.1', 's2.2'],
  ]);
  for (const r of restored) {
    assert.deepEqual(r.union, ['u0', 'u1', 'u2']);
    assert.deepEqual(r.rules, [
      ['limit', 10],
      ['subtask', 0],
    ]);
  }
});

test('scale up 2 → 3: split elements concatenated in old order, cut into contiguous chunks differing by ≤ 1', () => {
  const { states, bytes } = oldSnapshots([4, 3]);
  const assignment = assignOperatorState(states, 3);
  const restored = restoreAll(assignment, bytes);
  assert.deepEqual(restored.map((r) => r.split), [
    ['s0.0', 's0.1', 's0.2'],
    ['s0.3', 's1.0'],
    ['s1.1', 's1.2'],
  ]);
  // The middle subtask's chunk spans two old snapshots: two pieces, applied in old order.
  assert.deepEqual(
    assignment[1]?.filter((p) => p.name === 'offsets').map((p) => [(p.handle as { inline: string }).inline, p.from, p.to]),
    [
      ['subtask-0', 3, 4],
      ['subtask-1', 0, 1],
    ],
  );
  for (const r of restored) {
    assert.deepEqual(r.union, ['u0', 'u1']);
    assert.deepEqual(r.rules, [
      ['limit', 10],
      ['subtask', 0],
    ]);
  }
});

test('scale down 3 → 2 with an old subtask that had no state: nothing lost, nothing duplicated', () => {
  const { states, bytes } = oldSnapshots([2, 0, 3]);
  const withGap: (OperatorSubtaskState | undefined)[] = [states[0], undefined, states[2]];
  const restored = restoreAll(assignOperatorState(withGap, 2), bytes);
  assert.deepEqual(restored.map((r) => r.split), [
    ['s0.0', 's0.1', 's2.0'],
    ['s2.1', 's2.2'],
  ]);
  assert.deepEqual(restored[1]?.union, ['u0', 'u2']);
});

test('more new subtasks than elements: the last ones get none', () => {
  const { states, bytes } = oldSnapshots([1, 1]);
  const restored = restoreAll(assignOperatorState(states, 4), bytes);
  assert.deepEqual(restored.map((r) => r.split), [['s0.0'], ['s1.0'], [], []]);
});

test('restored operator state nobody registered is kept in the next snapshot', () => {
  const { states, bytes } = oldSnapshots([2]);
  const pieces = (assignOperatorState(states, 1)[0] ?? []).map((p) => ({
    bytes: bytes.get('subtask-0') as Uint8Array,
    name: p.name,
    mode: p.mode,
    from: p.from,
    to: p.to,
  }));
  const backend = new DefaultOperatorStateBackend();
  backend.restore(pieces);
  const again = backend.snapshot();
  assert.deepEqual(
    again.states.map((s) => [s.name, s.count]).sort(),
    [
      ['everything', 1],
      ['offsets', 2],
      ['rules', 2],
    ],
  );
  assert.throws(() => backend.getUnionListState(SPLIT), /mode SPLIT_DISTRIBUTE/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { OperatorStateEntry, OperatorSubtaskState, StateHandle } from '../../../src/runtime/checkpoint/checkpoint-metadata.js';
import { computeKeyGroupRangeForOperatorIndex } from '../../../src/core/key-group-range-assignment.js';
import { assignKeyedState, operatorRestoreFor } from '../../../src/runtime/checkpoint/state-assignment.js';

function keyedSubtasks(parallelism: number, maxParallelism = 128): OperatorSubtaskState[] {
  return Array.from({ length: parallelism }, (_, i) => {
    const range = computeKeyGroupRangeForOperatorIndex(maxParallelism, parallelism, i);
    return {
      subtask: i,
      keyed: { handle: { file: `keyed-${i}`, size: 1 }, keyGroupRange: [range.startKeyGroup, range.endKeyGroup] as const },
    };
  });
}

const files = (handles: readonly (readonly StateHandle[])[]): string[][] =>
  handles.map((hs) => hs.map((h) => ('file' in h ? h.file : h.inline)));

test('keyed state: each new subtask gets the old snapshots whose key-group range overlaps its own', () => {
  assert.deepEqual(files(assignKeyedState(keyedSubtasks(2), 128, 4)), [['keyed-0'], ['keyed-0'], ['keyed-1'], ['keyed-1']]);
  assert.deepEqual(files(assignKeyedState(keyedSubtasks(4), 128, 2)), [
    ['keyed-0', 'keyed-1'],
    ['keyed-2', 'keyed-3'],
  ]);
  // 2 → 3: [0,63][64,127] vs [0,42][43,85][86,127]: the middle one overlaps both.
  assert.deepEqual(files(assignKeyedState(keyedSubtasks(2), 128, 3)), [['keyed-0'], ['keyed-0', 'keyed-1'], ['keyed-1']]);
  assert.deepEqual(files(assignKeyedState(keyedSubtasks(3), 128, 3)), [['keyed-0'], ['keyed-1'], ['keyed-2']]);
  // Subtasks without keyed state (or missing) contribute nothing.
  assert.deepEqual(files(assignKeyedState([undefined, { subtask: 1 }], 128, 1)), [[]]);
});

test('operatorRestoreFor: per new subtask keyed handles and operator pieces, subtasks placed by index', () => {
  const entry: OperatorStateEntry = {
    operatorId: 'abc',
    name: 'Keyed Reduce',
    parallelism: 2,
    maxParallelism: 128,
    // Listed out of order on purpose.
    subtasks: [...keyedSubtasks(2)].reverse(),
  };
  const restores = operatorRestoreFor(entry, 4, 128);
  assert.equal(restores.length, 4);
  assert.deepEqual(files(restores.map((r) => [...r.keyed])), [['keyed-0'], ['keyed-0'], ['keyed-1'], ['keyed-1']]);
  assert.deepEqual(restores.map((r) => r.operator), [[], [], [], []]);
});

test('operatorRestoreFor refuses a changed max parallelism with a clear message', () => {
  const entry: OperatorStateEntry = { operatorId: 'abc', name: 'Keyed Reduce', parallelism: 2, maxParallelism: 128, subtasks: keyedSubtasks(2) };
  assert.throws(
    () => operatorRestoreFor(entry, 2, 256),
    /The maximum parallelism \(128\) with which the latest checkpoint of the execution job vertex Keyed Reduce .* was created differs from the new maximum parallelism \(256\)/,
  );
});

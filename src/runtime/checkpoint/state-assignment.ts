import type {
  OperatorRestore,
  OperatorStateEntry,
  OperatorStateMode,
  OperatorStatePiece,
  OperatorSubtaskState,
  StateHandle,
} from './checkpoint-metadata.js';
import { computeKeyGroupRangeForOperatorIndex } from '../../core/key-group-range-assignment.js';
import { KeyGroupRange } from '../../core/key-group-range.js';

/**
 * How a checkpoint's state is handed to the subtasks of a restored job (Flink's
 * StateAssignmentOperation), possibly with another parallelism. Pure functions: the JobMaster
 * calls them when it deploys a restore, and tests call them directly.
 */

/**
 * Per new subtask, the keyed-state handles of the old subtasks whose key-group range overlaps the
 * new subtask's range (old-subtask order). The subtask's backend reads only its own key groups
 * from each of them.
 */
export function assignKeyedState(
  old: readonly (OperatorSubtaskState | undefined)[],
  maxParallelism: number,
  newParallelism: number,
): StateHandle[][] {
  const result: StateHandle[][] = [];
  for (let i = 0; i < newParallelism; i++) {
    const range = computeKeyGroupRangeForOperatorIndex(maxParallelism, newParallelism, i);
    const handles: StateHandle[] = [];
    for (const subtask of old) {
      const keyed = subtask?.keyed;
      if (keyed === undefined) continue;
      const [start, end] = keyed.keyGroupRange;
      if (end < start) continue;
      if (!range.intersection(new KeyGroupRange(start, end)).isEmpty) handles.push(keyed.handle);
    }
    result.push(handles);
  }
  return result;
}

/**
 * Per new subtask, the slices of old operator state it restores, following each state's mode:
 * - SPLIT_DISTRIBUTE: all old lists concatenated in old-subtask order, cut into contiguous chunks
 *   whose sizes differ by at most one (earlier subtasks get the larger ones). With the parallelism
 *   unchanged each subtask gets back exactly its own list instead: the even cut would move
 *   elements between subtasks whose lists had different lengths.
 * - UNION: every new subtask gets every old element.
 * - BROADCAST: every new subtask gets one copy, the first old subtask's that has the state (all
 *   copies are the same by contract).
 * Pieces of one state appear in old-subtask order, so appending them rebuilds the lists in order.
 */
export function assignOperatorState(
  old: readonly (OperatorSubtaskState | undefined)[],
  newParallelism: number,
): OperatorStatePiece[][] {
  const result: OperatorStatePiece[][] = Array.from({ length: newParallelism }, () => []);
  for (const [name, mode] of stateNames(old)) {
    const sources = sourcesOf(old, name);
    switch (mode) {
      case 'SPLIT_DISTRIBUTE':
        if (old.length === newParallelism) {
          for (const source of sources) {
            if (source.count > 0) result[source.subtask]?.push(piece(source, mode, 0, source.count));
          }
        } else {
          splitDistribute(sources, newParallelism, result);
        }
        break;
      case 'UNION':
        for (const pieces of result) {
          for (const source of sources) if (source.count > 0) pieces.push(piece(source, mode, 0, source.count));
        }
        break;
      case 'BROADCAST': {
        const first = sources[0];
        if (first === undefined) break;
        for (const pieces of result) pieces.push(piece(first, mode, 0, first.count));
        break;
      }
    }
  }
  return result;
}

/**
 * The restore of every new subtask of one operator. The max parallelism must not change: it is
 * the number of key groups, which keyed state is sharded by.
 */
export function operatorRestoreFor(entry: OperatorStateEntry, newParallelism: number, newMaxParallelism: number): OperatorRestore[] {
  if (entry.maxParallelism !== newMaxParallelism) {
    throw new Error(
      `The maximum parallelism (${entry.maxParallelism}) with which the latest checkpoint of the execution job vertex ` +
        `${entry.name} (operator ${entry.operatorId}) was created differs from the new maximum parallelism ` +
        `(${newMaxParallelism}). Restoring keyed state needs the same maximum parallelism: set it back to ` +
        `${entry.maxParallelism} for this operator (setMaxParallelism, or pipeline.max-parallelism).`,
    );
  }
  const old: (OperatorSubtaskState | undefined)[] = new Array<OperatorSubtaskState | undefined>(entry.parallelism).fill(undefined);
  for (const subtask of entry.subtasks) {
    if (subtask.subtask >= 0 && subtask.subtask < entry.parallelism) old[subtask.subtask] = subtask;
  }
  const keyed = assignKeyedState(old, entry.maxParallelism, newParallelism);
  const operator = assignOperatorState(old, newParallelism);
  return keyed.map((handles, i) => ({ keyed: handles, operator: operator[i] ?? [] }));
}

interface StateSource {
  readonly name: string;
  readonly subtask: number;
  readonly handle: StateHandle;
  readonly count: number;
}

/** Every operator state name in the old snapshots with its mode, in order of first appearance. */
function stateNames(old: readonly (OperatorSubtaskState | undefined)[]): Map<string, OperatorStateMode> {
  const names = new Map<string, OperatorStateMode>();
  for (const subtask of old) {
    for (const meta of subtask?.operator?.states ?? []) if (!names.has(meta.name)) names.set(meta.name, meta.mode);
  }
  return names;
}

/** The old subtasks holding state `name`, in old-subtask order. */
function sourcesOf(old: readonly (OperatorSubtaskState | undefined)[], name: string): StateSource[] {
  const sources: StateSource[] = [];
  old.forEach((subtask, index) => {
    const operator = subtask?.operator;
    const meta = operator?.states.find((s) => s.name === name);
    if (operator !== undefined && meta !== undefined) sources.push({ name, subtask: index, handle: operator.handle, count: meta.count });
  });
  return sources;
}

function splitDistribute(sources: readonly StateSource[], newParallelism: number, result: OperatorStatePiece[][]): void {
  const total = sources.reduce((sum, s) => sum + s.count, 0);
  const base = Math.floor(total / newParallelism);
  const larger = total % newParallelism;
  let sourceIndex = 0;
  let offset = 0; // within sources[sourceIndex]
  for (let i = 0; i < newParallelism; i++) {
    let wanted = base + (i < larger ? 1 : 0);
    while (wanted > 0) {
      const source = sources[sourceIndex] as StateSource;
      const take = Math.min(wanted, source.count - offset);
      if (take > 0) (result[i] as OperatorStatePiece[]).push(piece(source, 'SPLIT_DISTRIBUTE', offset, offset + take));
      offset += take;
      wanted -= take;
      if (offset >= source.count) {
        sourceIndex++;
        offset = 0;
      }
    }
  }
}

function piece(source: StateSource, mode: OperatorStateMode, from: number, to: number): OperatorStatePiece {
  return { handle: source.handle, name: source.name, mode, from, to };
}

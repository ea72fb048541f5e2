import type { BroadcastState, ListState } from '../../api/state/state.js';
import type { ListStateDescriptor, MapStateDescriptor } from '../../api/state/state-descriptor.js';
import type { OperatorStateStore } from '../../api/state/state-stores.js';
import type { OperatorStateMeta, OperatorStateMode } from '../checkpoint/checkpoint-metadata.js';
import { HeapBroadcastState } from './heap-broadcast-state.js';
import { PartitionableListState } from './partitionable-list-state.js';
import { packState, unpackState } from './snapshot-codec.js';

/** One piece of restored operator state: elements [from, to) of state `name` in one old snapshot. */
export interface OperatorStatePieceBytes {
  readonly bytes: Uint8Array;
  readonly name: string;
  readonly mode: OperatorStateMode;
  readonly from: number;
  readonly to: number;
}

export interface OperatorStateSnapshot {
  /** msgpack of `{ [stateName]: elements }`; broadcast state elements are `[key, value]` entries. */
  readonly bytes: Uint8Array;
  readonly states: OperatorStateMeta[];
}

type RegisteredState = PartitionableListState<unknown> | HeapBroadcastState<unknown, unknown>;

/**
 * Operator (non-keyed) state of one operator instance (Flink's DefaultOperatorStateBackend). The
 * snapshot lists every state's elements and, per state, its mode and element count: the JobMaster
 * uses those to cut the old snapshots into the pieces each new subtask restores.
 */
export class DefaultOperatorStateBackend implements OperatorStateStore {
  private readonly states = new Map<string, RegisteredState>();
  /** Restored elements of states not registered yet. */
  private readonly pending = new Map<string, { readonly mode: OperatorStateMode; readonly elements: unknown[] }>();

  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T> {
    return this.register(descriptor.name, 'SPLIT_DISTRIBUTE', () => new PartitionableListState(descriptor.name, 'SPLIT_DISTRIBUTE')) as ListState<T>;
  }

  getUnionListState<T>(descriptor: ListStateDescriptor<T>): ListState<T> {
    return this.register(descriptor.name, 'UNION', () => new PartitionableListState(descriptor.name, 'UNION')) as ListState<T>;
  }

  getBroadcastState<K, V>(descriptor: MapStateDescriptor<K, V>): BroadcastState<K, V> {
    return this.register(descriptor.name, 'BROADCAST', () => new HeapBroadcastState(descriptor.name)) as BroadcastState<K, V>;
  }

  /** Applies restored pieces in order: each appends its slice to its state. */
  restore(pieces: readonly OperatorStatePieceBytes[]): void {
    const decoded = new Map<Uint8Array, Record<string, unknown[]>>();
    for (const piece of pieces) {
      let doc = decoded.get(piece.bytes);
      if (doc === undefined) {
        doc = (unpackState(piece.bytes) ?? {}) as Record<string, unknown[]>;
        decoded.set(piece.bytes, doc);
      }
      const elements = (doc[piece.name] ?? []).slice(piece.from, piece.to);
      const state = this.states.get(piece.name);
      if (state !== undefined) {
        if (state.mode !== piece.mode) throw modeConflict(piece.name, piece.mode, state.mode);
        state.restoreElements(elements);
        continue;
      }
      const pending = this.pending.get(piece.name);
      if (pending === undefined) this.pending.set(piece.name, { mode: piece.mode, elements });
      else {
        if (pending.mode !== piece.mode) throw modeConflict(piece.name, piece.mode, pending.mode);
        for (const element of elements) pending.elements.push(element);
      }
    }
  }

  snapshot(): OperatorStateSnapshot {
    const doc: Record<string, readonly unknown[]> = {};
    const states: OperatorStateMeta[] = [];
    for (const state of this.states.values()) {
      const elements = state.snapshotElements();
      doc[state.name] = elements;
      states.push({ name: state.name, mode: state.mode, count: elements.length });
    }
    // Restored state the operator did not ask for (yet) is kept, not lost at the next checkpoint.
    for (const [name, pending] of this.pending) {
      doc[name] = pending.elements;
      states.push({ name, mode: pending.mode, count: pending.elements.length });
    }
    return { bytes: packState(doc), states };
  }

  private register(name: string, mode: OperatorStateMode, create: () => RegisteredState): RegisteredState {
    const existing = this.states.get(name);
    if (existing !== undefined) {
      if (existing.mode !== mode) throw modeConflict(name, mode, existing.mode);
      return existing;
    }
    const pending = this.pending.get(name);
    if (pending !== undefined && pending.mode !== mode) throw modeConflict(name, mode, pending.mode);
    const state = create();
    if (pending !== undefined) {
      state.restoreElements(pending.elements);
      this.pending.delete(name);
    }
    this.states.set(name, state);
    return state;
  }
}

function modeConflict(name: string, requested: OperatorStateMode, existing: OperatorStateMode): Error {
  return new Error(
    `Operator state '${name}' has the distribution mode ${existing} and cannot be used with mode ${requested}: ` +
      'each operator state name may have only one mode.',
  );
}

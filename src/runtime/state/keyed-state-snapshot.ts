import type { StateKind } from '../../api/state/state-descriptor.js';
import type { TimerSnapshotEntry } from './internal-timer-service.js';
import { unpackState } from './snapshot-codec.js';

/**
 * The format of a heap keyed-state snapshot (Flink's heap backend writes per-key-group sections
 * too). The outer document lists each state's kind and one packed section per key group, so a
 * subtask restoring after a rescale unpacks only the key groups of its own range.
 */
export const KEYED_SNAPSHOT_VERSION = 1;

export interface KeyedSnapshotDocument {
  readonly v: number;
  /** State kinds by name, checked against the descriptors the restored job registers. */
  readonly kinds: Record<string, StateKind>;
  /** `[keyGroup, packed KeyGroupSection]`, ascending by key group. */
  readonly groups: [number, Uint8Array][];
}

/** Everything of one key group. */
export interface KeyGroupSection {
  /** Keyed states: name → `[key, payload]` entries (payload per state kind). */
  s?: Record<string, [unknown, unknown][]>;
  /** Internal value tables: name → `[key, value]`. */
  i?: Record<string, [unknown, unknown][]>;
  /** Timer services: name → `[event-time timers, processing-time timers]`. */
  t?: Record<string, [TimerSnapshotEntry[], TimerSnapshotEntry[]]>;
}

export function readKeyedSnapshot(bytes: Uint8Array): KeyedSnapshotDocument {
  const doc = unpackState(bytes) as Partial<KeyedSnapshotDocument> | null;
  if (doc === null || typeof doc !== 'object' || doc.v !== KEYED_SNAPSHOT_VERSION || !Array.isArray(doc.groups)) {
    throw new Error(`Not a keyed state snapshot of version ${KEYED_SNAPSHOT_VERSION}.`);
  }
  return { v: doc.v, kinds: doc.kinds ?? {}, groups: doc.groups };
}

import type { KeyedStateStore, OperatorStateStore } from './state-stores.js';
import type { State } from './state.js';
import type { KeyedStateDescriptor } from './state-descriptor.js';

/**
 * What the runtime hands an operator before `open` (Flink's StreamOperatorStateContext): its
 * operator state, and for operators on a keyed input its keyed state backend. The runtime creates
 * them empty or from a checkpoint and snapshots them after the operator's `snapshotState`.
 */
export interface StreamOperatorStateContext {
  /** True when the operator's state came from a checkpoint or savepoint. */
  isRestored(): boolean;
  readonly operatorStateBackend: OperatorStateStore;
  /** Present for operators on a keyed input only. */
  readonly keyedStateBackend: KeyedStateBackend | undefined;
}

/** A timer as it fires: the key (and namespace) it was registered for and its time. */
export interface InternalTimer {
  readonly key: unknown;
  readonly namespace: unknown;
  readonly timestamp: number;
}

/** Called by a timer service with the timer's key set as the current key. */
export interface Triggerable {
  onEventTime(timer: InternalTimer): void;
  onProcessingTime(timer: InternalTimer): void;
}

/**
 * Timers of one operator (Flink's InternalTimerService), scoped to the current key and a
 * namespace (windows use the window; process functions use none). A timer is registered once per
 * (key, namespace, time); it is part of the keyed state, so it survives restores and moves with
 * its key group.
 */
export interface InternalTimerService {
  currentProcessingTime(): number;
  currentWatermark(): number;
  registerEventTimeTimer(time: number, namespace?: unknown): void;
  registerProcessingTimeTimer(time: number, namespace?: unknown): void;
  deleteEventTimeTimer(time: number, namespace?: unknown): void;
  deleteProcessingTimeTimer(time: number, namespace?: unknown): void;
  /** Fires every event-time timer at or before the watermark, in time order, each with its key set. */
  advanceWatermark(watermark: number): void;
}

/** A value kept per key by a built-in operator: a holder, so an update costs one map lookup. */
export interface InternalValueEntry<T> {
  value: T;
}

/**
 * Keyed state of one operator instance (Flink's KeyedStateBackend): state tables scoped to the
 * current key, which the runtime sets before each record of a keyed input and each timer.
 */
export interface KeyedStateBackend extends KeyedStateStore {
  setCurrentKey(key: unknown): void;
  getCurrentKey(): unknown;
  /**
   * The fast path of built-in keyed operators (rolling reduce, aggregations): a table of holders
   * by key, snapshotted and restored with the rest of the state. Its keys are `toMapKey(key)`;
   * the original key is kept by the backend for the key group.
   */
  getInternalValueTable<T>(name: string): InternalValueTable<T>;
  /** The timer service named `name` of this operator; the triggerable is told when its timers fire. */
  getInternalTimerService(name: string, triggerable: Triggerable): InternalTimerService;
  /**
   * Calls `fn` once for every key of this backend that has a value in the state `descriptor`
   * names, with that key set as the current key (Flink's applyToAllKeys, behind a keyed broadcast
   * function's `applyToKeyedState`). The keys are listed before the first call, so `fn` may clear
   * or update the state; the current key is what it was before once it returns.
   */
  applyToAllKeys(descriptor: KeyedStateDescriptor, fn: (key: unknown, state: State) => void): void;
}

/** See `KeyedStateBackend.getInternalValueTable`. */
export interface InternalValueTable<T> {
  /** The holder of the current key, or undefined. */
  get(): InternalValueEntry<T> | undefined;
  /** Creates the current key's holder. */
  put(value: T): InternalValueEntry<T>;
  /** Every key's holder (for BATCH-mode emission at end of input). */
  entries(): Iterable<[unknown, InternalValueEntry<T>]>;
}

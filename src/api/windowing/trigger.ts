import type { Window } from './window.js';

/**
 * What a trigger decides (Flink's TriggerResult): FIRE emits the window and keeps its contents,
 * PURGE drops the contents without emitting.
 */
export enum TriggerResult {
  CONTINUE = 'CONTINUE',
  FIRE = 'FIRE',
  PURGE = 'PURGE',
  FIRE_AND_PURGE = 'FIRE_AND_PURGE',
}

export function isFire(result: TriggerResult): boolean {
  return result === TriggerResult.FIRE || result === TriggerResult.FIRE_AND_PURGE;
}
export function isPurge(result: TriggerResult): boolean {
  return result === TriggerResult.PURGE || result === TriggerResult.FIRE_AND_PURGE;
}

/** A value a trigger keeps per key and window (checkpointed with the key). */
export interface TriggerState<T> {
  value(): T | null;
  update(value: T): void;
  clear(): void;
}

/** The operator as a trigger sees it: timers and state are scoped to the current key and window. */
export interface TriggerContext {
  getCurrentProcessingTime(): number;
  getCurrentWatermark(): number;
  registerEventTimeTimer(time: number): void;
  registerProcessingTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
  deleteProcessingTimeTimer(time: number): void;
  getPartitionedState<T>(name: string): TriggerState<T>;
}

/** When windows merge: the trigger's state of the merged windows folded into the new window's state. */
export interface OnMergeContext extends TriggerContext {
  mergePartitionedState<T>(name: string, combine: (a: T, b: T) => T): void;
}

/** Decides when a window is emitted (Flink's Trigger). */
export abstract class Trigger<T, W extends Window> {
  abstract onElement(element: T, timestamp: number, window: W, ctx: TriggerContext): TriggerResult;
  abstract onEventTime(time: number, window: W, ctx: TriggerContext): TriggerResult;
  abstract onProcessingTime(time: number, window: W, ctx: TriggerContext): TriggerResult;
  /** Removes the trigger's timers and state of the window; called when the window is cleaned up. */
  abstract clear(window: W, ctx: TriggerContext): void;

  /** Triggers that support merging windows override this (and `onMerge`). */
  canMerge(): boolean {
    return false;
  }
  onMerge(_window: W, _ctx: OnMergeContext): void {
    throw new Error(`${this.constructor.name} does not support merging windows.`);
  }
}

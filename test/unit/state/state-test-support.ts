import type { ProcessingTimeService } from '../../../src/runtime/state/processing-time-service.js';
import { computeKeyGroupRangeForOperatorIndex, assignToKeyGroup } from '../../../src/core/key-group-range-assignment.js';
import { KeyGroupRange } from '../../../src/core/key-group-range.js';
import { HeapKeyedStateBackend } from '../../../src/runtime/state/heap-keyed-state-backend.js';

/**
 * A processing-time double: time moves only when a test says so, and scheduled callbacks run when
 * `advanceTo` passes their time, in time order — no real timers, no sleeps.
 */
export class ManualProcessingTime implements ProcessingTimeService {
  private pending: { time: number; seq: number; callback: () => void; cancelled: boolean }[] = [];
  private seq = 0;
  scheduledCount = 0;
  cancelledCount = 0;

  constructor(public time = 0) {}

  now(): number {
    return this.time;
  }

  schedule(time: number, callback: () => void): () => void {
    const entry = { time, seq: this.seq++, callback, cancelled: false };
    this.pending.push(entry);
    this.scheduledCount++;
    return () => {
      if (!entry.cancelled) this.cancelledCount++;
      entry.cancelled = true;
    };
  }

  /** Callbacks still waiting (not cancelled, not run). */
  get waiting(): number {
    return this.pending.filter((e) => !e.cancelled).length;
  }

  /** Moves the clock to `time`, running every due callback (also ones scheduled by callbacks). */
  advanceTo(time: number): void {
    this.time = time;
    for (;;) {
      const due = this.pending.filter((e) => !e.cancelled && e.time <= time).sort((a, b) => a.time - b.time || a.seq - b.seq)[0];
      if (due === undefined) break;
      this.pending = this.pending.filter((e) => e !== due);
      due.callback();
    }
  }
}

export const MAX_PARALLELISM = 128;

export function rangeOf(parallelism: number, index: number): KeyGroupRange {
  return computeKeyGroupRangeForOperatorIndex(MAX_PARALLELISM, parallelism, index);
}

export function fullRange(): KeyGroupRange {
  return new KeyGroupRange(0, MAX_PARALLELISM - 1);
}

export function newBackend(clock: ManualProcessingTime, range: KeyGroupRange = fullRange()): HeapKeyedStateBackend {
  return new HeapKeyedStateBackend({ keyGroupRange: range, maxParallelism: MAX_PARALLELISM, processingTime: clock });
}

/** `count` string keys whose key group lies in `range`, so a test decides where keys land. */
export function keysIn(range: KeyGroupRange, count: number, prefix = 'k'): string[] {
  const keys: string[] = [];
  for (let i = 0; keys.length < count; i++) {
    const key = `${prefix}${i}`;
    if (range.contains(assignToKeyGroup(key, MAX_PARALLELISM))) keys.push(key);
  }
  return keys;
}

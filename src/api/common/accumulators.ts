/**
 * Accumulators: values user functions add to on every subtask, merged by the JobMaster into the
 * job result. Only counters for now (Flink's IntCounter, LongCounter, DoubleCounter).
 */
export interface Accumulator<V> {
  add(value: V): void;
  getLocalValue(): V;
  resetLocal(): void;
  /** The kind, so partial values from subtasks can be merged without the instance. */
  readonly kind: AccumulatorKind;
}

export type AccumulatorKind = 'IntCounter' | 'LongCounter' | 'DoubleCounter';

abstract class Counter implements Accumulator<number> {
  abstract readonly kind: AccumulatorKind;
  private value: number;
  constructor(initial = 0) {
    this.value = initial;
  }
  add(value: number): void {
    this.value += value;
  }
  getLocalValue(): number {
    return this.value;
  }
  resetLocal(): void {
    this.value = 0;
  }
}

export class IntCounter extends Counter {
  readonly kind = 'IntCounter' as const;
}
export class LongCounter extends Counter {
  readonly kind = 'LongCounter' as const;
}
export class DoubleCounter extends Counter {
  readonly kind = 'DoubleCounter' as const;
}

/** A partial accumulator value as a subtask reports it. */
export interface AccumulatorSnapshot {
  readonly name: string;
  readonly kind: AccumulatorKind;
  readonly value: number;
}

/** Merges subtask snapshots by name; counters add up. */
export function mergeAccumulators(snapshots: Iterable<AccumulatorSnapshot>): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const s of snapshots) merged[s.name] = (merged[s.name] ?? 0) + s.value;
  return merged;
}

import type { ReduceFunction } from '../../api/functions/function-types.js';
import type { ReducingState } from '../../api/state/state.js';
import type { KeyContext } from './key-context.js';
import type { TtlPolicy } from './ttl-policy.js';
import { AbstractSingleValueState } from './heap-state.js';

/** ReducingState on the heap: `add` folds into the stored value; an expired value starts over. */
export class HeapReducingState<T> extends AbstractSingleValueState<T> implements ReducingState<T> {
  readonly kind = 'reducing' as const;
  private readonly reduce: (a: T, b: T) => T;

  constructor(name: string, keys: KeyContext, ttl: TtlPolicy | undefined, reducer: ReduceFunction<T>) {
    super(name, keys, ttl);
    this.reduce = typeof reducer === 'function' ? reducer : (a, b) => reducer.reduce(a, b);
  }

  get(): T | null {
    const entry = this.readEntry();
    return entry === undefined ? null : entry.value;
  }

  add(value: T): void {
    checkNotNull(value, this.name);
    const entry = this.liveEntryForWrite();
    this.write(entry === undefined ? value : this.reduce(entry.value, value));
  }
}

export function checkNotNull(value: unknown, stateName: string): void {
  if (value === null || value === undefined) {
    throw new TypeError(`You cannot add null to state '${stateName}'.`);
  }
}

import type { ValueState } from '../../api/state/state.js';
import type { KeyContext } from './key-context.js';
import type { TtlPolicy } from './ttl-policy.js';
import { AbstractSingleValueState } from './heap-state.js';

/** ValueState on the heap: `value()` is one map lookup with the current key's map key. */
export class HeapValueState<T> extends AbstractSingleValueState<T> implements ValueState<T> {
  readonly kind = 'value' as const;

  constructor(name: string, keys: KeyContext, ttl: TtlPolicy | undefined, private readonly defaultValue: T | null) {
    super(name, keys, ttl);
  }

  value(): T | null {
    const entry = this.readEntry();
    return entry === undefined ? this.defaultValue : entry.value;
  }

  /** `update(null)` clears, as in Flink: null is how a ValueState says "no value". */
  update(value: T | null): void {
    if (value === null || value === undefined) this.clear();
    else this.write(value);
  }
}

import type { AggregateFunction, AggregatingState } from '../../api/state/state.js';
import type { KeyContext } from './key-context.js';
import type { TtlPolicy } from './ttl-policy.js';
import { AbstractSingleValueState } from './heap-state.js';
import { checkNotNull } from './heap-reducing-state.js';

/**
 * AggregatingState on the heap: the accumulator is what is stored (and snapshotted); `get` turns it
 * into the result each time.
 */
export class HeapAggregatingState<IN, ACC, OUT> extends AbstractSingleValueState<ACC> implements AggregatingState<IN, OUT> {
  readonly kind = 'aggregating' as const;

  constructor(
    name: string,
    keys: KeyContext,
    ttl: TtlPolicy | undefined,
    private readonly fn: AggregateFunction<IN, ACC, OUT>,
  ) {
    super(name, keys, ttl);
  }

  get(): OUT | null {
    const entry = this.readEntry();
    return entry === undefined ? null : this.fn.getResult(entry.value);
  }

  add(value: IN): void {
    checkNotNull(value, this.name);
    const entry = this.liveEntryForWrite();
    const accumulator = entry === undefined ? this.fn.createAccumulator() : entry.value;
    this.write(this.fn.add(value, accumulator));
  }
}

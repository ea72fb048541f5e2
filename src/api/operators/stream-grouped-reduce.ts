import type { ReduceFunction } from '../functions/function-types.js';
import type { OneInputStreamOperator } from './stream-operator.js';
import { toMapKey } from '../../core/map-key.js';
import { NO_TIMESTAMP } from '../common/records.js';
import { AbstractStreamOperator } from './abstract-stream-operator.js';

/** Per-key state: a holder, so updating a key costs one map lookup instead of a get and a set. */
interface KeyState<T> {
  value: T;
  /** True once `value` is a copy this operator made, which nobody else can see yet. */
  owned: boolean;
  timestamp: number;
}

/**
 * Keyed rolling reduce. In STREAMING mode every input emits the key's new value, as Flink does;
 * in BATCH mode only the final value per key is emitted, at end of input.
 */
export class StreamGroupedReduce<T> extends AbstractStreamOperator<T> implements OneInputStreamOperator<T> {
  private readonly fn: (a: T, b: T) => T;
  private readonly state = new Map<unknown, KeyState<T>>();

  /**
   * @param mergeInPlace For built-in aggregations whose results are fresh copies: folds a record
   *   into an accumulator this operator owns. Used in BATCH mode only, where no intermediate
   *   value leaves the operator, so nothing can observe the mutation.
   */
  constructor(
    reducer: ReduceFunction<T>,
    private readonly keySelector: (value: T) => unknown,
    private readonly mergeInPlace?: (accumulator: T, value: T) => boolean,
  ) {
    super(reducer);
    this.fn = typeof reducer === 'function' ? reducer : (a, b) => reducer.reduce(a, b);
  }

  processElement(value: T, timestamp: number): void {
    const key = toMapKey(this.keySelector(value));
    const current = this.state.get(key);
    if (current === undefined) {
      this.state.set(key, { value, owned: false, timestamp });
      if (this.runtimeMode === 'STREAMING') this.output.collect(value, timestamp);
      return;
    }
    if (this.runtimeMode === 'STREAMING') {
      current.value = this.fn(current.value, value);
      this.output.collect(current.value, timestamp);
      return;
    }
    if (timestamp !== NO_TIMESTAMP && timestamp > current.timestamp) current.timestamp = timestamp;
    if (current.owned && this.mergeInPlace?.(current.value, value) === true) return;
    current.value = this.fn(current.value, value);
    current.owned = this.mergeInPlace !== undefined;
  }

  override finish(): void {
    if (this.runtimeMode !== 'BATCH') return;
    for (const s of this.state.values()) this.output.collect(s.value, s.timestamp);
  }
}

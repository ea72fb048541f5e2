import type { ReduceFunction } from '../functions/function-types.js';
import type { InternalValueEntry, InternalValueTable, StreamOperatorStateContext } from '../state/operator-state-context.js';
import type { OneInputStreamOperator } from './stream-operator.js';
import { toMapKey } from '../../core/map-key.js';
import { NO_TIMESTAMP } from '../common/records.js';
import { AbstractStreamOperator } from './abstract-stream-operator.js';

/** Per-key state, kept in one holder so updating a key costs one map lookup instead of a get and a set. */
interface KeyState<T> {
  value: T;
  /** True once `value` is a copy this operator made, which nobody else can see yet. */
  owned: boolean;
  timestamp: number;
}

/** The name of the reduce's value table in the keyed state backend (and its snapshots). */
export const REDUCE_TABLE = '_reduce';

/**
 * Keyed rolling reduce. In STREAMING mode every input emits the key's new value, as Flink does;
 * in BATCH mode only the final value per key is emitted, at end of input. Per-key values live in the
 * keyed state backend's value table when the runtime provides one (so they are checkpointed and the
 * runtime has already set the current key); without one — an operator driven directly — in a
 * private table keyed by this operator's own key selector.
 */
export class StreamGroupedReduce<T> extends AbstractStreamOperator<T> implements OneInputStreamOperator<T> {
  private readonly fn: (a: T, b: T) => T;
  private table: InternalValueTable<KeyState<T>>;
  /** Set while there is no keyed backend: then this operator sets the current key itself. */
  private localTable: LocalValueTable<KeyState<T>> | undefined;

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
    this.localTable = new LocalValueTable();
    this.table = this.localTable;
  }

  override async initializeState(context: StreamOperatorStateContext): Promise<void> {
    await super.initializeState(context);
    if (this.keyedStateBackend !== undefined) {
      this.table = this.keyedStateBackend.getInternalValueTable<KeyState<T>>(REDUCE_TABLE);
      this.localTable = undefined;
    }
  }

  processElement(value: T, timestamp: number): void {
    const local = this.localTable;
    if (local !== undefined) local.setCurrentKey(this.keySelector(value));
    const holder = this.table.get();
    if (holder === undefined) {
      this.table.put({ value, owned: false, timestamp });
      if (this.runtimeMode === 'STREAMING') this.output.collect(value, timestamp);
      return;
    }
    const current = holder.value;
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
    for (const [, holder] of this.table.entries()) this.output.collect(holder.value.value, holder.value.timestamp);
  }
}

/** The value table of an operator without a keyed backend (driven directly, outside a task). */
class LocalValueTable<V> implements InternalValueTable<V> {
  private readonly map = new Map<unknown, { key: unknown; value: V }>();
  private key: unknown;
  private mapKey: unknown;

  setCurrentKey(key: unknown): void {
    this.key = key;
    this.mapKey = toMapKey(key);
  }
  get(): InternalValueEntry<V> | undefined {
    return this.map.get(this.mapKey);
  }
  put(value: V): InternalValueEntry<V> {
    const holder = { key: this.key, value };
    this.map.set(this.mapKey, holder);
    return holder;
  }
  *entries(): Iterable<[unknown, InternalValueEntry<V>]> {
    for (const holder of this.map.values()) yield [holder.key, holder];
  }
}

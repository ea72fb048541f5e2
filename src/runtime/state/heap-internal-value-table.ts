import type { InternalValueEntry, InternalValueTable } from '../../api/state/operator-state-context.js';
import type { KeyContext } from './key-context.js';
import { toMapKey } from '../../core/map-key.js';

/** The holder handed to the operator; it also keeps the original key, so a key costs one object. */
interface KeyedHolder<T> extends InternalValueEntry<T> {
  readonly key: unknown;
}

/**
 * The per-key table of a built-in operator (rolling reduce, aggregations): the holder of the
 * current key is one map lookup, and the operator updates `holder.value` in place. No TTL: these
 * operators have none in Flink either.
 */
export class HeapInternalValueTable<T> implements InternalValueTable<T> {
  private readonly table = new Map<unknown, KeyedHolder<T>>();

  constructor(
    readonly name: string,
    private readonly keyContext: KeyContext,
  ) {}

  get(): InternalValueEntry<T> | undefined {
    return this.table.get(this.keyContext.currentMapKey);
  }

  put(value: T): InternalValueEntry<T> {
    const holder: KeyedHolder<T> = { key: this.keyContext.currentKey, value };
    this.table.set(this.keyContext.currentMapKey, holder);
    return holder;
  }

  *entries(): Iterable<[unknown, InternalValueEntry<T>]> {
    for (const holder of this.table.values()) yield [holder.key, holder];
  }

  restoreEntry(key: unknown, value: T): void {
    this.table.set(toMapKey(key), { key, value });
  }
}

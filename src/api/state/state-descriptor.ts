import type { ReduceFunction } from '../functions/function-types.js';
import type { AggregateFunction } from './state.js';
import type { StateTtlConfig } from './state-ttl-config.js';

/**
 * Names a piece of state and its kind (Flink's StateDescriptor). The name is the state's identity
 * within its operator: it is how a restored snapshot finds the state again, so it must not change
 * between versions of a job. Registering the same name with another kind is an error.
 */
export type StateKind = 'value' | 'list' | 'map' | 'reducing' | 'aggregating';

export abstract class StateDescriptor {
  abstract readonly kind: StateKind;
  private ttl: StateTtlConfig | undefined;

  constructor(readonly name: string) {
    if (typeof name !== 'string' || name.length === 0) throw new TypeError('A state descriptor needs a non-empty name.');
  }

  enableTimeToLive(ttlConfig: StateTtlConfig): this {
    this.ttl = ttlConfig;
    return this;
  }

  getTtlConfig(): StateTtlConfig | undefined {
    return this.ttl;
  }
}

export class ValueStateDescriptor<T> extends StateDescriptor {
  readonly kind = 'value' as const;
  /** @param defaultValue returned by `value()` when the key has none (deprecated in Flink, kept for ports). */
  constructor(
    name: string,
    readonly defaultValue: T | null = null,
  ) {
    super(name);
  }
}

export class ListStateDescriptor<T> extends StateDescriptor {
  readonly kind = 'list' as const;
  declare readonly __element?: T;
}

export class MapStateDescriptor<K, V> extends StateDescriptor {
  readonly kind = 'map' as const;
  declare readonly __entry?: [K, V];
}

export class ReducingStateDescriptor<T> extends StateDescriptor {
  readonly kind = 'reducing' as const;
  constructor(
    name: string,
    readonly reduceFunction: ReduceFunction<T>,
  ) {
    super(name);
  }
}

export class AggregatingStateDescriptor<IN, ACC, OUT> extends StateDescriptor {
  readonly kind = 'aggregating' as const;
  constructor(
    name: string,
    readonly aggregateFunction: AggregateFunction<IN, ACC, OUT>,
  ) {
    super(name);
  }
}

/** Any keyed state's descriptor; `kind` tells which. */
export type KeyedStateDescriptor =
  | ValueStateDescriptor<unknown>
  | ListStateDescriptor<unknown>
  | MapStateDescriptor<unknown, unknown>
  | ReducingStateDescriptor<unknown>
  | AggregatingStateDescriptor<unknown, unknown, unknown>;

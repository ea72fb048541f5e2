import type { AggregatingState, BroadcastState, ListState, MapState, ReducingState, ValueState } from './state.js';
import type {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
} from './state-descriptor.js';

/** Keyed state as functions get it from `getRuntimeContext()` on a KeyedStream. */
export interface KeyedStateStore {
  getState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T>;
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  getMapState<K, V>(descriptor: MapStateDescriptor<K, V>): MapState<K, V>;
  getReducingState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T>;
  getAggregatingState<IN, ACC, OUT>(descriptor: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, OUT>;
}

/**
 * Operator (non-keyed) state. On restore with another parallelism, `getListState` lists are
 * concatenated and split evenly over the new subtasks, `getUnionListState` lists are given whole
 * to every subtask, and broadcast state is copied to every subtask.
 */
export interface OperatorStateStore {
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  getUnionListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  getBroadcastState<K, V>(descriptor: MapStateDescriptor<K, V>): BroadcastState<K, V>;
}

/** What `CheckpointedFunction.initializeState` gets (Flink's FunctionInitializationContext). */
export interface FunctionInitializationContext {
  /** True when the state was restored from a checkpoint or savepoint. */
  isRestored(): boolean;
  getOperatorStateStore(): OperatorStateStore;
  /** Throws unless the function runs on a KeyedStream. */
  getKeyedStateStore(): KeyedStateStore;
}

/** What `CheckpointedFunction.snapshotState` gets (Flink's FunctionSnapshotContext). */
export interface FunctionSnapshotContext {
  getCheckpointId(): number;
  getCheckpointTimestamp(): number;
}

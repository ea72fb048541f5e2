import type { Accumulator } from './accumulators.js';
import type { AggregatingState, ListState, MapState, ReducingState, ValueState } from '../state/state.js';
import type {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
} from '../state/state-descriptor.js';
import type { KeyedStateStore } from '../state/state-stores.js';
import { DoubleCounter, IntCounter, LongCounter } from './accumulators.js';

/** Facts about the subtask a function instance runs in (Flink's TaskInfo). */
export interface TaskInfo {
  readonly taskName: string;
  readonly indexOfThisSubtask: number;
  readonly numberOfParallelSubtasks: number;
  readonly maxNumberOfParallelSubtasks: number;
  readonly attemptNumber: number;
  /** `"<name> (i/p)#attempt"`, as Flink names tasks in logs and errors. */
  readonly taskNameWithSubtasks: string;
}

export interface JobInfo {
  readonly jobId: string;
  readonly jobName: string;
}

/** Flink's wording, so users searching for the message find Flink's answers. */
const NOT_KEYED = "Keyed state can only be used on a 'keyed stream', i.e., after a 'keyBy()' operation.";

/**
 * What a rich function sees of its runtime: the subtask, the job, accumulators and, on a keyed
 * stream, keyed state scoped to the current key.
 */
export class RuntimeContext {
  private keyedStateStore: KeyedStateStore | undefined;

  constructor(
    private readonly task: TaskInfo,
    private readonly job: JobInfo,
    private readonly accumulators: Map<string, Accumulator<unknown>>,
  ) {}

  getTaskInfo(): TaskInfo {
    return this.task;
  }
  getJobInfo(): JobInfo {
    return this.job;
  }
  getJobId(): string {
    return this.job.jobId;
  }
  getIndexOfThisSubtask(): number {
    return this.task.indexOfThisSubtask;
  }
  getNumberOfParallelSubtasks(): number {
    return this.task.numberOfParallelSubtasks;
  }
  getMaxNumberOfParallelSubtasks(): number {
    return this.task.maxNumberOfParallelSubtasks;
  }
  getAttemptNumber(): number {
    return this.task.attemptNumber;
  }
  getTaskName(): string {
    return this.task.taskName;
  }
  getTaskNameWithSubtasks(): string {
    return this.task.taskNameWithSubtasks;
  }

  /** Registers an accumulator under a name; a second registration of the name is an error, as in Flink. */
  addAccumulator<V>(name: string, accumulator: Accumulator<V>): void {
    if (this.accumulators.has(name)) {
      throw new Error(`The accumulator '${name}' already exists and cannot be added.`);
    }
    this.accumulators.set(name, accumulator);
  }
  getAccumulator<V>(name: string): Accumulator<V> | undefined {
    return this.accumulators.get(name) as Accumulator<V> | undefined;
  }
  getIntCounter(name: string): IntCounter {
    return this.getOrAdd(name, IntCounter);
  }
  getLongCounter(name: string): LongCounter {
    return this.getOrAdd(name, LongCounter);
  }
  getDoubleCounter(name: string): DoubleCounter {
    return this.getOrAdd(name, DoubleCounter);
  }

  /**
   * @internal The operator hands over its keyed state backend in `initializeState`; undefined on a
   * non-keyed input, where the state getters below throw.
   */
  setKeyedStateStore(store: KeyedStateStore | undefined): void {
    this.keyedStateStore = store;
  }

  getState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T> {
    return this.keyedStore().getState(descriptor);
  }
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T> {
    return this.keyedStore().getListState(descriptor);
  }
  getMapState<K, V>(descriptor: MapStateDescriptor<K, V>): MapState<K, V> {
    return this.keyedStore().getMapState(descriptor);
  }
  getReducingState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T> {
    return this.keyedStore().getReducingState(descriptor);
  }
  getAggregatingState<IN, ACC, OUT>(descriptor: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, OUT> {
    return this.keyedStore().getAggregatingState(descriptor);
  }

  private keyedStore(): KeyedStateStore {
    if (this.keyedStateStore === undefined) throw new Error(NOT_KEYED);
    return this.keyedStateStore;
  }

  private getOrAdd<C extends Accumulator<number>>(name: string, ctor: new () => C): C {
    const existing = this.accumulators.get(name);
    if (existing === undefined) {
      const created = new ctor();
      this.accumulators.set(name, created);
      return created;
    }
    if (!(existing instanceof ctor)) {
      throw new Error(`The accumulator '${name}' exists with another type (${existing.kind}).`);
    }
    return existing;
  }
}

/** Passed to `open()` (Flink 1.19+'s OpenContext); empty for now, kept for source compatibility. */
export type OpenContext = Record<string, never>;

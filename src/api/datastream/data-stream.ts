import type { OutputTag } from '../common/output-tag.js';
import type { Sink } from '../sinks/sink.js';
import type { StreamExecutionEnvironment } from '../environment/stream-execution-environment.js';
import type { WatermarkStrategy } from '../common/watermark-strategy.js';
import { TimestampsAndWatermarksOperator } from '../operators/timestamps-and-watermarks-operator.js';
import type { StreamOperatorFactory } from '../operators/stream-operator.js';
import type { StreamPartitioner } from '../partitioner/stream-partitioner.js';
import type {
  CoFlatMapFunction,
  CoMapFunction,
  FilterFunction,
  FlatMapFunction,
  KeySelector,
  MapFunction,
  Partitioner,
  ReduceFunction,
  SinkFunction,
} from '../functions/function-types.js';
import type { KeyedProcessContext, ProcessFunctionLike } from '../functions/process-function.js';
import { CoProcessFunction } from '../functions/process-function.js';
import { KeyedCoProcessFunction } from '../functions/keyed-co-process-function.js';
import { KeyedCoProcessOperator } from '../operators/keyed-co-process-operator.js';
import type { MapStateDescriptor } from '../state/state-descriptor.js';
import { BroadcastStream } from './broadcast-stream.js';
import { BroadcastConnectedStream } from './broadcast-connected-stream.js';
import type { TwoPhaseCommitSinkFunction } from '../functions/two-phase-commit-sink-function.js';
import type { AggregationType, FieldExpression } from '../operators/aggregation.js';
import { toKeySelector } from '../functions/function-types.js';
import type {
  Transformation} from '../transformations/transformation.js';
import {
  OneInputTransformation,
  PartitionTransformation,
  SideOutputTransformation,
  TwoInputTransformation,
  UnionTransformation,
} from '../transformations/transformation.js';
import { SimpleOperatorFactory } from '../operators/simple-operator-factory.js';
import { StreamMap } from '../operators/stream-map.js';
import { StreamFlatMap } from '../operators/stream-flat-map.js';
import { StreamFilter } from '../operators/stream-filter.js';
import { ProcessOperator } from '../operators/process-operator.js';
import { StreamGroupedReduce } from '../operators/stream-grouped-reduce.js';
import { aggregationMergeInPlace, aggregationReducer } from '../operators/aggregation.js';
import { CoProcessOperator, CoStreamFlatMap, CoStreamMap } from '../operators/co-operators.js';
import { SinkFunctionOperator, SinkWriterOperator } from '../operators/sink-operators.js';
import {
  BroadcastPartitioner,
  CustomPartitionerWrapper,
  ForwardPartitioner,
  GlobalPartitioner,
  KeyGroupStreamPartitioner,
  RebalancePartitioner,
  RescalePartitioner,
  ShufflePartitioner,
} from '../partitioner/partitioners.js';
import { PrintSink } from '../sinks/print-sink.js';
import { CollectSink } from '../sinks/collect-sink.js';
import { checkMaxParallelism, checkParallelism } from './parallelism-checks.js';
import type { AggregateFunction } from '../state/state.js';
import type { Evictor } from '../windowing/evictor.js';
import type {
  ProcessAllWindowFunctionLike,
  ProcessWindowFunctionLike,
} from '../windowing/process-window-function.js';
import type { Trigger } from '../windowing/trigger.js';
import type { Window } from '../windowing/window.js';
import type { WindowAssigner } from '../windowing/window-assigner.js';
import type { GlobalWindow } from '../windowing/global-window.js';
import { WindowOperatorBuilder } from '../operators/window-operator-builder.js';
import { GlobalWindows } from '../windowing/global-windows.js';
import { CountEvictor } from '../windowing/count-evictor.js';
import { CountTrigger } from '../windowing/count-trigger.js';
import { PurgingTrigger } from '../windowing/purging-trigger.js';
import { CoGroupedStreams } from './co-grouped-streams.js';
import { JoinedStreams } from './joined-streams.js';
import { IntervalJoin, checkKeyed } from './interval-join.js';

/**
 * The DataStream API classes. They live in one module because they refer to each other in both
 * directions (keyBy returns a KeyedStream, which is a DataStream), which separate ES modules
 * could only express through an import cycle.
 */
export class DataStream<T> {
  constructor(
    protected readonly environment: StreamExecutionEnvironment,
    protected readonly transformation: Transformation<T>,
  ) {}

  getExecutionEnvironment(): StreamExecutionEnvironment {
    return this.environment;
  }
  /** @internal */
  getTransformation(): Transformation<T> {
    return this.transformation;
  }
  getParallelism(): number {
    return this.transformation.parallelism ?? this.environment.getParallelism();
  }

  map<R>(mapper: MapFunction<T, R>): SingleOutputStreamOperator<R> {
    return this.transform('Map', new SimpleOperatorFactory(() => new StreamMap(mapper)));
  }
  flatMap<R>(flatMapper: FlatMapFunction<T, R>): SingleOutputStreamOperator<R> {
    return this.transform('Flat Map', new SimpleOperatorFactory(() => new StreamFlatMap(flatMapper)));
  }
  filter(filter: FilterFunction<T>): SingleOutputStreamOperator<T> {
    return this.transform('Filter', new SimpleOperatorFactory(() => new StreamFilter(filter)));
  }
  process<R>(fn: ProcessFunctionLike<T, R>): SingleOutputStreamOperator<R> {
    return this.transform('Process', new SimpleOperatorFactory(() => new ProcessOperator(fn)));
  }

  /**
   * Windows over the whole stream. As in Flink, all elements go to one key and the window
   * operator runs with parallelism 1.
   */
  windowAll<W extends Window>(assigner: WindowAssigner<T, W>): AllWindowedStream<T, W> {
    return new AllWindowedStream(new KeyedStream<T, number>(this.environment, this.transformation, () => 0), assigner);
  }
  countWindowAll(size: number, slide?: number): AllWindowedStream<T, GlobalWindow> {
    return new AllWindowedStream<T, GlobalWindow>(new KeyedStream<T, number>(this.environment, this.transformation, () => 0), GlobalWindows.create()).applyCount(
      size,
      slide,
    );
  }

  /** Stamps records and generates watermarks with `strategy` (Flink's TimestampsAndWatermarksOperator), chained to its input. */
  assignTimestampsAndWatermarks(strategy: WatermarkStrategy<T>): SingleOutputStreamOperator<T> {
    const environment = this.environment;
    return this.transform(
      'Timestamps/Watermarks',
      new SimpleOperatorFactory(() => new TimestampsAndWatermarksOperator(strategy, () => environment.getAutoWatermarkInterval())),
    );
  }

  keyBy<K>(keySelector: KeySelector<T, K>): KeyedStream<T, K> {
    return new KeyedStream(this.environment, this.transformation, toKeySelector(keySelector));
  }
  union(...others: DataStream<T>[]): DataStream<T> {
    const inputs = [this.transformation, ...others.map((o) => o.transformation)];
    return new DataStream(this.environment, new UnionTransformation(this.environment.newId(), inputs));
  }
  /**
   * With a DataStream: both streams, to be processed by one co-function. With a BroadcastStream
   * (from `broadcast(...descriptors)`): this stream and the broadcast one, for a (Keyed)BroadcastProcessFunction.
   */
  connect<R>(other: BroadcastStream<R>): BroadcastConnectedStream<T, R>;
  connect<R>(other: DataStream<R>): ConnectedStreams<T, R>;
  connect<R>(other: DataStream<R> | BroadcastStream<R>): ConnectedStreams<T, R> | BroadcastConnectedStream<T, R> {
    if (other instanceof BroadcastStream) {
      const keySelector = this instanceof KeyedStream ? (this as KeyedStream<T, unknown>).getKeySelector() : undefined;
      return new BroadcastConnectedStream<T, R>(this.environment, this, keySelector, other, (name, factory, k1, broadcast) =>
        this.addTwoInput(name, broadcast.getTransformation(), factory, k1),
      );
    }
    return new ConnectedStreams(this.environment, this, other);
  }
  /** A window join with `other`: `.where(k1).equalTo(k2).window(assigner).apply(joinFunction)`. */
  join<T2>(other: DataStream<T2>): JoinedStreams<T, T2> {
    return new JoinedStreams(this, other);
  }
  /** A windowed coGroup with `other`: `.where(k1).equalTo(k2).window(assigner).apply(coGroupFunction)`. */
  coGroup<T2>(other: DataStream<T2>): CoGroupedStreams<T, T2> {
    return new CoGroupedStreams(this, other);
  }

  rebalance(): DataStream<T> {
    return this.partition(new RebalancePartitioner());
  }
  rescale(): DataStream<T> {
    return this.partition(new RescalePartitioner());
  }
  shuffle(): DataStream<T> {
    return this.partition(new ShufflePartitioner());
  }
  /**
   * Without arguments: sends every record to every parallel instance of the next operator. With
   * MapStateDescriptors: a BroadcastStream whose operator (after `connect`) keeps those broadcast states.
   */
  broadcast(): DataStream<T>;
  broadcast(...descriptors: [MapStateDescriptor<unknown, unknown>, ...MapStateDescriptor<unknown, unknown>[]]): BroadcastStream<T>;
  broadcast(...descriptors: MapStateDescriptor<unknown, unknown>[]): DataStream<T> | BroadcastStream<T> {
    const partitioned = this.partition(new BroadcastPartitioner());
    if (descriptors.length === 0) return partitioned;
    return new BroadcastStream(this.environment, partitioned.transformation, descriptors);
  }
  global(): DataStream<T> {
    return this.partition(new GlobalPartitioner());
  }
  forward(): DataStream<T> {
    return this.partition(new ForwardPartitioner());
  }
  partitionCustom<K>(partitioner: Partitioner<K>, keySelector: KeySelector<T, K>): DataStream<T> {
    return this.partition(new CustomPartitionerWrapper(partitioner, toKeySelector(keySelector)));
  }

  print(sinkIdentifier?: string): DataStreamSink<T> {
    const sink = new PrintSink<T>(sinkIdentifier, false);
    return this.addSinkOperator('Print to Std. Out', new SimpleOperatorFactory(() => new SinkWriterOperator(sink)));
  }
  printToErr(sinkIdentifier?: string): DataStreamSink<T> {
    const sink = new PrintSink<T>(sinkIdentifier, true);
    return this.addSinkOperator('Print to Std. Err', new SimpleOperatorFactory(() => new SinkWriterOperator(sink)));
  }
  sinkTo(sink: Sink<T>): DataStreamSink<T> {
    return this.addSinkOperator(`Sink: ${sink.defaultName}`, new SimpleOperatorFactory(() => new SinkWriterOperator(sink)));
  }
  /** A SinkFunction: a lambda, a RichSinkFunction, or a TwoPhaseCommitSinkFunction for exactly-once output. */
  addSink(sinkFunction: SinkFunction<T> | TwoPhaseCommitSinkFunction<T, unknown, unknown>): DataStreamSink<T> {
    return this.addSinkOperator('Sink: Unnamed', new SimpleOperatorFactory(() => new SinkFunctionOperator(sinkFunction)));
  }

  /**
   * Runs the job and returns what reached this stream (Flink's `executeAndCollect`). With a limit
   * the job is canceled once that many records arrived, so it also works on unbounded streams.
   */
  async executeAndCollect(jobNameOrLimit?: string | number, limit?: number): Promise<T[]> {
    const jobName = typeof jobNameOrLimit === 'string' ? jobNameOrLimit : undefined;
    const max = typeof jobNameOrLimit === 'number' ? jobNameOrLimit : limit;
    if (max !== undefined && (!Number.isInteger(max) || max < 1)) {
      throw new TypeError(`Invalid collect limit ${max}: expected an integer >= 1.`);
    }
    const sink = new CollectSink<T>(max);
    const sinkStream = this.addSinkOperator('Sink: Collect Sink', new SimpleOperatorFactory(() => new SinkWriterOperator(sink)));
    const client = await this.environment.executeAsync(jobName);
    const operatorId = this.environment.lastOperatorIdOf(sinkStream.getTransformation().id);
    const finished = client.getJobExecutionResult();
    // Rejections are observed below; this keeps an early rejection from going unhandled meanwhile.
    finished.catch(() => undefined);
    const collected = (await client.getCollectedResults(operatorId, max)) as T[];
    if (max !== undefined && collected.length >= max) {
      await client.cancel();
      await finished.catch(() => undefined);
      return collected.slice(0, max);
    }
    await finished;
    return collected;
  }

  protected transform<R>(name: string, factory: StreamOperatorFactory, keySelector?: (value: T) => unknown): SingleOutputStreamOperator<R> {
    const t = new OneInputTransformation<T, R>(this.environment.newId(), name, this.transformation, factory, keySelector);
    this.environment.addOperator(t);
    return new SingleOutputStreamOperator(this.environment, t);
  }

  protected partition(partitioner: StreamPartitioner<T>): DataStream<T> {
    return new DataStream(this.environment, new PartitionTransformation(this.environment.newId(), this.transformation, partitioner));
  }

  /** A two-input operator with this stream as input 1 (the broadcast-connected streams add theirs here). */
  private addTwoInput<IN2, R>(
    name: string,
    input2: Transformation<IN2>,
    factory: StreamOperatorFactory,
    keySelector1: ((value: T) => unknown) | undefined,
  ): SingleOutputStreamOperator<R> {
    const t = new TwoInputTransformation<T, IN2, R>(this.environment.newId(), name, this.transformation, input2, factory, keySelector1, undefined);
    this.environment.addOperator(t);
    return new SingleOutputStreamOperator(this.environment, t);
  }

  private addSinkOperator(name: string, factory: StreamOperatorFactory): DataStreamSink<T> {
    const keySelector = this instanceof KeyedStream ? (this as KeyedStream<T, unknown>).getKeySelector() : undefined;
    const t = new OneInputTransformation<T, never>(this.environment.newId(), name, this.transformation, factory, keySelector, true);
    this.environment.addOperator(t);
    return new DataStreamSink(t);
  }
}

export class SingleOutputStreamOperator<T> extends DataStream<T> {
  name(name: string): this {
    this.transformation.name = name;
    return this;
  }
  getName(): string {
    return this.transformation.name;
  }
  uid(uid: string): this {
    if (uid.length === 0) throw new TypeError('The uid must not be empty.');
    this.transformation.uid = uid;
    return this;
  }
  setParallelism(parallelism: number): this {
    checkParallelism(parallelism, `operator '${this.transformation.name}'`);
    this.transformation.parallelism = parallelism;
    return this;
  }
  setMaxParallelism(maxParallelism: number): this {
    checkMaxParallelism(maxParallelism, `operator '${this.transformation.name}'`);
    this.transformation.maxParallelism = maxParallelism;
    return this;
  }
  slotSharingGroup(group: string): this {
    if (group.length === 0) throw new TypeError('The slot sharing group name must not be empty.');
    this.transformation.slotSharingGroup = group;
    return this;
  }
  disableChaining(): this {
    this.transformation.chainingStrategy = 'NEVER';
    return this;
  }
  startNewChain(): this {
    this.transformation.chainingStrategy = 'HEAD';
    return this;
  }
  setBufferTimeout(timeoutMillis: number): this {
    this.transformation.bufferTimeout = timeoutMillis;
    return this;
  }
  /** The records a process function emitted with `ctx.output(tag, value)`. */
  getSideOutput<X>(tag: OutputTag<X>): DataStream<X> {
    return new DataStream(this.environment, new SideOutputTransformation<X>(this.environment.newId(), this.transformation, tag));
  }
}

export class DataStreamSource<T> extends SingleOutputStreamOperator<T> {
  constructor(
    environment: StreamExecutionEnvironment,
    transformation: Transformation<T>,
    private readonly nonParallel: boolean,
  ) {
    super(environment, transformation);
    environment.addOperator(transformation);
  }
  override setParallelism(parallelism: number): this {
    if (this.nonParallel && parallelism !== 1) {
      throw new TypeError(`The parallelism of non parallel operator must be 1 ('${this.transformation.name}' was given ${parallelism}).`);
    }
    return super.setParallelism(parallelism);
  }
}

export class DataStreamSink<T> {
  constructor(private readonly transformation: Transformation<T>) {}
  /** @internal */
  getTransformation(): Transformation<T> {
    return this.transformation;
  }
  name(name: string): this {
    this.transformation.name = name;
    return this;
  }
  uid(uid: string): this {
    this.transformation.uid = uid;
    return this;
  }
  setParallelism(parallelism: number): this {
    checkParallelism(parallelism, `sink '${this.transformation.name}'`);
    this.transformation.parallelism = parallelism;
    return this;
  }
  setMaxParallelism(maxParallelism: number): this {
    checkMaxParallelism(maxParallelism, `sink '${this.transformation.name}'`);
    this.transformation.maxParallelism = maxParallelism;
    return this;
  }
  slotSharingGroup(group: string): this {
    this.transformation.slotSharingGroup = group;
    return this;
  }
  disableChaining(): this {
    this.transformation.chainingStrategy = 'NEVER';
    return this;
  }
  startNewChain(): this {
    this.transformation.chainingStrategy = 'HEAD';
    return this;
  }
}

/** A stream partitioned by key: reductions and keyed process functions see one key at a time. */
export class KeyedStream<T, K> extends DataStream<T> {
  private readonly keySelector: (value: T) => K;

  constructor(environment: StreamExecutionEnvironment, input: Transformation<T>, keySelector: (value: T) => K) {
    super(environment, new PartitionTransformation(environment.newId(), input, new KeyGroupStreamPartitioner(keySelector)));
    this.keySelector = keySelector;
  }

  getKeySelector(): (value: T) => K {
    return this.keySelector;
  }

  override map<R>(mapper: MapFunction<T, R>): SingleOutputStreamOperator<R> {
    return this.transform('Map', new SimpleOperatorFactory(() => new StreamMap(mapper)), this.keySelector);
  }
  override flatMap<R>(flatMapper: FlatMapFunction<T, R>): SingleOutputStreamOperator<R> {
    return this.transform('Flat Map', new SimpleOperatorFactory(() => new StreamFlatMap(flatMapper)), this.keySelector);
  }
  override filter(filter: FilterFunction<T>): SingleOutputStreamOperator<T> {
    return this.transform('Filter', new SimpleOperatorFactory(() => new StreamFilter(filter)), this.keySelector);
  }
  override process<R>(fn: ProcessFunctionLike<T, R, KeyedProcessContext<K>> | ProcessFunctionLike<T, R>): SingleOutputStreamOperator<R> {
    const selector = this.keySelector;
    return this.transform('KeyedProcess', new SimpleOperatorFactory(() => new ProcessOperator<T, R>(fn as ProcessFunctionLike<T, R>, selector)), selector);
  }

  reduce(reducer: ReduceFunction<T>): SingleOutputStreamOperator<T> {
    const selector = this.keySelector;
    return this.transform('Keyed Reduce', new SimpleOperatorFactory(() => new StreamGroupedReduce(reducer, selector)), selector);
  }
  sum(field: FieldExpression): SingleOutputStreamOperator<T> {
    return this.aggregate('SUM', field);
  }
  min(field: FieldExpression): SingleOutputStreamOperator<T> {
    return this.aggregate('MIN', field);
  }
  max(field: FieldExpression): SingleOutputStreamOperator<T> {
    return this.aggregate('MAX', field);
  }
  minBy(field: FieldExpression): SingleOutputStreamOperator<T> {
    return this.aggregate('MINBY', field);
  }
  maxBy(field: FieldExpression): SingleOutputStreamOperator<T> {
    return this.aggregate('MAXBY', field);
  }

  window<W extends Window>(assigner: WindowAssigner<T, W>): WindowedStream<T, K, W> {
    return new WindowedStream(this, assigner);
  }
  /**
   * `countWindow(n)`: every n elements of a key, then purged; `countWindow(n, s)`: the last n
   * elements every s elements (Flink's global window + count trigger/evictor).
   */
  countWindow(size: number, slide?: number): WindowedStream<T, K, GlobalWindow> {
    const windowed = this.window(GlobalWindows.create());
    if (slide === undefined) return windowed.trigger(PurgingTrigger.of(CountTrigger.of(size)));
    return windowed.evictor(CountEvictor.of(size)).trigger(CountTrigger.of(slide));
  }

  /** An interval join with another keyed stream: `.between(lowerMs, upperMs).process(processJoinFunction)`. */
  intervalJoin<T2>(other: KeyedStream<T2, K>): IntervalJoin<T, T2, K> {
    checkKeyed(other);
    return new IntervalJoin(this, other);
  }

  /** Adds a keyed one-input operator (for the windowed streams). */
  transformKeyed<R>(name: string, factory: StreamOperatorFactory): SingleOutputStreamOperator<R> {
    return this.transform(name, factory, this.keySelector);
  }

  private aggregate(type: AggregationType, field: FieldExpression): SingleOutputStreamOperator<T> {
    const reducer = aggregationReducer<T>(type, field);
    const inPlace = aggregationMergeInPlace<T>(type, field);
    const selector = this.keySelector;
    return this.transform('Keyed Aggregation', new SimpleOperatorFactory(() => new StreamGroupedReduce(reducer, selector, inPlace)), selector);
  }
}

/**
 * A keyed stream cut into windows (Flink's WindowedStream): set the trigger, evictor, lateness and
 * late-data side output, then reduce, aggregate or process each window.
 */
export class WindowedStream<T, K, W extends Window> {
  private readonly builder: WindowOperatorBuilder<T, K, W>;

  constructor(
    private readonly input: KeyedStream<T, K>,
    assigner: WindowAssigner<T, W>,
  ) {
    this.builder = new WindowOperatorBuilder(assigner, input.getKeySelector());
  }

  trigger(trigger: Trigger<T, W>): this {
    this.builder.trigger = trigger;
    return this;
  }
  evictor(evictor: Evictor<T, W>): this {
    this.builder.evictor = evictor;
    return this;
  }
  /** How long after the watermark passes a window's end its state is kept for late elements (ms). */
  allowedLateness(lateness: number): this {
    if (!(lateness >= 0)) throw new RangeError('The allowed lateness cannot be negative.');
    this.builder.allowedLateness = lateness;
    return this;
  }
  /** Elements dropped as late go to this side output (read it with `getSideOutput` on the result). */
  sideOutputLateData(tag: OutputTag<T>): this {
    this.builder.lateDataOutputTag = tag;
    return this;
  }

  reduce(reducer: ReduceFunction<T>): SingleOutputStreamOperator<T>;
  reduce<R>(reducer: ReduceFunction<T>, fn: ProcessWindowFunctionLike<T, R, K, W>): SingleOutputStreamOperator<R>;
  reduce<R>(reducer: ReduceFunction<T>, fn?: ProcessWindowFunctionLike<T, R, K, W>): SingleOutputStreamOperator<R> {
    return this.input.transformKeyed('Window(Reduce)', new SimpleOperatorFactory(this.builder.reduce(reducer, fn)));
  }
  aggregate<ACC, R>(aggregate: AggregateFunction<T, ACC, R>): SingleOutputStreamOperator<R>;
  aggregate<ACC, V, R>(aggregate: AggregateFunction<T, ACC, V>, fn: ProcessWindowFunctionLike<V, R, K, W>): SingleOutputStreamOperator<R>;
  aggregate<ACC, V, R>(aggregate: AggregateFunction<T, ACC, V>, fn?: ProcessWindowFunctionLike<V, R, K, W>): SingleOutputStreamOperator<R> {
    return this.input.transformKeyed('Window(Aggregate)', new SimpleOperatorFactory(this.builder.aggregate(aggregate, fn)));
  }
  process<R>(fn: ProcessWindowFunctionLike<T, R, K, W>): SingleOutputStreamOperator<R> {
    return this.input.transformKeyed('Window(Process)', new SimpleOperatorFactory(this.builder.process(fn)));
  }

  /** Per window, the first element with the field summed over the window (as `KeyedStream.sum`). */
  sum(field: FieldExpression): SingleOutputStreamOperator<T> {
    return this.reduce(aggregationReducer<T>('SUM', field));
  }
  min(field: FieldExpression): SingleOutputStreamOperator<T> {
    return this.reduce(aggregationReducer<T>('MIN', field));
  }
  max(field: FieldExpression): SingleOutputStreamOperator<T> {
    return this.reduce(aggregationReducer<T>('MAX', field));
  }
  /** Per window, the element with the smallest field value (the first one on ties). */
  minBy(field: FieldExpression): SingleOutputStreamOperator<T> {
    return this.reduce(aggregationReducer<T>('MINBY', field));
  }
  /** Per window, the element with the largest field value (the first one on ties). */
  maxBy(field: FieldExpression): SingleOutputStreamOperator<T> {
    return this.reduce(aggregationReducer<T>('MAXBY', field));
  }
}

/**
 * Windows over a whole stream (Flink's AllWindowedStream): one key, and the operator is forced to
 * parallelism and max parallelism 1 (Flink's forceNonParallel) — every element meets in one instance.
 */
export class AllWindowedStream<T, W extends Window> {
  private readonly windowed: WindowedStream<T, number, W>;

  constructor(input: KeyedStream<T, number>, assigner: WindowAssigner<T, W>) {
    this.windowed = new WindowedStream(input, assigner);
  }

  /** @internal countWindowAll's trigger/evictor setup. */
  applyCount(size: number, slide: number | undefined): this {
    if (slide === undefined) {
      this.windowed.trigger(PurgingTrigger.of(CountTrigger.of(size)));
    } else {
      this.windowed.evictor(CountEvictor.of(size)).trigger(CountTrigger.of(slide));
    }
    return this;
  }
  trigger(trigger: Trigger<T, W>): this {
    this.windowed.trigger(trigger);
    return this;
  }
  evictor(evictor: Evictor<T, W>): this {
    this.windowed.evictor(evictor);
    return this;
  }
  allowedLateness(lateness: number): this {
    this.windowed.allowedLateness(lateness);
    return this;
  }
  sideOutputLateData(tag: OutputTag<T>): this {
    this.windowed.sideOutputLateData(tag);
    return this;
  }

  reduce(reducer: ReduceFunction<T>): SingleOutputStreamOperator<T>;
  reduce<R>(reducer: ReduceFunction<T>, fn: ProcessAllWindowFunctionLike<T, R, W>): SingleOutputStreamOperator<R>;
  reduce<R>(reducer: ReduceFunction<T>, fn?: ProcessAllWindowFunctionLike<T, R, W>): SingleOutputStreamOperator<R> {
    const result = fn === undefined ? this.windowed.reduce(reducer) : this.windowed.reduce(reducer, dropKey(fn));
    return result.setParallelism(1).setMaxParallelism(1) as SingleOutputStreamOperator<R>;
  }
  aggregate<ACC, R>(aggregate: AggregateFunction<T, ACC, R>): SingleOutputStreamOperator<R>;
  aggregate<ACC, V, R>(aggregate: AggregateFunction<T, ACC, V>, fn: ProcessAllWindowFunctionLike<V, R, W>): SingleOutputStreamOperator<R>;
  aggregate<ACC, V, R>(aggregate: AggregateFunction<T, ACC, V>, fn?: ProcessAllWindowFunctionLike<V, R, W>): SingleOutputStreamOperator<R> {
    const result = fn === undefined ? this.windowed.aggregate(aggregate) : this.windowed.aggregate(aggregate, dropKey(fn));
    return result.setParallelism(1).setMaxParallelism(1) as SingleOutputStreamOperator<R>;
  }
  process<R>(fn: ProcessAllWindowFunctionLike<T, R, W>): SingleOutputStreamOperator<R> {
    return this.windowed.process(dropKey(fn)).setParallelism(1).setMaxParallelism(1);
  }
  sum(field: FieldExpression): SingleOutputStreamOperator<T> {
    return this.reduce(aggregationReducer<T>('SUM', field));
  }
  min(field: FieldExpression): SingleOutputStreamOperator<T> {
    return this.reduce(aggregationReducer<T>('MIN', field));
  }
  max(field: FieldExpression): SingleOutputStreamOperator<T> {
    return this.reduce(aggregationReducer<T>('MAX', field));
  }
  minBy(field: FieldExpression): SingleOutputStreamOperator<T> {
    return this.reduce(aggregationReducer<T>('MINBY', field));
  }
  maxBy(field: FieldExpression): SingleOutputStreamOperator<T> {
    return this.reduce(aggregationReducer<T>('MAXBY', field));
  }
}

/** Adapts an all-window function to the keyed operator; a rich function keeps its lifecycle. */
function dropKey<IN, OUT, W extends Window>(fn: ProcessAllWindowFunctionLike<IN, OUT, W>): ProcessWindowFunctionLike<IN, OUT, number, W> {
  if (typeof fn === 'function') return (_key, ctx, elements, out) => fn(ctx, elements, out);
  return Object.assign(Object.create(fn) as object, {
    process: (_key: number, ctx: Parameters<typeof fn.process>[0], elements: Iterable<IN>, out: Parameters<typeof fn.process>[2]) =>
      fn.process(ctx, elements, out),
    clear: (ctx: Parameters<typeof fn.clear>[0]) => {
      fn.clear(ctx);
    },
  }) as unknown as ProcessWindowFunctionLike<IN, OUT, number, W>;
}

/** Two streams of possibly different types, processed by one co-function (Flink's ConnectedStreams). */
export class ConnectedStreams<IN1, IN2> {
  constructor(
    private readonly environment: StreamExecutionEnvironment,
    private readonly first: DataStream<IN1>,
    private readonly second: DataStream<IN2>,
  ) {}

  getFirstInput(): DataStream<IN1> {
    return this.first;
  }
  getSecondInput(): DataStream<IN2> {
    return this.second;
  }

  keyBy<K1, K2>(keySelector1: KeySelector<IN1, K1>, keySelector2: KeySelector<IN2, K2>): ConnectedStreams<IN1, IN2> {
    return new ConnectedStreams(this.environment, this.first.keyBy(keySelector1), this.second.keyBy(keySelector2));
  }

  map<R>(fn: CoMapFunction<IN1, IN2, R>): SingleOutputStreamOperator<R> {
    return this.transform('Co-Map', new SimpleOperatorFactory(() => new CoStreamMap(fn)));
  }
  flatMap<R>(fn: CoFlatMapFunction<IN1, IN2, R>): SingleOutputStreamOperator<R> {
    return this.transform('Co-Flat Map', new SimpleOperatorFactory(() => new CoStreamFlatMap(fn)));
  }
  /**
   * A KeyedCoProcessFunction needs both inputs keyed (`keyBy(k1, k2)` first); it and a
   * CoProcessFunction on keyed inputs get the key's state and timers. A CoProcessFunction on
   * non-keyed inputs has neither.
   */
  process<K, R>(fn: KeyedCoProcessFunction<K, IN1, IN2, R>): SingleOutputStreamOperator<R>;
  process<R>(fn: CoProcessFunction<IN1, IN2, R>): SingleOutputStreamOperator<R>;
  process<R>(fn: KeyedCoProcessFunction<unknown, IN1, IN2, R> | CoProcessFunction<IN1, IN2, R>): SingleOutputStreamOperator<R> {
    const keyed = this.first instanceof KeyedStream && this.second instanceof KeyedStream;
    if (keyed) {
      const name = fn instanceof CoProcessFunction ? 'Co-Process' : 'Co-Keyed-Process';
      return this.transform(name, new SimpleOperatorFactory(() => new KeyedCoProcessOperator(fn)));
    }
    if (fn instanceof KeyedCoProcessFunction) {
      throw new TypeError(
        'A KeyedCoProcessFunction can only be used when both input streams are of type KeyedStream: ' +
          'call keyBy(keySelector1, keySelector2) on the connected streams first.',
      );
    }
    return this.transform('Co-Process', new SimpleOperatorFactory(() => new CoProcessOperator(fn)));
  }

  /** Adds a two-input operator; keyed inputs give it their key selectors (Flink's ConnectedStreams.transform). */
  transform<R>(name: string, factory: StreamOperatorFactory): SingleOutputStreamOperator<R> {
    const k1 = this.first instanceof KeyedStream ? (this.first as KeyedStream<IN1, unknown>).getKeySelector() : undefined;
    const k2 = this.second instanceof KeyedStream ? (this.second as KeyedStream<IN2, unknown>).getKeySelector() : undefined;
    const t = new TwoInputTransformation<IN1, IN2, R>(
      this.environment.newId(),
      name,
      this.first.getTransformation(),
      this.second.getTransformation(),
      factory,
      k1,
      k2,
    );
    this.environment.addOperator(t);
    return new SingleOutputStreamOperator(this.environment, t);
  }
}

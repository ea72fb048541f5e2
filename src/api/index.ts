/**
 * The DataStream API that jobs import from 'flink-ts'.
 *
 * ```ts
 * import { StreamExecutionEnvironment } from 'flink-ts';
 * const env = StreamExecutionEnvironment.getExecutionEnvironment();
 * env.fromElements('a b', 'b c').flatMap((line: string, out) => line.split(' ').forEach((w) => out.collect(w))).print();
 * await env.execute('words');
 * ```
 */
export { StreamExecutionEnvironment } from './environment/stream-execution-environment.js';
export { JobExecutionResult, DetachedJobExecutionResult, JobExecutionException } from './environment/job-execution-result.js';
export type { JobClient, JobStatus } from './environment/job-client.js';
export {
  DataStream,
  SingleOutputStreamOperator,
  DataStreamSource,
  DataStreamSink,
  KeyedStream,
  ConnectedStreams,
  WindowedStream,
  AllWindowedStream,
} from './datastream/data-stream.js';
export { JoinedStreams, JoinedStreamsWhere, JoinedStreamsEqualTo, JoinedStreamsWithWindow } from './datastream/joined-streams.js';
export { CoGroupedStreams, CoGroupedStreamsWhere, CoGroupedStreamsEqualTo, CoGroupedStreamsWithWindow } from './datastream/co-grouped-streams.js';
export { IntervalJoin, IntervalJoined } from './datastream/interval-join.js';
export type { TaggedUnion } from './operators/co-group-window-function.js';
export { RichJoinFunction, RichFlatJoinFunction, RichCoGroupFunction, ProcessJoinFunction } from './functions/join-functions.js';
export type { JoinFunction, FlatJoinFunction, CoGroupFunction, ProcessJoinContext, ProcessJoinFunctionLike } from './functions/join-functions.js';
export { BroadcastStream } from './datastream/broadcast-stream.js';
export { BroadcastConnectedStream } from './datastream/broadcast-connected-stream.js';
export type { Window } from './windowing/window.js';
export { TimeWindow } from './windowing/time-window.js';
export { GlobalWindow } from './windowing/global-window.js';
export { WindowAssigner, MergingWindowAssigner } from './windowing/window-assigner.js';
export type { WindowAssignerContext } from './windowing/window-assigner.js';
export { TumblingEventTimeWindows } from './windowing/tumbling-event-time-windows.js';
export { SlidingEventTimeWindows } from './windowing/sliding-event-time-windows.js';
export { EventTimeSessionWindows } from './windowing/event-time-session-windows.js';
export { TumblingProcessingTimeWindows } from './windowing/tumbling-processing-time-windows.js';
export { SlidingProcessingTimeWindows } from './windowing/sliding-processing-time-windows.js';
export { ProcessingTimeSessionWindows } from './windowing/processing-time-session-windows.js';
export type { SessionWindowTimeGapExtractor } from './windowing/session-window-time-gap-extractor.js';
export { GlobalWindows } from './windowing/global-windows.js';
export { Trigger, TriggerResult } from './windowing/trigger.js';
export type { TriggerContext, OnMergeContext, TriggerState } from './windowing/trigger.js';
export { EventTimeTrigger } from './windowing/event-time-trigger.js';
export { ProcessingTimeTrigger } from './windowing/processing-time-trigger.js';
export { CountTrigger } from './windowing/count-trigger.js';
export { PurgingTrigger } from './windowing/purging-trigger.js';
export { ContinuousEventTimeTrigger } from './windowing/continuous-event-time-trigger.js';
export { DeltaTrigger } from './windowing/delta-trigger.js';
export type { DeltaFunction } from './windowing/delta-function.js';
export type { Evictor, EvictorContext, TimestampedValue } from './windowing/evictor.js';
export { CountEvictor } from './windowing/count-evictor.js';
export { TimeEvictor } from './windowing/time-evictor.js';
export { ProcessWindowFunction, ProcessAllWindowFunction } from './windowing/process-window-function.js';
export type {
  ProcessWindowContext,
  ProcessWindowFunctionLike,
  ProcessAllWindowFunctionLike,
} from './windowing/process-window-function.js';
export type {
  MapFunction,
  FlatMapFunction,
  FilterFunction,
  ReduceFunction,
  KeySelector,
  CoMapFunction,
  CoFlatMapFunction,
  SinkFunction,
  SinkContext,
  Partitioner,
} from './functions/function-types.js';
export {
  AbstractRichFunction,
  RichMapFunction,
  RichFlatMapFunction,
  RichFilterFunction,
  RichReduceFunction,
  RichSinkFunction,
  RichCoMapFunction,
  RichCoFlatMapFunction,
} from './functions/rich-function.js';
export { ProcessFunction, KeyedProcessFunction, CoProcessFunction } from './functions/process-function.js';
export { KeyedCoProcessFunction } from './functions/keyed-co-process-function.js';
export { BroadcastProcessFunction } from './functions/broadcast-process-function.js';
export type {
  BaseBroadcastProcessContext,
  BroadcastProcessContext,
  BroadcastProcessReadOnlyContext,
} from './functions/broadcast-process-function.js';
export { KeyedBroadcastProcessFunction } from './functions/keyed-broadcast-process-function.js';
export type {
  KeyedBroadcastProcessContext,
  KeyedBroadcastProcessReadOnlyContext,
  KeyedBroadcastOnTimerContext,
  KeyedStateFunction,
} from './functions/keyed-broadcast-process-function.js';
export type {
  ProcessContext,
  KeyedProcessContext,
  OnTimerContext,
  TimeDomain,
  TimerService,
  ProcessFunctionLike,
} from './functions/process-function.js';
export type {
  State,
  ValueState,
  AppendingState,
  ListState,
  MapState,
  ReducingState,
  AggregatingState,
  ReadOnlyBroadcastState,
  BroadcastState,
  AggregateFunction,
} from './state/state.js';
export {
  StateDescriptor,
  ValueStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  AggregatingStateDescriptor,
} from './state/state-descriptor.js';
export type { StateKind } from './state/state-descriptor.js';
export { StateTtlConfig, StateTtlConfigBuilder } from './state/state-ttl-config.js';
export type { TtlUpdateType, TtlStateVisibility } from './state/state-ttl-config.js';
export type { CheckpointedFunction, CheckpointListener } from './state/checkpointed-function.js';
export type {
  KeyedStateStore,
  OperatorStateStore,
  FunctionInitializationContext,
  FunctionSnapshotContext,
} from './state/state-stores.js';
export type { Collector } from './common/records.js';
export { OutputTag } from './common/output-tag.js';
export { RuntimeContext } from './common/runtime-context.js';
export type { TaskInfo, JobInfo, OpenContext } from './common/runtime-context.js';
export { IntCounter, LongCounter, DoubleCounter } from './common/accumulators.js';
export type { Accumulator } from './common/accumulators.js';
export { WatermarkStrategy } from './common/watermark-strategy.js';
export type { WatermarkGenerator, WatermarkGeneratorContext, WatermarkGeneratorSupplier, TimestampAssigner } from './common/watermarks/watermark-generator.js';
export type { WatermarkOutput } from './common/watermarks/watermark-output.js';
export type { WatermarkStatus } from './common/watermark-status.js';
export { BoundedOutOfOrdernessWatermarks } from './common/watermarks/bounded-out-of-orderness-watermarks.js';
export { AscendingTimestampsWatermarks } from './common/watermarks/ascending-timestamps-watermarks.js';
export { Time } from './common/time.js';
export { ParameterTool } from './utils/parameter-tool.js';
export type { Source, SourceReader, SourceReaderContext, ReaderOutput, InputStatus, Boundedness } from './sources/source.js';
export type { Sink, SinkWriter, SinkWriterContext } from './sinks/sink.js';
export type { CommittingSinkWriter, Committer, SupportsCommitter } from './sinks/committing-sink.js';
export type { SinkFinishContext } from './sinks/sink-finish-context.js';
export { TwoPhaseCommitSinkFunction } from './functions/two-phase-commit-sink-function.js';
export type { TwoPhaseCommitState } from './functions/two-phase-commit-sink-function.js';
export { DataGeneratorSource } from './sources/datagen/data-generator-source.js';
export type { GeneratorFunction } from './sources/datagen/data-generator-source.js';
export { RateLimiterStrategy } from './sources/datagen/rate-limiter-strategy.js';
export { NumberSequenceSource } from './sources/number-sequence-source.js';
export { TextFileSource } from './sources/text-file-source.js';
export { SocketTextSource } from './sources/socket-text-source.js';
export { CollectionSource } from './sources/collection-source.js';
export { FileSink } from './sinks/file-sink.js';
export type { FileSinkCommittable } from './sinks/file-committer.js';
export { DefaultRollingPolicy, OnCheckpointRollingPolicy } from './sinks/rolling-policy.js';
export { OutputFileConfig } from './sinks/output-file-config.js';
export { DateTimeBucketAssigner, BasePathBucketAssigner } from './sinks/bucket-assigner.js';
export type { BucketAssigner } from './sinks/bucket-assigner.js';
export { PrintSink } from './sinks/print-sink.js';
export { SimpleStringEncoder } from './common/serialization/simple-string-encoder.js';
export type { Encoder } from './common/serialization/encoder.js';

import type { Source } from '../sources/source.js';
import type { StreamGraph } from '../graph/stream-graph.js';
import type { Transformation } from '../transformations/transformation.js';
import type { EnvironmentDefaults, ExecutionContext } from './execution-context.js';
import type { JobClient } from './job-client.js';
import type { RuntimeModeSetting } from '../graph/stream-graph-generator.js';
import type { WatermarkStrategy } from '../common/watermark-strategy.js';
import { SourceTransformation } from '../transformations/transformation.js';
import { SourceOperatorFactory } from '../operators/source-operator.js';
import { generateStreamGraph } from '../graph/stream-graph-generator.js';
import { toExecutionPlan } from '../graph/execution-plan-json.js';
import { CollectionSource } from '../sources/collection-source.js';
import { NumberSequenceSource } from '../sources/number-sequence-source.js';
import { TextFileSource } from '../sources/text-file-source.js';
import { SocketTextSource } from '../sources/socket-text-source.js';
import { DataStreamSource } from '../datastream/data-stream.js';
import { currentExecutionContext } from './execution-context.js';
import { DetachedJobExecutionResult, JobExecutionResult } from './job-execution-result.js';
import { checkParallelism, checkMaxParallelism } from '../datastream/parallelism-checks.js';
import { CheckpointConfig } from './checkpoint-config.js';
import type { CheckpointingMode } from './checkpoint-config.js';

const DEFAULTS: EnvironmentDefaults = {
  parallelism: 1,
  maxParallelism: undefined,
  runtimeMode: 'STREAMING',
  bufferTimeout: 100,
  chainingEnabled: true,
  chainOperatorsWithDifferentMaxParallelism: true,
  autoWatermarkInterval: 200,
};

/**
 * The entry point of a job (Flink's StreamExecutionEnvironment). What `execute()` does depends on
 * where the module runs: the execution context installed by the CLI, by `flink-ts info`, or by a
 * slot worker re-running the module.
 */
export class StreamExecutionEnvironment {
  private transformations: Transformation[] = [];
  private nextId = 1;
  private parallelism: number;
  private maxParallelism: number | undefined;
  private runtimeMode: RuntimeModeSetting;
  private bufferTimeout: number;
  private chainingEnabled: boolean;
  private readonly chainDifferentMaxParallelism: boolean;
  private autoWatermarkInterval: number;
  private executeCount = 0;
  private lastGraph: StreamGraph | undefined;
  private readonly checkpointConfig = new CheckpointConfig();

  private constructor(private readonly context: ExecutionContext | undefined) {
    const d = context?.defaults ?? DEFAULTS;
    this.parallelism = d.parallelism;
    this.maxParallelism = d.maxParallelism;
    this.runtimeMode = d.runtimeMode;
    this.bufferTimeout = d.bufferTimeout;
    this.chainingEnabled = d.chainingEnabled;
    this.chainDifferentMaxParallelism = d.chainOperatorsWithDifferentMaxParallelism;
    this.autoWatermarkInterval = d.autoWatermarkInterval ?? 200;
  }

  /** The environment of the context the module runs in (the CLI, `info`, or a slot worker). */
  static getExecutionEnvironment(): StreamExecutionEnvironment {
    return new StreamExecutionEnvironment(currentExecutionContext());
  }

  setParallelism(parallelism: number): this {
    checkParallelism(parallelism, 'the environment');
    this.parallelism = parallelism;
    return this;
  }
  getParallelism(): number {
    return this.parallelism;
  }
  setMaxParallelism(maxParallelism: number): this {
    checkMaxParallelism(maxParallelism, 'the environment');
    this.maxParallelism = maxParallelism;
    return this;
  }
  getMaxParallelism(): number {
    return this.maxParallelism ?? -1;
  }
  setRuntimeMode(mode: RuntimeModeSetting): this {
    const normalized = (mode as string).toUpperCase();
    if (normalized !== 'STREAMING' && normalized !== 'BATCH' && normalized !== 'AUTOMATIC') {
      throw new TypeError(`Unknown runtime mode '${mode as string}': expected STREAMING, BATCH or AUTOMATIC.`);
    }
    this.runtimeMode = normalized;
    return this;
  }
  /** Milliseconds: 0 flushes after every record, -1 only when a buffer is full. */
  setBufferTimeout(timeoutMillis: number): this {
    if (!Number.isInteger(timeoutMillis) || timeoutMillis < -1) {
      throw new TypeError(`Invalid buffer timeout ${timeoutMillis}: expected -1, 0 or a positive number of milliseconds.`);
    }
    this.bufferTimeout = timeoutMillis;
    return this;
  }
  getBufferTimeout(): number {
    return this.bufferTimeout;
  }
  /** Checkpoints every `intervalMs` (Flink's `enableCheckpointing`); the mode defaults to EXACTLY_ONCE. */
  enableCheckpointing(intervalMs: number, mode?: CheckpointingMode): this {
    this.checkpointConfig.setCheckpointInterval(intervalMs);
    if (mode !== undefined) this.checkpointConfig.setCheckpointingMode(mode);
    return this;
  }
  getCheckpointConfig(): CheckpointConfig {
    return this.checkpointConfig;
  }
  /** Milliseconds between periodic watermark emissions (`pipeline.auto-watermark-interval`); 0 disables them. */
  setAutoWatermarkInterval(intervalMs: number): this {
    if (!Number.isInteger(intervalMs) || intervalMs < 0) {
      throw new TypeError(`Invalid auto-watermark interval ${intervalMs}: expected 0 or a positive number of milliseconds.`);
    }
    this.autoWatermarkInterval = intervalMs;
    return this;
  }
  getAutoWatermarkInterval(): number {
    return this.autoWatermarkInterval;
  }
  disableOperatorChaining(): this {
    this.chainingEnabled = false;
    return this;
  }
  isChainingEnabled(): boolean {
    return this.chainingEnabled;
  }
  /** The job's arguments, as ParameterTool.fromArgs() sees them. */
  getArgs(): readonly string[] {
    return this.context?.args ?? process.argv.slice(2);
  }

  // ---- sources ----

  fromElements<T>(...elements: T[]): DataStreamSource<T> {
    return this.fromSource(new CollectionSource(elements), undefined, 'Collection Source');
  }
  fromCollection<T>(collection: Iterable<T>): DataStreamSource<T> {
    return this.fromSource(new CollectionSource([...collection]), undefined, 'Collection Source');
  }
  fromSequence(from: number, to: number): DataStreamSource<number> {
    return this.fromSource(new NumberSequenceSource(from, to), undefined, 'Sequence Source');
  }
  readTextFile(path: string): DataStreamSource<string> {
    return this.fromSource(new TextFileSource(path), undefined, 'File Source');
  }
  socketTextStream(hostname: string, port: number, delimiter = '\n', maxRetry = 0): DataStreamSource<string> {
    return this.fromSource(new SocketTextSource(hostname, port, delimiter, maxRetry), undefined, 'Socket Stream');
  }
  fromSource<T>(source: Source<T>, watermarkStrategy?: WatermarkStrategy<T>, sourceName?: string): DataStreamSource<T> {
    const name = `Source: ${sourceName ?? source.defaultName}`;
    // The interval is read when the operator opens, so a later setAutoWatermarkInterval still counts.
    const factory = new SourceOperatorFactory(source, watermarkStrategy, () => this.autoWatermarkInterval);
    const t = new SourceTransformation(this.newId(), name, source, factory);
    return new DataStreamSource(this, t, source.maxParallelism === 1);
  }

  // ---- execution ----

  /** Runs the job and, when attached, waits for its result (Flink's `execute(jobName)`). */
  async execute(jobName?: string): Promise<JobExecutionResult> {
    const client = await this.executeAsync(jobName);
    if (this.context !== undefined && !this.context.attached) return new DetachedJobExecutionResult(client.jobId);
    return client.getJobExecutionResult();
  }

  /** Submits the job and returns at once with a handle on it. */
  async executeAsync(jobName?: string): Promise<JobClient> {
    const graph = this.getStreamGraph(jobName);
    const context = this.context;
    if (context === undefined) {
      throw new Error(
        'This program was not started by flink-ts, so it has nowhere to execute. Run it with `flink-ts run <job file> [args]`.',
      );
    }
    return context.executePipeline(graph);
  }

  /** Builds the StreamGraph of what has been defined so far and starts a new, empty pipeline. */
  getStreamGraph(jobName?: string): StreamGraph {
    const graph = generateStreamGraph(this.transformations, {
      jobName: jobName ?? 'Flink Streaming Job',
      parallelism: this.parallelism,
      maxParallelism: this.maxParallelism,
      runtimeMode: this.runtimeMode,
      bufferTimeout: this.bufferTimeout,
      chainingEnabled: this.chainingEnabled,
      chainOperatorsWithDifferentMaxParallelism: this.chainDifferentMaxParallelism,
      executeIndex: this.executeCount++,
      jobConfiguration: Object.fromEntries(this.checkpointConfig.entries),
    });
    this.transformations = [];
    this.lastGraph = graph;
    return graph;
  }

  /** @internal The operator id a transformation got in the graph of the last `execute()`. */
  lastOperatorIdOf(transformationId: number): string {
    const node = this.lastGraph?.nodes.get(transformationId);
    if (node === undefined) throw new Error(`Operator ${transformationId} is not part of the last executed job.`);
    return node.operatorId;
  }

  /** The plan JSON Flink prints for `getExecutionPlan()`, without clearing the pipeline. */
  getExecutionPlan(): string {
    const graph = generateStreamGraph(this.transformations, {
      jobName: 'Flink Streaming Job',
      parallelism: this.parallelism,
      maxParallelism: this.maxParallelism,
      runtimeMode: this.runtimeMode,
      bufferTimeout: this.bufferTimeout,
      chainingEnabled: this.chainingEnabled,
      chainOperatorsWithDifferentMaxParallelism: this.chainDifferentMaxParallelism,
      executeIndex: this.executeCount,
      jobConfiguration: {},
    });
    return JSON.stringify(toExecutionPlan(graph), null, 2);
  }

  // ---- used by the DataStream classes ----

  /** @internal */
  newId(): number {
    return this.nextId++;
  }
  /** @internal Registers a transformation that must be part of the graph even if nothing consumes it. */
  addOperator(t: Transformation): void {
    this.transformations.push(t);
  }
}

export { JobExecutionResult };

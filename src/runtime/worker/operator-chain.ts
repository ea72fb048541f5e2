import type { OutputTag } from '../../api/common/output-tag.js';
import type { Output } from '../../api/common/records.js';
import type { WatermarkStatus } from '../../api/common/watermark-status.js';
import type { Accumulator } from '../../api/common/accumulators.js';
import type { StreamGraph, StreamNode } from '../../api/graph/stream-graph.js';
import type { OneInputStreamOperator, OperatorServices, StreamOperator } from '../../api/operators/stream-operator.js';
import type { TaskDeploymentDescriptor } from '../deployment/task-deployment-descriptor.js';
import type { ResultPartition } from '../network/result-partition.js';
import type { KeyedStateBackend } from '../../api/state/operator-state-context.js';
import { RuntimeContext } from '../../api/common/runtime-context.js';
import { RecordWriter } from '../network/record-writer.js';
import { HeapKeyedStateBackend } from '../state/heap-keyed-state-backend.js';
import { DefaultOperatorStateBackend } from '../state/default-operator-state-backend.js';
import { computeKeyGroupRangeForOperatorIndex } from '../../core/key-group-range-assignment.js';
import { wrapOperatorError } from './operator-exception.js';
import { taskNameWithSubtasks } from '../deployment/task-deployment-descriptor.js';

/** Feeds a chained operator directly: chaining is a function call, no buffer in between. */
class ChainingOutput implements Output<unknown> {
  constructor(
    private readonly operator: OneInputStreamOperator<unknown>,
    private readonly operatorName: string,
  ) {}
  collect(value: unknown, timestamp: number): void {
    try {
      this.operator.processElement(value, timestamp);
    } catch (e) {
      throw wrapOperatorError(e, this.operatorName);
    }
  }
  collectSide(): void {
    // A side output is routed by the emitting operator's outputs; it never reaches this output.
  }
  emitWatermark(watermark: number): void {
    this.operator.processWatermark(watermark);
  }
  emitWatermarkStatus(status: WatermarkStatus): void {
    this.operator.processWatermarkStatus?.(status);
  }
}

/** Sets the key of each record before a keyed operator sees it (Flink's setKeyContextElement). */
class KeyedChainingOutput implements Output<unknown> {
  constructor(
    private readonly operator: OneInputStreamOperator<unknown>,
    private readonly operatorName: string,
    private readonly keyContext: KeyContext,
  ) {}
  collect(value: unknown, timestamp: number): void {
    try {
      this.keyContext.backend.setCurrentKey(this.keyContext.selector(value));
      this.operator.processElement(value, timestamp);
    } catch (e) {
      throw wrapOperatorError(e, this.operatorName);
    }
  }
  collectSide(): void {
    // See ChainingOutput.collectSide.
  }
  emitWatermark(watermark: number): void {
    this.operator.processWatermark(watermark);
  }
  emitWatermarkStatus(status: WatermarkStatus): void {
    this.operator.processWatermarkStatus?.(status);
  }
}

/** A keyed input of an operator: where its state is and how to get a record's key. */
export interface KeyContext {
  readonly backend: KeyedStateBackend;
  readonly selector: (value: unknown) => unknown;
}

/** Where keyed state backends take processing time and schedule timers. */
export interface StateServices {
  now(): number;
  schedule(time: number, callback: () => void): () => void;
}

class RecordWriterOutput implements Output<unknown> {
  constructor(private readonly writer: RecordWriter) {}
  collect(value: unknown, timestamp: number): void {
    this.writer.emit(value, timestamp);
  }
  collectSide(): void {
    // See ChainingOutput.collectSide.
  }
  emitWatermark(watermark: number): void {
    this.writer.partition.broadcastEvent({ kind: 'event', event: { type: 'Watermark', watermark } });
  }
  emitWatermarkStatus(status: WatermarkStatus): void {
    this.writer.partition.broadcastEvent({ kind: 'event', event: { type: 'WatermarkStatus', idle: status === 'IDLE' } });
  }
}

/** An operator's outputs: the main output's targets and, per side-output tag, that tag's targets. */
class OperatorOutputs implements Output<unknown> {
  private readonly single: Output<unknown> | undefined;
  constructor(
    private readonly main: Output<unknown>[],
    private readonly side: Map<string, Output<unknown>[]>,
  ) {
    this.single = main.length === 1 ? main[0] : undefined;
  }
  collect(value: unknown, timestamp: number): void {
    if (this.single !== undefined) {
      this.single.collect(value, timestamp);
      return;
    }
    for (const o of this.main) o.collect(value, timestamp);
  }
  collectSide(tag: OutputTag<unknown>, value: unknown, timestamp: number): void {
    const targets = this.side.get(tag.id);
    if (targets === undefined) return;
    for (const o of targets) o.collect(value, timestamp);
  }
  emitWatermark(watermark: number): void {
    for (const o of this.main) o.emitWatermark(watermark);
    for (const list of this.side.values()) for (const o of list) o.emitWatermark(watermark);
  }
  emitWatermarkStatus(status: WatermarkStatus): void {
    for (const o of this.main) o.emitWatermarkStatus?.(status);
    for (const list of this.side.values()) for (const o of list) o.emitWatermarkStatus?.(status);
  }
}

/**
 * The operators of one subtask, built from the vertex's chain config and the user functions of
 * the rebuilt StreamGraph, wired tail first so every output exists before its producer.
 */
export class OperatorChain {
  /** Head first. */
  readonly operators: StreamOperator[] = [];
  readonly names: string[] = [];
  readonly writers: RecordWriter[] = [];
  readonly accumulators = new Map<string, Accumulator<unknown>>();
  /** Per operator (head first): its keyed state backend, on keyed inputs only. */
  readonly keyedBackends: (HeapKeyedStateBackend | undefined)[] = [];
  /** Per operator (head first): its operator state. */
  readonly operatorBackends: DefaultOperatorStateBackend[] = [];
  /** The operator ids, head first, as checkpoints name them. */
  readonly operatorIds: string[] = [];
  /** The head's keyed inputs (index 0, and 1 for a two-input head), for the task to set keys. */
  readonly headKeyContexts: (KeyContext | undefined)[] = [];

  constructor(
    tdd: TaskDeploymentDescriptor,
    graph: StreamGraph,
    partitions: ReadonlyMap<string, ResultPartition>,
    services: OperatorServices,
    stateServices: StateServices,
  ) {
    const byNode = new Map<number, StreamOperator>();
    const keyContextOf = new Map<number, KeyContext>();
    const configs = tdd.vertex.operators;
    const flushAlways = tdd.vertex.bufferTimeout === 0;
    const taskInfo = {
      taskName: tdd.vertex.name,
      indexOfThisSubtask: tdd.subtaskIndex,
      numberOfParallelSubtasks: tdd.vertex.parallelism,
      maxNumberOfParallelSubtasks: tdd.vertex.maxParallelism,
      attemptNumber: tdd.attemptNumber,
      taskNameWithSubtasks: taskNameWithSubtasks(tdd),
    };
    const jobInfo = { jobId: tdd.jobId, jobName: tdd.jobName };
    for (let i = configs.length - 1; i >= 0; i--) {
      const config = configs[i] as (typeof configs)[number];
      const node = graph.nodes.get(config.streamNodeId) as StreamNode;
      const operator = node.operatorFactory.create();
      const keySelectors = node.keySelectors as readonly (((value: unknown) => unknown) | undefined)[];
      const keyedBackend = keySelectors.some((k) => k !== undefined)
        ? new HeapKeyedStateBackend({
            keyGroupRange: computeKeyGroupRangeForOperatorIndex(tdd.vertex.maxParallelism, tdd.vertex.parallelism, tdd.subtaskIndex),
            maxParallelism: tdd.vertex.maxParallelism,
            processingTime: stateServices,
          })
        : undefined;
      const keyContexts = keySelectors.map((selector) =>
        selector === undefined || keyedBackend === undefined ? undefined : { backend: keyedBackend, selector },
      );
      const main: Output<unknown>[] = [];
      const side = new Map<string, Output<unknown>[]>();
      const route = (tag: string | undefined, output: Output<unknown>): void => {
        if (tag === undefined) main.push(output);
        else side.set(tag, [...(side.get(tag) ?? []), output]);
      };
      for (const out of config.chainedOutputs) {
        const target = byNode.get(out.targetNodeId) as OneInputStreamOperator<unknown>;
        const targetName = (graph.nodes.get(out.targetNodeId) as StreamNode).operatorName;
        const targetContext = keyContextOf.get(out.targetNodeId);
        route(
          out.outputTag,
          targetContext === undefined ? new ChainingOutput(target, targetName) : new KeyedChainingOutput(target, targetName, targetContext),
        );
      }
      for (const out of config.nonChainedOutputs) {
        const produced = tdd.producedPartitions.find((p) => p.dataSetId === out.dataSetId);
        const partition = produced === undefined ? undefined : partitions.get(produced.partitionId);
        const edge = node.outEdges.find((e) => e.id === out.edgeId);
        if (produced === undefined || partition === undefined || edge === undefined) {
          throw new Error(`Output ${out.edgeId} of operator '${config.name}' has no partition; the deployment is inconsistent.`);
        }
        const partitioner = edge.partitioner.copy();
        partitioner.setup(produced.numberOfSubpartitions);
        partitioner.configure(produced.consumerMaxParallelism);
        const writer = new RecordWriter(partition, partitioner, flushAlways);
        this.writers.push(writer);
        route(out.outputTag, new RecordWriterOutput(writer));
      }
      operator.setup({
        operatorId: config.operatorId,
        operatorName: config.name,
        runtimeContext: new RuntimeContext(taskInfo, jobInfo, this.accumulators),
        output: new OperatorOutputs(main, side),
        runtimeMode: tdd.jobType,
        services,
        checkpointingEnabled: tdd.checkpointing?.periodic === true,
      });
      byNode.set(config.streamNodeId, operator);
      if (keyContexts[0] !== undefined) keyContextOf.set(config.streamNodeId, keyContexts[0]);
      this.operators.unshift(operator);
      this.names.unshift(config.name);
      this.operatorIds.unshift(config.operatorId);
      this.keyedBackends.unshift(keyedBackend);
      this.operatorBackends.unshift(new DefaultOperatorStateBackend());
      if (i === 0) this.headKeyContexts.push(...keyContexts);
    }
  }

  /** Ends processing-time timers of every keyed backend. */
  disposeState(): void {
    for (const backend of this.keyedBackends) backend?.dispose();
  }

  get head(): StreamOperator {
    return this.operators[0] as StreamOperator;
  }
  get headName(): string {
    return this.names[0] as string;
  }
}

import type { OutputTag } from '../../api/common/output-tag.js';
import type { Output } from '../../api/common/records.js';
import type { Accumulator } from '../../api/common/accumulators.js';
import type { StreamGraph, StreamNode } from '../../api/graph/stream-graph.js';
import type { OneInputStreamOperator, OperatorServices, StreamOperator } from '../../api/operators/stream-operator.js';
import type { TaskDeploymentDescriptor } from '../deployment/task-deployment-descriptor.js';
import type { ResultPartition } from '../network/result-partition.js';
import { RuntimeContext } from '../../api/common/runtime-context.js';
import { RecordWriter } from '../network/record-writer.js';
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

  constructor(
    tdd: TaskDeploymentDescriptor,
    graph: StreamGraph,
    partitions: ReadonlyMap<string, ResultPartition>,
    services: OperatorServices,
  ) {
    const byNode = new Map<number, StreamOperator>();
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
      const main: Output<unknown>[] = [];
      const side = new Map<string, Output<unknown>[]>();
      const route = (tag: string | undefined, output: Output<unknown>): void => {
        if (tag === undefined) main.push(output);
        else side.set(tag, [...(side.get(tag) ?? []), output]);
      };
      for (const out of config.chainedOutputs) {
        const target = byNode.get(out.targetNodeId) as OneInputStreamOperator<unknown>;
        const targetName = (graph.nodes.get(out.targetNodeId) as StreamNode).operatorName;
        route(out.outputTag, new ChainingOutput(target, targetName));
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
      });
      byNode.set(config.streamNodeId, operator);
      this.operators.unshift(operator);
      this.names.unshift(config.name);
    }
  }

  get head(): StreamOperator {
    return this.operators[0] as StreamOperator;
  }
  get headName(): string {
    return this.names[0] as string;
  }
}

import type { IntermediateDataSetId, JobId, JobVertexId } from '../../core/ids.js';
import type { DistributionPattern } from '../../core/pointwise-wiring.js';
import type { PlanNode } from '../../api/graph/execution-plan-json.js';
import type { ShipStrategy } from '../../api/partitioner/stream-partitioner.js';
import type { ProgramInfo } from './program-info.js';

/**
 * The JobGraph: operator chains (JobVertices) connected by intermediate data sets. It is plain
 * data so it can cross processes; user functions stay in the job's module, where each slot
 * worker finds them again by stream node id and checks them against `streamNodes`.
 */
export type ResultPartitionType = 'PIPELINED_BOUNDED' | 'BLOCKING';
export type InvokableType = 'SourceStreamTask' | 'OneInputStreamTask' | 'TwoInputStreamTask';

/** One operator of a chain (Flink keeps this in the vertex's StreamConfig). */
export interface ChainedOperatorConfig {
  readonly streamNodeId: number;
  readonly operatorId: string;
  readonly name: string;
  /** Outputs to operators of the same chain. */
  readonly chainedOutputs: readonly { readonly edgeId: string; readonly targetNodeId: number; readonly outputTag: string | undefined }[];
  /** Outputs that leave the chain: one produced data set each. */
  readonly nonChainedOutputs: readonly { readonly edgeId: string; readonly dataSetId: IntermediateDataSetId; readonly outputTag: string | undefined }[];
}

export interface IntermediateDataSet {
  readonly id: IntermediateDataSetId;
  readonly producerVertexId: JobVertexId;
  readonly consumerVertexId: JobVertexId;
  readonly resultType: ResultPartitionType;
  readonly distributionPattern: DistributionPattern;
  readonly shipStrategy: ShipStrategy;
  /** The StreamEdge this data set carries; the worker takes its partitioner from there. */
  readonly edgeId: string;
}

export interface JobEdge {
  readonly dataSetId: IntermediateDataSetId;
  readonly sourceVertexId: JobVertexId;
  readonly distributionPattern: DistributionPattern;
  readonly shipStrategy: ShipStrategy;
  /** 0 for one-input heads, 1 or 2 for the inputs of a two-input head. */
  readonly typeNumber: number;
}

export interface JobVertex {
  readonly id: JobVertexId;
  readonly name: string;
  readonly parallelism: number;
  /** Resolved: the explicit value, or Flink's default derived from the parallelism. */
  readonly maxParallelism: number;
  readonly slotSharingGroup: string;
  readonly invokable: InvokableType;
  readonly bufferTimeout: number;
  /** Head first, then the rest of the chain in depth-first order. */
  readonly operators: readonly ChainedOperatorConfig[];
  readonly inputs: readonly JobEdge[];
  readonly producedDataSets: readonly IntermediateDataSet[];
}

export interface StreamNodeSummary {
  readonly id: number;
  readonly operatorId: string;
  readonly kind: string;
  readonly name: string;
}

export interface JobGraph {
  readonly jobId: JobId;
  readonly jobName: string;
  readonly jobType: 'STREAMING' | 'BATCH';
  /** Topologically sorted: producers before consumers. */
  readonly vertices: readonly JobVertex[];
  readonly program: ProgramInfo;
  /** Flink's plan JSON of the StreamGraph, served as `/jobs/:jobid/plan`. */
  readonly plan: { readonly nodes: readonly PlanNode[] };
  readonly streamNodes: readonly StreamNodeSummary[];
  /**
   * The job's own configuration (Flink's job configuration): checkpointing, restart strategy,
   * state and state-recovery keys from the client's `-D` options and the job's code. It
   * overrides the cluster's configuration for this job.
   */
  readonly jobConfiguration?: Readonly<Record<string, string>>;
}

/**
 * Slots a job needs: with slot sharing, one slot holds one subtask of every vertex of its group,
 * so each group needs as many slots as its largest parallelism.
 */
export function requiredSlots(graph: JobGraph): number {
  return [...slotsPerSharingGroup(graph).values()].reduce((a, b) => a + b, 0);
}

export function slotsPerSharingGroup(graph: JobGraph): Map<string, number> {
  const groups = new Map<string, number>();
  for (const v of graph.vertices) groups.set(v.slotSharingGroup, Math.max(groups.get(v.slotSharingGroup) ?? 0, v.parallelism));
  return groups;
}

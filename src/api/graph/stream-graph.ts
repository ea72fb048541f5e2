import type { OutputTag } from '../common/output-tag.js';
import type { StreamPartitioner } from '../partitioner/stream-partitioner.js';
import type { ChainingStrategy, RuntimeExecutionMode, StreamOperatorFactory } from '../operators/stream-operator.js';
import type { Pact, TransformationKind } from '../transformations/transformation.js';

/**
 * The operator-level graph of one `execute()` call: one node per operator, edges carrying the
 * partitioner. It holds the user functions (through operator factories), so it lives where the
 * job's module runs: in the client, and again in every slot worker that re-runs the module.
 */
export interface StreamEdge {
  /** Stable within a plan: `<source>-><target>#<typeNumber>[<tag>]`. */
  readonly id: string;
  readonly sourceId: number;
  readonly targetId: number;
  /** 0 for one-input operators, 1 or 2 for the inputs of a two-input operator. */
  readonly typeNumber: number;
  readonly partitioner: StreamPartitioner;
  readonly outputTag: OutputTag<unknown> | undefined;
}

export interface StreamNode {
  readonly id: number;
  readonly kind: Exclude<TransformationKind, 'partition' | 'union' | 'sideOutput'>;
  readonly operatorName: string;
  /** 32 hex characters: a hash of the uid when set, else of the node's place in the topology. */
  readonly operatorId: string;
  readonly uid: string | undefined;
  readonly parallelism: number;
  /** The explicit max parallelism, or undefined to derive it from the parallelism. */
  readonly maxParallelism: number | undefined;
  readonly slotSharingGroup: string;
  readonly chainingStrategy: ChainingStrategy;
  readonly operatorFactory: StreamOperatorFactory;
  readonly pact: Pact;
  /** Key selectors of keyed inputs (index = typeNumber - 1 for two inputs, 0 for one). */
  readonly keySelectors: readonly (((value: never) => unknown) | undefined)[];
  readonly bufferTimeout: number;
  readonly inEdges: StreamEdge[];
  readonly outEdges: StreamEdge[];
}

export interface StreamGraph {
  readonly jobName: string;
  readonly runtimeMode: RuntimeExecutionMode;
  /** Milliseconds; 0 flushes every record, -1 only full buffers (Flink's semantics). */
  readonly bufferTimeout: number;
  readonly chainingEnabled: boolean;
  readonly chainOperatorsWithDifferentMaxParallelism: boolean;
  /** Which `execute()` call of the module built this graph (0 for the first). */
  readonly executeIndex: number;
  /** Configuration the job's code set (checkpointing), Flink keys → values; overrides the cluster's for this job. */
  readonly jobConfiguration: Readonly<Record<string, string>>;
  readonly nodes: ReadonlyMap<number, StreamNode>;
  readonly sourceIds: readonly number[];
  readonly sinkIds: readonly number[];
}

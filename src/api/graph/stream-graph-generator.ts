import type { OutputTag } from '../common/output-tag.js';
import type { StreamPartitioner } from '../partitioner/stream-partitioner.js';
import type { RuntimeExecutionMode } from '../operators/stream-operator.js';
import type { Transformation } from '../transformations/transformation.js';
import type { StreamEdge, StreamGraph, StreamNode } from './stream-graph.js';
import {
  OneInputTransformation,
  PartitionTransformation,
  SideOutputTransformation,
  SourceTransformation,
  TwoInputTransformation,
  UnionTransformation,
} from '../transformations/transformation.js';
import { ForwardPartitioner, RebalancePartitioner } from '../partitioner/partitioners.js';
import { generatedOperatorId, userSpecifiedOperatorId } from './operator-id.js';

export type RuntimeModeSetting = RuntimeExecutionMode | 'AUTOMATIC';

export interface StreamGraphSettings {
  readonly jobName: string;
  readonly parallelism: number;
  readonly maxParallelism: number | undefined;
  readonly runtimeMode: RuntimeModeSetting;
  readonly bufferTimeout: number;
  readonly chainingEnabled: boolean;
  readonly chainOperatorsWithDifferentMaxParallelism: boolean;
  readonly executeIndex: number;
  /** Configuration the job's code set (checkpointing), Flink keys → values. */
  readonly jobConfiguration?: Readonly<Record<string, string>>;
}

/** Where a transformation's records come from once virtual transformations are resolved. */
interface LogicalInput {
  readonly nodeId: number;
  readonly partitioner: StreamPartitioner | undefined;
  readonly outputTag: OutputTag<unknown> | undefined;
}

type MutableNode = { -readonly [K in keyof StreamNode]: StreamNode[K] };

/** Translates the transformations of one `execute()` into a StreamGraph (Flink's StreamGraphGenerator). */
export function generateStreamGraph(transformations: readonly Transformation[], settings: StreamGraphSettings): StreamGraph {
  if (transformations.length === 0) {
    throw new Error('No operators defined in streaming topology. Cannot execute.');
  }
  const nodes = new Map<number, MutableNode>();
  const resolved = new Map<number, LogicalInput[]>();
  const runtimeMode = resolveRuntimeMode(transformations, settings.runtimeMode);

  const transform = (t: Transformation): LogicalInput[] => {
    const done = resolved.get(t.id);
    if (done !== undefined) return done;
    let result: LogicalInput[];
    if (t instanceof SourceTransformation) {
      addNode(t, 'source', []);
      result = [self(t.id)];
    } else if (t instanceof OneInputTransformation) {
      const inputs = transform(t.input as Transformation);
      addNode(t, t.kind, inputs.map((i) => nodes.get(i.nodeId)?.slotSharingGroup), [t.keySelector]);
      for (const input of inputs) addEdge(input, t.id, 0);
      result = [self(t.id)];
    } else if (t instanceof TwoInputTransformation) {
      const in1 = transform(t.input1 as Transformation);
      const in2 = transform(t.input2 as Transformation);
      const groups = [...in1, ...in2].map((i) => nodes.get(i.nodeId)?.slotSharingGroup);
      addNode(t, 'twoInput', groups, [t.keySelector1, t.keySelector2]);
      for (const input of in1) addEdge(input, t.id, 1);
      for (const input of in2) addEdge(input, t.id, 2);
      result = [self(t.id)];
    } else if (t instanceof PartitionTransformation) {
      result = transform(t.input as Transformation).map((i) => ({ ...i, partitioner: t.partitioner as StreamPartitioner }));
    } else if (t instanceof UnionTransformation) {
      result = t.inputs.flatMap((i) => transform(i as Transformation));
    } else if (t instanceof SideOutputTransformation) {
      result = transform(t.input).map((i) => ({ ...i, outputTag: t.tag as OutputTag<unknown> }));
    } else {
      throw new Error(`Unknown transformation ${t.name} (${t.kind}).`);
    }
    resolved.set(t.id, result);
    return result;
  };

  const addNode = (
    t: SourceTransformation<unknown> | OneInputTransformation<unknown, unknown> | TwoInputTransformation<unknown, unknown, unknown>,
    kind: StreamNode['kind'],
    inputGroups: (string | undefined)[],
    keySelectors: (((value: never) => unknown) | undefined)[] = [],
  ): void => {
    const nonParallel = t instanceof SourceTransformation && t.source.maxParallelism === 1;
    const parallelism = nonParallel ? 1 : (t.parallelism ?? settings.parallelism);
    nodes.set(t.id, {
      id: t.id,
      kind,
      operatorName: t.name,
      operatorId: '',
      uid: t.uid,
      parallelism,
      maxParallelism: t.maxParallelism ?? settings.maxParallelism,
      slotSharingGroup: t.slotSharingGroup ?? inheritedGroup(inputGroups),
      chainingStrategy: t.chainingStrategy ?? t.operatorFactory.chainingStrategy,
      operatorFactory: t.operatorFactory,
      pact: kind === 'source' ? 'Data Source' : kind === 'sink' ? 'Data Sink' : 'Operator',
      keySelectors,
      bufferTimeout: t.bufferTimeout ?? settings.bufferTimeout,
      inEdges: [],
      outEdges: [],
    });
  };

  const addEdge = (input: LogicalInput, targetId: number, typeNumber: number): void => {
    const source = nodes.get(input.nodeId) as MutableNode;
    const target = nodes.get(targetId) as MutableNode;
    let partitioner = input.partitioner;
    if (partitioner === undefined) {
      partitioner = source.parallelism === target.parallelism ? new ForwardPartitioner() : new RebalancePartitioner();
    } else if (partitioner instanceof ForwardPartitioner && source.parallelism !== target.parallelism) {
      throw new Error(
        `Forward partitioning does not allow change of parallelism. Upstream operation: ${source.operatorName} parallelism: ${source.parallelism}, ` +
          `downstream operation: ${target.operatorName} parallelism: ${target.parallelism}. ` +
          'You must use another partitioning strategy, such as broadcast, rebalance, shuffle or global.',
      );
    }
    const tag = input.outputTag?.id;
    const edge: StreamEdge = {
      id: `${source.id}->${target.id}#${typeNumber}${tag === undefined ? '' : `[${tag}]`}`,
      sourceId: source.id,
      targetId: target.id,
      typeNumber,
      partitioner,
      outputTag: input.outputTag,
    };
    source.outEdges.push(edge);
    target.inEdges.push(edge);
  };

  for (const t of transformations) transform(t);
  assignOperatorIds(nodes);

  const ordered = [...nodes.values()].sort((a, b) => a.id - b.id);
  return {
    jobName: settings.jobName,
    runtimeMode,
    bufferTimeout: settings.bufferTimeout,
    chainingEnabled: settings.chainingEnabled,
    chainOperatorsWithDifferentMaxParallelism: settings.chainOperatorsWithDifferentMaxParallelism,
    executeIndex: settings.executeIndex,
    jobConfiguration: settings.jobConfiguration ?? {},
    nodes: new Map(ordered.map((n) => [n.id, n])),
    sourceIds: ordered.filter((n) => n.kind === 'source').map((n) => n.id),
    sinkIds: ordered.filter((n) => n.outEdges.length === 0 && n.kind === 'sink').map((n) => n.id),
  };
}

function self(nodeId: number): LogicalInput {
  return { nodeId, partitioner: undefined, outputTag: undefined };
}

/** Flink's rule: an operator without a group joins its inputs' group when they all agree. */
function inheritedGroup(inputGroups: (string | undefined)[]): string {
  const distinct = new Set(inputGroups.filter((g): g is string => g !== undefined));
  const [only] = distinct;
  return distinct.size === 1 && only !== undefined ? only : 'default';
}

function resolveRuntimeMode(transformations: readonly Transformation[], setting: RuntimeModeSetting): RuntimeExecutionMode {
  const sources = collectSources(transformations);
  const unbounded = sources.filter((s) => s.source.boundedness === 'CONTINUOUS_UNBOUNDED');
  if (setting === 'AUTOMATIC') return unbounded.length === 0 ? 'BATCH' : 'STREAMING';
  if (setting === 'BATCH' && unbounded.length > 0) {
    throw new Error(
      `Detected an UNBOUNDED source (${unbounded.map((s) => s.name).join(', ')}) with the 'execution.runtime-mode' set to 'BATCH'. ` +
        "This combination is not allowed, please set the 'execution.runtime-mode' to STREAMING or AUTOMATIC.",
    );
  }
  return setting;
}

function collectSources(transformations: readonly Transformation[]): SourceTransformation<unknown>[] {
  const seen = new Set<number>();
  const sources: SourceTransformation<unknown>[] = [];
  const visit = (t: Transformation): void => {
    if (seen.has(t.id)) return;
    seen.add(t.id);
    if (t instanceof SourceTransformation) sources.push(t as SourceTransformation<unknown>);
    for (const input of t.getInputs()) visit(input);
  };
  for (const t of transformations) visit(t);
  return sources;
}

function assignOperatorIds(nodes: Map<number, MutableNode>): void {
  const byUid = new Map<string, number>();
  for (const node of [...nodes.values()].sort((a, b) => a.id - b.id)) {
    if (node.uid !== undefined) {
      const other = byUid.get(node.uid);
      if (other !== undefined) {
        throw new Error(
          `Hash collision on user-specified ID "${node.uid}" (operators ${other} and ${node.id}). ` +
            'Most likely cause is a non-unique ID. Please check that all IDs specified via `uid(String)` are unique.',
        );
      }
      byUid.set(node.uid, node.id);
      node.operatorId = userSpecifiedOperatorId(node.uid);
    } else {
      const inputs = node.inEdges.map((e) => `${(nodes.get(e.sourceId) as MutableNode).operatorId}:${e.typeNumber}`);
      node.operatorId = generatedOperatorId(node.id, node.kind, inputs);
    }
  }
}

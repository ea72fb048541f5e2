import { createHash } from 'node:crypto';
import type { IntermediateDataSetId, JobId, JobVertexId } from '../../core/ids.js';
import type { StreamEdge, StreamGraph, StreamNode } from '../../api/graph/stream-graph.js';
import type { ProgramInfo } from './program-info.js';
import type { ChainedOperatorConfig, IntermediateDataSet, JobEdge, JobGraph, JobVertex } from './job-graph.js';
import { newJobId } from '../../core/ids.js';
import { ForwardPartitioner } from '../../api/partitioner/partitioners.js';
import { toExecutionPlan } from '../../api/graph/execution-plan-json.js';
import { computeDefaultMaxParallelism } from '../../core/key-group-range-assignment.js';

/**
 * Flink's chaining conditions (StreamingJobGraphGenerator), one per line so each can be checked
 * against reference/flink-runtime.md §1.4.
 */
export function isChainable(edge: StreamEdge, graph: StreamGraph): boolean {
  const up = graph.nodes.get(edge.sourceId) as StreamNode;
  const down = graph.nodes.get(edge.targetId) as StreamNode;
  return (
    down.inEdges.length === 1 &&
    graph.chainingEnabled &&
    up.slotSharingGroup === down.slotSharingGroup &&
    areOperatorsChainable(up, down) &&
    up.parallelism === down.parallelism &&
    (graph.chainOperatorsWithDifferentMaxParallelism || up.maxParallelism === down.maxParallelism) &&
    edge.partitioner instanceof ForwardPartitioner
  );
}

function areOperatorsChainable(up: StreamNode, down: StreamNode): boolean {
  if (up.chainingStrategy === 'NEVER') return false;
  switch (down.chainingStrategy) {
    case 'NEVER':
    case 'HEAD':
      return false;
    case 'HEAD_WITH_SOURCES':
      return up.kind === 'source';
    case 'ALWAYS':
      return true;
  }
}

/** StreamGraph → JobGraph: operator chaining, intermediate data sets and job edges. */
/**
 * @param clientConfiguration the job-level keys of the client's configuration (see
 *   `jobConfigurationOf`); what the job's code set wins over them.
 */
export function createJobGraph(
  graph: StreamGraph,
  program: ProgramInfo,
  jobId: JobId = newJobId(),
  clientConfiguration: Readonly<Record<string, string>> = {},
): JobGraph {
  const chainOf = new Map<number, number>(); // node id → head node id
  const heads: number[] = [];
  const chains = new Map<number, number[]>(); // head → nodes in chain order

  const visit = (headId: number, nodeId: number): void => {
    chainOf.set(nodeId, headId);
    (chains.get(headId) as number[]).push(nodeId);
    for (const edge of (graph.nodes.get(nodeId) as StreamNode).outEdges) {
      if (isChainable(edge, graph)) visit(headId, edge.targetId);
    }
  };
  const startChain = (nodeId: number): void => {
    if (chainOf.has(nodeId)) return;
    heads.push(nodeId);
    chains.set(nodeId, []);
    visit(nodeId, nodeId);
  };
  // Heads in id order: ids follow creation order, so producers come before their consumers.
  for (const node of [...graph.nodes.values()].sort((a, b) => a.id - b.id)) {
    if (node.inEdges.length === 0 || node.inEdges.some((e) => !isChainable(e, graph))) startChain(node.id);
  }
  for (const node of graph.nodes.values()) startChain(node.id);

  const vertexIdOf = (headId: number): JobVertexId => (graph.nodes.get(headId) as StreamNode).operatorId as JobVertexId;
  const produced = new Map<number, IntermediateDataSet[]>();
  const inputs = new Map<number, JobEdge[]>();
  for (const head of heads) {
    produced.set(head, []);
    inputs.set(head, []);
  }
  const dataSetOfEdge = new Map<string, IntermediateDataSetId>();
  for (const head of heads) {
    for (const nodeId of chains.get(head) as number[]) {
      for (const edge of (graph.nodes.get(nodeId) as StreamNode).outEdges) {
        if (chainOf.get(edge.targetId) === head && isChainable(edge, graph)) continue;
        const id = createHash('sha256').update(`dataset:${edge.id}`).digest('hex').slice(0, 32) as IntermediateDataSetId;
        const consumerHead = chainOf.get(edge.targetId) as number;
        const pattern = edge.partitioner.isPointwise() ? 'POINTWISE' : 'ALL_TO_ALL';
        const shipStrategy = edge.partitioner.shipStrategy;
        dataSetOfEdge.set(edge.id, id);
        (produced.get(head) as IntermediateDataSet[]).push({
          id,
          producerVertexId: vertexIdOf(head),
          consumerVertexId: vertexIdOf(consumerHead),
          resultType: graph.runtimeMode === 'BATCH' ? 'BLOCKING' : 'PIPELINED_BOUNDED',
          distributionPattern: pattern,
          shipStrategy,
          edgeId: edge.id,
        });
        (inputs.get(consumerHead) as JobEdge[]).push({
          dataSetId: id,
          sourceVertexId: vertexIdOf(head),
          distributionPattern: pattern,
          shipStrategy,
          typeNumber: edge.typeNumber,
        });
      }
    }
  }

  const vertices = heads.map((head): JobVertex => {
    const headNode = graph.nodes.get(head) as StreamNode;
    const chain = chains.get(head) as number[];
    const operators: ChainedOperatorConfig[] = chain.map((nodeId) => {
      const node = graph.nodes.get(nodeId) as StreamNode;
      const chainedOutputs = [];
      const nonChainedOutputs = [];
      for (const edge of node.outEdges) {
        const dataSetId = dataSetOfEdge.get(edge.id);
        if (dataSetId === undefined) chainedOutputs.push({ edgeId: edge.id, targetNodeId: edge.targetId, outputTag: edge.outputTag?.id });
        else nonChainedOutputs.push({ edgeId: edge.id, dataSetId, outputTag: edge.outputTag?.id });
      }
      return { streamNodeId: node.id, operatorId: node.operatorId, name: node.operatorName, chainedOutputs, nonChainedOutputs };
    });
    const twoInputs = headNode.kind === 'twoInput';
    return {
      id: vertexIdOf(head),
      name: chainedName(head, graph, chainOf),
      parallelism: headNode.parallelism,
      maxParallelism: headNode.maxParallelism ?? computeDefaultMaxParallelism(headNode.parallelism),
      slotSharingGroup: headNode.slotSharingGroup,
      invokable: headNode.kind === 'source' ? 'SourceStreamTask' : twoInputs ? 'TwoInputStreamTask' : 'OneInputStreamTask',
      bufferTimeout: chainBufferTimeout(chain.map((id) => (graph.nodes.get(id) as StreamNode).bufferTimeout)),
      operators,
      inputs: inputs.get(head) as JobEdge[],
      producedDataSets: produced.get(head) as IntermediateDataSet[],
    };
  });

  return {
    jobId,
    jobName: graph.jobName,
    jobType: graph.runtimeMode,
    vertices,
    program,
    plan: toExecutionPlan(graph),
    streamNodes: [...graph.nodes.values()].map((n) => ({ id: n.id, operatorId: n.operatorId, kind: n.kind, name: n.operatorName })),
    jobConfiguration: { ...clientConfiguration, ...graph.jobConfiguration },
  };
}

/** A chain flushes as often as its most demanding operator asks; -1 (flush only full buffers) loses. */
function chainBufferTimeout(timeouts: number[]): number {
  const enabled = timeouts.filter((t) => t >= 0);
  return enabled.length === 0 ? -1 : Math.min(...enabled);
}

/** `A -> B`, or `A -> (B, C)` when an operator feeds several chained operators, as Flink names chains. */
function chainedName(nodeId: number, graph: StreamGraph, chainOf: Map<number, number>): string {
  const node = graph.nodes.get(nodeId) as StreamNode;
  const head = chainOf.get(nodeId);
  const chained = node.outEdges.filter((e) => chainOf.get(e.targetId) === head && isChainable(e, graph));
  if (chained.length === 0) return node.operatorName;
  const names = chained.map((e) => chainedName(e.targetId, graph, chainOf));
  return `${node.operatorName} -> ${names.length === 1 ? (names[0] as string) : `(${names.join(', ')})`}`;
}

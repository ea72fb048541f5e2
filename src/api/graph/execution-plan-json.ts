import type { StreamGraph, StreamNode } from './stream-graph.js';

/** One node of the plan JSON, in the shape of Flink's `getExecutionPlan()` / `flink info`. */
export interface PlanNode {
  id: number;
  type: string;
  pact: string;
  contents: string;
  parallelism: number;
  predecessors?: { id: number; ship_strategy: string; side: string }[];
}

/** Nodes ordered by id with sinks last, predecessors with their ship strategy, as Flink prints them. */
export function toExecutionPlan(graph: StreamGraph): { nodes: PlanNode[] } {
  const sinks = new Set(graph.sinkIds);
  const ordered = [...graph.nodes.values()].sort((a, b) => {
    const bySink = Number(sinks.has(a.id)) - Number(sinks.has(b.id));
    return bySink !== 0 ? bySink : a.id - b.id;
  });
  return { nodes: ordered.map((node) => toPlanNode(node, graph)) };
}

function toPlanNode(node: StreamNode, graph: StreamGraph): PlanNode {
  const plan: PlanNode = {
    id: node.id,
    type: node.operatorName,
    pact: node.pact,
    contents: node.operatorName,
    parallelism: node.parallelism,
  };
  if (!graph.sourceIds.includes(node.id)) {
    plan.predecessors = node.inEdges.map((edge) => ({
      id: edge.sourceId,
      ship_strategy: edge.partitioner.toString(),
      side: 'second',
    }));
  }
  return plan;
}

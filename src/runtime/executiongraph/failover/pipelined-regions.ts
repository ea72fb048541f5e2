import type { ExecutionGraph, ExecutionVertex } from '../execution-graph.js';
import { consumedPartitionsOf } from '../../../core/pointwise-wiring.js';

/** A set of subtasks connected by pipelined exchanges: they fail and restart together. */
export type PipelinedRegion = ReadonlySet<ExecutionVertex>;

/**
 * The pipelined regions of a graph (Flink's SchedulingPipelinedRegion): the connected components
 * of the subtask-level data exchanges. Every exchange of a streaming job is pipelined, so a
 * pointwise (forward, rescale) edge joins only the subtasks it wires together, while one
 * all-to-all edge (keyBy, rebalance, broadcast) joins both whole vertices: `source -> map` at
 * parallelism 2 has two regions, `source -> keyBy -> map` has one.
 */
export function computePipelinedRegions(graph: ExecutionGraph): PipelinedRegion[] {
  const parent = new Map<ExecutionVertex, ExecutionVertex>();
  const find = (v: ExecutionVertex): ExecutionVertex => {
    let root = v;
    for (let p = parent.get(root); p !== undefined && p !== root; p = parent.get(root)) root = p;
    // Path compression keeps later finds short.
    for (let cur = v; cur !== root; ) {
      const next = parent.get(cur) ?? root;
      parent.set(cur, root);
      cur = next;
    }
    return root;
  };
  const union = (a: ExecutionVertex, b: ExecutionVertex): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };

  for (const ev of graph.allExecutionVertices()) parent.set(ev, ev);
  for (const consumer of graph.vertices) {
    const t = consumer.jobVertex.parallelism;
    for (const edge of consumer.jobVertex.inputs) {
      const producer = graph.vertex(edge.sourceVertexId);
      if (producer === undefined) continue;
      const s = producer.jobVertex.parallelism;
      for (const ev of consumer.subtasks) {
        for (const p of consumedPartitionsOf(ev.subtaskIndex, s, t, edge.distributionPattern)) {
          const producerVertex = producer.subtasks[p];
          if (producerVertex !== undefined) union(ev, producerVertex);
        }
      }
    }
  }

  const regions = new Map<ExecutionVertex, Set<ExecutionVertex>>();
  for (const ev of graph.allExecutionVertices()) {
    const root = find(ev);
    let region = regions.get(root);
    if (region === undefined) {
      region = new Set();
      regions.set(root, region);
    }
    region.add(ev);
  }
  return [...regions.values()];
}

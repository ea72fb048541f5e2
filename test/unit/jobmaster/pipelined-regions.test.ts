/**
 * Pipelined regions of streaming jobs: forward (pointwise) edges keep parallel pipelines apart,
 * one all-to-all edge (keyBy, rebalance) joins everything it connects. The failover strategies
 * restart the region of a failed subtask, or everything.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StreamExecutionEnvironment as Env } from '../../../src/api/index.js';
import { StreamExecutionEnvironment } from '../../../src/api/index.js';
import { installExecutionContext } from '../../../src/api/environment/execution-context.js';
import { createJobGraph } from '../../../src/runtime/jobgraph/job-graph-generator.js';
import { ExecutionGraph } from '../../../src/runtime/executiongraph/execution-graph.js';
import { computePipelinedRegions } from '../../../src/runtime/executiongraph/failover/pipelined-regions.js';
import { createFailoverStrategy } from '../../../src/runtime/executiongraph/failover/failover-strategy.js';

const program = {
  artifactPath: '/nonexistent.mjs',
  artifactHash: 'x',
  args: [],
  defaults: { parallelism: 1, maxParallelism: undefined, runtimeMode: 'STREAMING' as const, bufferTimeout: 100, chainingEnabled: false, chainOperatorsWithDifferentMaxParallelism: true },
  executeIndex: 0,
};

function graphOf(build: (env: Env) => void, parallelism: number): ExecutionGraph {
  installExecutionContext(undefined);
  const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(parallelism).disableOperatorChaining();
  build(env);
  return new ExecutionGraph(createJobGraph(env.getStreamGraph(), program));
}

/** Each region as sorted `name (i/p)` strings, regions sorted too. */
function describe(regions: readonly ReadonlySet<{ taskNameWithSubtask: string }>[]): string[][] {
  return regions.map((r) => [...r].map((ev) => ev.taskNameWithSubtask.replace(/#\d+$/, '')).sort()).sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''));
}

test('a forward-only job has one region per parallel pipeline', () => {
  const graph = graphOf((env) => env.fromSequence(1, 10).map((n: number) => n).print(), 2);
  const regions = computePipelinedRegions(graph);
  assert.equal(regions.length, 2);
  for (const region of regions) {
    const subtasks = new Set([...region].map((ev) => ev.subtaskIndex));
    assert.equal(subtasks.size, 1, 'a region holds one subtask index');
    assert.equal(region.size, graph.vertices.length, 'one subtask of every vertex');
  }
});

test('a keyBy joins the whole job into one region', () => {
  const graph = graphOf((env) => env.fromSequence(1, 10).keyBy((n: number) => n % 3).map((n: number) => n).print(), 3);
  const regions = computePipelinedRegions(graph);
  assert.equal(regions.length, 1);
  assert.equal(regions[0]?.size, [...graph.allExecutionVertices()].length);
});

test('a rebalance after a forward pipeline joins everything, the forward part included', () => {
  const graph = graphOf((env) => env.fromSequence(1, 10).map((n: number) => n).rebalance().print(), 2);
  assert.equal(computePipelinedRegions(graph).length, 1);
});

test('a rescale from 4 to 2 groups producers by the consumer they feed', () => {
  const graph = graphOf((env) => env.fromSequence(1, 10).setParallelism(4).rescale().map((n: number) => n).setParallelism(2).print().setParallelism(2), 2);
  const regions = describe(computePipelinedRegions(graph));
  assert.equal(regions.length, 2);
  for (const region of regions) assert.equal(region.filter((name) => name.startsWith('Source')).length, 2, region.join(', '));
});

test('region failover restarts the failed pipeline only; full failover restarts everything', () => {
  const graph = graphOf((env) => env.fromSequence(1, 10).map((n: number) => n).print(), 2);
  const failed = [...graph.allExecutionVertices()].find((ev) => ev.subtaskIndex === 1 && ev.jobVertex.jobVertex.name.includes('Map'));
  assert.ok(failed !== undefined);
  const region = createFailoverStrategy('region', graph).getTasksNeedingRestart(failed);
  assert.ok(region.has(failed));
  assert.deepEqual(new Set([...region].map((ev) => ev.subtaskIndex)), new Set([1]));
  assert.equal(region.size, graph.vertices.length);
  assert.equal(createFailoverStrategy('full', graph).getTasksNeedingRestart(failed).size, [...graph.allExecutionVertices()].length);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Collector } from '../../../src/api/index.js';
import { StreamExecutionEnvironment } from '../../../src/api/index.js';
import { installExecutionContext } from '../../../src/api/environment/execution-context.js';
import { createJobGraph } from '../../../src/runtime/jobgraph/job-graph-generator.js';
import { requiredSlots } from '../../../src/runtime/jobgraph/job-graph.js';
import { toExecutionPlan } from '../../../src/api/graph/execution-plan-json.js';
import type { StreamGraph } from '../../../src/api/graph/stream-graph.js';

const program = {
  artifactPath: '/nonexistent.mjs',
  artifactHash: 'x',
  args: [],
  defaults: { parallelism: 1, maxParallelism: undefined, runtimeMode: 'STREAMING' as const, bufferTimeout: 100, chainingEnabled: true, chainOperatorsWithDifferentMaxParallelism: true },
  executeIndex: 0,
};

function env(parallelism = 1): StreamExecutionEnvironment {
  installExecutionContext(undefined);
  return StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(parallelism);
}

function vertexNames(graph: StreamGraph): string[] {
  return createJobGraph(graph, program).vertices.map((v) => `${v.name} [${v.parallelism}]`);
}

const split = (line: string, out: Collector<string>): void => {
  for (const w of line.split(' ')) out.collect(w);
};

test('the reference example becomes Source, FlatMap, and Sum -> Sink (flink-runtime.md §1.4)', () => {
  const e = env(2);
  e.fromElements('a b').flatMap(split).keyBy((w) => w).map((w) => [w, 1]).name('Sum').print();
  assert.deepEqual(vertexNames(e.getStreamGraph()), [
    'Source: Collection Source [1]',
    'Flat Map [2]',
    'Sum -> Print to Std. Out [2]',
  ]);
});

test('operators chain when parallelism and group match and the edge is forward', () => {
  const e = env(1);
  e.fromSequence(1, 10).map((x) => x * 2).filter((x) => x > 2).print();
  assert.deepEqual(vertexNames(e.getStreamGraph()), ['Source: Sequence Source -> Map -> Filter -> Print to Std. Out [1]']);
});

test('disableChaining, startNewChain, slot sharing groups and a global switch break chains', () => {
  const e = env(1);
  e.fromSequence(1, 10).map((x) => x).disableChaining().filter(() => true).print();
  assert.deepEqual(vertexNames(e.getStreamGraph()), ['Source: Sequence Source', 'Map', 'Filter -> Print to Std. Out'].map((n) => `${n} [1]`));

  const e2 = env(1);
  e2.fromSequence(1, 10).map((x) => x).filter(() => true).startNewChain().print();
  assert.deepEqual(vertexNames(e2.getStreamGraph()), ['Source: Sequence Source -> Map [1]', 'Filter -> Print to Std. Out [1]']);

  const e3 = env(1);
  e3.fromSequence(1, 10).map((x) => x).slotSharingGroup('other').print();
  const g3 = e3.getStreamGraph();
  assert.deepEqual(vertexNames(g3), ['Source: Sequence Source [1]', 'Map -> Print to Std. Out [1]']);
  // The sink inherits the group of its only input, so the job needs one slot per group.
  assert.equal(requiredSlots(createJobGraph(g3, program)), 2);

  const e4 = env(1).disableOperatorChaining();
  e4.fromSequence(1, 10).map((x) => x).print();
  assert.equal(createJobGraph(e4.getStreamGraph(), program).vertices.length, 3);
});

test('an operator with two inputs (union or connect) always heads a chain', () => {
  const e = env(1);
  const a = e.fromSequence(1, 5);
  const b = e.fromSequence(6, 10);
  a.union(b).map((x) => x).print();
  assert.deepEqual(vertexNames(e.getStreamGraph()), ['Source: Sequence Source [1]', 'Source: Sequence Source [1]', 'Map -> Print to Std. Out [1]']);
});

test('default partitioner is FORWARD for equal parallelism, REBALANCE otherwise; keyBy is HASH', () => {
  const e = env(2);
  e.fromElements('x').map((x) => x).keyBy((x) => x).map((x) => x).setParallelism(3).print();
  const plan = toExecutionPlan(e.getStreamGraph());
  const strategies = plan.nodes.flatMap((n) => (n.predecessors ?? []).map((p) => `${p.id}->${n.id}:${p.ship_strategy}`));
  assert.deepEqual(strategies, ['1->2:REBALANCE', '2->4:HASH', '4->5:REBALANCE']);
});

test('explicit forward() between different parallelisms is rejected with Flink\'s message', () => {
  const e = env(2);
  e.fromElements('x').forward().map((x) => x).print();
  assert.throws(() => e.getStreamGraph(), /Forward partitioning does not allow change of parallelism/);
});

test('job vertex max parallelism defaults to Flink\'s derived value', () => {
  const e = env(100);
  e.fromSequence(1, 10).print();
  const jg = createJobGraph(e.getStreamGraph(), program);
  assert.equal(jg.vertices[0]?.maxParallelism, 256);
});

test('required slots follow slot sharing: max parallelism per group, summed over groups', () => {
  const e = env(4);
  e.fromElements('x').map((x) => x).setParallelism(2).keyBy((x) => x).map((x) => x).print();
  assert.equal(requiredSlots(createJobGraph(e.getStreamGraph(), program)), 4);
});

test('operator ids are stable across rebuilds and follow uids', () => {
  const build = (): StreamGraph => {
    const e = env(1);
    e.fromSequence(1, 3).map((x) => x).uid('mapper').print();
    return e.getStreamGraph();
  };
  const ids1 = [...build().nodes.values()].map((n) => n.operatorId);
  const ids2 = [...build().nodes.values()].map((n) => n.operatorId);
  assert.deepEqual(ids1, ids2);
  assert.equal(new Set(ids1).size, ids1.length);
  const e = env(1);
  e.fromSequence(1, 3).filter(() => true).map((x) => x).uid('mapper').print();
  const mapper = [...e.getStreamGraph().nodes.values()].find((n) => n.uid === 'mapper');
  assert.equal(mapper?.operatorId, ids1[1]);
});

test('duplicate uids are an error', () => {
  const e = env(1);
  e.fromSequence(1, 3).map((x) => x).uid('same').map((x) => x).uid('same').print();
  assert.throws(() => e.getStreamGraph(), /Hash collision on user-specified ID "same"/);
});

test('plan JSON has Flink\'s shape: sinks last, pacts, predecessors with ship_strategy', () => {
  const e = env(1);
  e.fromElements('a').map((x) => x).print();
  assert.deepEqual(JSON.parse(e.getExecutionPlan()), {
    nodes: [
      { id: 1, type: 'Source: Collection Source', pact: 'Data Source', contents: 'Source: Collection Source', parallelism: 1 },
      { id: 2, type: 'Map', pact: 'Operator', contents: 'Map', parallelism: 1, predecessors: [{ id: 1, ship_strategy: 'FORWARD', side: 'second' }] },
      { id: 3, type: 'Print to Std. Out', pact: 'Data Sink', contents: 'Print to Std. Out', parallelism: 1, predecessors: [{ id: 2, ship_strategy: 'FORWARD', side: 'second' }] },
    ],
  });
});

test('non-parallel sources keep parallelism 1 and refuse more', () => {
  const e = env(4);
  const src = e.fromElements(1, 2, 3);
  assert.throws(() => src.setParallelism(2), /parallelism of non parallel operator must be 1/);
  src.print();
  assert.equal([...e.getStreamGraph().nodes.values()][0]?.parallelism, 1);
});

test('BATCH with an unbounded source is rejected; AUTOMATIC picks the mode from the sources', () => {
  const e = env(1).setRuntimeMode('BATCH');
  e.socketTextStream('localhost', 9).print();
  assert.throws(() => e.getStreamGraph(), /Detected an UNBOUNDED source/);
  const e2 = env(1).setRuntimeMode('AUTOMATIC');
  e2.fromElements(1).print();
  assert.equal(e2.getStreamGraph().runtimeMode, 'BATCH');
});

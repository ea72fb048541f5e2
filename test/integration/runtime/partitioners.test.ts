/**
 * Explicit partitioning at parallelism 1, 2 and 4: every partitioner delivers exactly the input
 * multiset, and each one's routing rule is visible through the print prefixes (where a record
 * went) and the source subtask tagged onto each record (where it came from).
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Printed } from './runtime-harness.js';
import { assertBuilt, assertFinished, assertSameMultiset, fixture, groupBy, outputLines, printedBy, runJob, values } from './runtime-harness.js';

const JOB = fixture('partitioners.ts');
const COUNT = 200;
const NUMBERS = Array.from({ length: COUNT }, (_, i) => i + 1);

before(() => {
  assertBuilt();
});

interface Routed {
  readonly n: number;
  /** 0-based index of the source subtask that produced the record. */
  readonly source: number;
  /** 1-based subtask of the sink that printed it. */
  readonly sink: number;
  readonly extra: number[];
}

function parse(printed: readonly Printed[]): Routed[] {
  return printed.map(({ subtask, value }) => {
    const match = /^\((\d+),(\d+)((?:,\d+)*)\)$/.exec(value);
    assert.ok(match !== null, `not a tagged record: ${value}`);
    const extra = (match[3] ?? '').split(',').filter((s) => s !== '').map(Number);
    return { n: Number(match[1]), source: Number(match[2]), sink: subtask, extra };
  });
}

function numbersOf(routed: readonly Routed[]): string[] {
  return routed.map((r) => String(r.n));
}

for (const p of [1, 2, 4]) {
  test(`-p ${p}: rebalance, rescale, shuffle, broadcast, global, forward and partitionCustom route as specified`, async () => {
    const run = await runJob(JOB, { parallelism: p, args: ['--count', String(COUNT)] });
    assertFinished(run);
    const lines = outputLines(run.stdout);
    const all = NUMBERS.map(String);
    const half = Math.max(1, p / 2);
    const routed = (id: string, parallelism = p): Routed[] => parse(printedBy(lines, id, parallelism));

    // Every tagged source subtask index is a real subtask.
    const rebalance = routed('rebalance');
    for (const r of rebalance) assert.ok(r.source >= 0 && r.source < p, `source subtask ${r.source} of (${r.n})`);

    // rebalance: each producer deals its records round-robin, so every (producer, consumer) pair
    // carries floor(k/p) or ceil(k/p) of the producer's k records.
    assertSameMultiset(numbersOf(rebalance), all, 'rebalance');
    for (const [source, records] of groupBy(rebalance, (r) => String(r.source))) {
      const k = records.length;
      const perSink = groupBy(records, (r) => String(r.sink));
      for (let sink = 1; sink <= p; sink++) {
        const got = perSink.get(String(sink))?.length ?? 0;
        assert.ok(
          got === Math.floor(k / p) || got === Math.ceil(k / p),
          `rebalance: producer ${source} sent ${got} of its ${k} records to subtask ${sink} of ${p}`,
        );
      }
    }

    // rescale from p to p/2: consumer c reads exactly producers 2c and 2c+1.
    const rescale = routed('rescale', half);
    assertSameMultiset(numbersOf(rescale), all, 'rescale');
    for (const r of rescale) {
      assert.equal(r.sink - 1, Math.floor((r.source * half) / p), `rescale: (${r.n}) from producer ${r.source} went to subtask ${r.sink}`);
    }

    // rescale from p/2 to p: producer k deals round-robin over consumers 2k and 2k+1 only.
    const rescaleUp = routed('rescale-up');
    assertSameMultiset(numbersOf(rescaleUp), all, 'rescale up');
    const fanOut = p / half;
    for (const [source, records] of groupBy(rescaleUp, (r) => String(r.source))) {
      const perSink = groupBy(records, (r) => String(r.sink));
      for (const [sink, received] of perSink) {
        assert.equal(Math.floor((Number(sink) - 1) / fanOut), Number(source), `rescale up: producer ${source} reached subtask ${sink}`);
        const k = records.length;
        assert.ok(
          received.length === Math.floor(k / fanOut) || received.length === Math.ceil(k / fanOut),
          `rescale up: producer ${source} sent ${received.length} of its ${k} records to subtask ${sink}`,
        );
      }
      assert.equal(perSink.size, Math.min(fanOut, records.length), `rescale up: producer ${source} reaches all its consumers`);
    }

    assertSameMultiset(numbersOf(routed('shuffle')), all, 'shuffle');

    // broadcast: every subtask gets every record once.
    const broadcast = groupBy(routed('broadcast'), (r) => String(r.sink));
    assert.deepEqual([...broadcast.keys()].sort(), Array.from({ length: p }, (_, i) => String(i + 1)), 'broadcast reaches every subtask');
    for (const [sink, records] of broadcast) assertSameMultiset(numbersOf(records), all, `broadcast to subtask ${sink}`);

    // global: everything on the first subtask.
    const global = routed('global');
    assertSameMultiset(numbersOf(global), all, 'global');
    for (const r of global) assert.equal(r.sink, 1, `global: (${r.n}) printed by subtask ${r.sink}`);

    // forward across an exchange: a record stays in the subtask index that produced it.
    const forward = routed('forward');
    assertSameMultiset(numbersOf(forward), all, 'forward');
    for (const r of forward) {
      assert.deepEqual([r.extra[0], r.sink - 1], [r.source, r.source], `forward: (${r.n}) from ${r.source} seen by ${String(r.extra[0])}, printed by ${r.sink}`);
    }

    // partitionCustom(n % partitions): the chosen channel is the printing subtask.
    const custom = routed('custom');
    assertSameMultiset(numbersOf(custom), all, 'partitionCustom');
    for (const r of custom) assert.equal(r.sink, (r.n % p) + 1, `partitionCustom: (${r.n}) printed by subtask ${r.sink}`);

    const accounted = ['rebalance', 'rescale-up', 'shuffle', 'broadcast', 'global', 'forward', 'custom'].reduce((sum, id) => sum + printedBy(lines, id, p).length, 0);
    assert.equal(accounted + rescale.length, lines.length, 'every output line belongs to a sink');
    assert.equal(values(printedBy(lines, 'broadcast', p)).length, COUNT * p);
  });
}

/**
 * The Nexmark benchmark's queries (bench/nexmark/) give exactly Nexmark's answers: each query runs
 * through the built CLI on a small generated data set at -p 1 and 4, printing its results, and the
 * test computes the same query by hand over the same events (the generator is deterministic per
 * event id, and the test splits the ids over the subtasks as the source does). A slow event rate
 * (1000/s of event time) spreads a few ten thousand events over enough windows for q5 and q7.
 * The blackhole sink the benchmark uses is checked through its accumulators.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, test } from 'node:test';
import type { Bid } from '../../../bench/nexmark/model.js';
import { GeneratorConfig, splitEvents } from '../../../bench/nexmark/generator-config.js';
import { NexmarkGenerator } from '../../../bench/nexmark/nexmark-generator.js';
import { DOL_TO_EUR } from '../../../bench/nexmark/queries/q1.js';
import { Q5_WINDOW_SIZE, Q5_WINDOW_SLIDE } from '../../../bench/nexmark/queries/q5.js';
import { Q7_WINDOW_SIZE } from '../../../bench/nexmark/queries/q7.js';
import {
  ROOT,
  assertBuilt,
  assertFinished,
  assertSameMultiset,
  outputLines,
  printedAccumulators,
  printedBy,
  runJob,
  values,
} from './runtime-harness.js';

const JOB = join(ROOT, 'bench', 'nexmark', 'nexmark-job.ts');
const EVENT_RATE = 1000;

/** Every event's bid, in the order the subtasks generate them, as the source at parallelism `p` does. */
function generatedBids(events: number, p: number): Bid[] {
  const bids: Bid[] = [];
  const generator = new NexmarkGenerator(new GeneratorConfig({ firstEventRate: EVENT_RATE, numEventGenerators: p }));
  for (const split of splitEvents(events, p)) {
    for (let n = 0; n < split.maxEvents; n++) {
      const bid = generator.nextEvent(split.firstEventId + n, n).bid;
      if (bid !== null) bids.push(bid);
    }
  }
  return bids;
}

const QUERIES: Record<string, { events: number; expected: (bids: Bid[]) => unknown[] }> = {
  q0: { events: 4000, expected: (bids) => bids },
  q1: {
    events: 4000,
    expected: (bids) =>
      bids.map((b) => ({ auction: b.auction, bidder: b.bidder, price: DOL_TO_EUR * b.price, dateTime: b.dateTime, extra: b.extra })),
  },
  q2: { events: 60_000, expected: (bids) => bids.filter((b) => b.auction % 123 === 0).map((b) => ({ auction: b.auction, price: b.price })) },
  q5: {
    events: 40_000,
    expected: (bids) => {
      // Count per sliding window (by end) and auction, then keep each window's top auctions.
      const counts = new Map<number, Map<number, number>>();
      for (const b of bids) {
        const lastStart = b.dateTime - (b.dateTime % Q5_WINDOW_SLIDE);
        for (let start = lastStart; start > b.dateTime - Q5_WINDOW_SIZE; start -= Q5_WINDOW_SLIDE) {
          const perAuction = counts.get(start + Q5_WINDOW_SIZE) ?? new Map<number, number>();
          perAuction.set(b.auction, (perAuction.get(b.auction) ?? 0) + 1);
          counts.set(start + Q5_WINDOW_SIZE, perAuction);
        }
      }
      const out: unknown[] = [];
      for (const [windowEnd, perAuction] of counts) {
        const max = Math.max(...perAuction.values());
        for (const [auction, num] of perAuction) if (num === max) out.push({ auction, num, windowEnd });
      }
      return out;
    },
  },
  q7: {
    events: 40_000,
    expected: (bids) => {
      const maxPrice = new Map<number, number>();
      const windowOf = (b: Bid): number => b.dateTime - (b.dateTime % Q7_WINDOW_SIZE);
      for (const b of bids) maxPrice.set(windowOf(b), Math.max(maxPrice.get(windowOf(b)) ?? -1, b.price));
      return bids
        .filter((b) => b.price === maxPrice.get(windowOf(b)))
        .map((b) => ({ auction: b.auction, price: b.price, bidder: b.bidder, dateTime: b.dateTime, extra: b.extra }));
    },
  },
};

before(() => {
  assertBuilt();
});

for (const p of [1, 4]) {
  for (const [query, { events, expected }] of Object.entries(QUERIES)) {
    test(`-p ${p}, Nexmark ${query} over ${events} events: exactly the results computed by hand`, async () => {
      const run = await runJob(JOB, {
        parallelism: p,
        args: ['--query', query, '--events', String(events), '--event-rate', String(EVENT_RATE), '--sink', 'print'],
      });
      assertFinished(run);
      const want = expected(generatedBids(events, p)).map((r) => JSON.stringify(r));
      assert.ok(want.length > 0, `${query}: the data set should give some results`);
      assertSameMultiset(values(printedBy(outputLines(run.stdout), undefined, p)), want, query);
    });
  }
}

test('-p 2, the blackhole sink counts every result and reports its CPU and wall time per subtask', async () => {
  const events = 60_000;
  const run = await runJob(JOB, { parallelism: 2, args: ['--query', 'q2', '--events', String(events), '--event-rate', String(EVENT_RATE)] });
  assertFinished(run);
  const [acc] = printedAccumulators(run.stdout);
  assert.ok(acc !== undefined, run.stdout);
  const want = QUERIES.q2?.expected(generatedBids(events, 2)).length;
  assert.equal(acc.results, `number:${want}`);
  for (const subtask of [0, 1]) {
    for (const name of ['openCpuUs', 'closeCpuUs', 'openMs', 'closeMs']) assert.match(acc[`${name}-${subtask}`] ?? '', /^number:\d+$/, name);
    assert.ok(Number(acc[`closeCpuUs-${subtask}`]?.slice(7)) >= Number(acc[`openCpuUs-${subtask}`]?.slice(7)));
  }
});

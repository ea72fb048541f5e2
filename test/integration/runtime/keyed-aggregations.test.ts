/**
 * keyBy with the built-in aggregations and reduce, on tuples, on objects by field name and on a
 * nested field, at parallelism 1, 2 and 4, in STREAMING (every update) and BATCH (final values).
 * The expected values are computed here with plain loops over the same input records.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Purchase } from '../../fixtures/jobs/runtime/datasets.js';
import { purchases } from '../../fixtures/jobs/runtime/datasets.js';
import type { JobRun, Printed } from './runtime-harness.js';
import {
  assertBuilt,
  assertFinished,
  assertOneSubtaskPerKey,
  fixture,
  groupBy,
  outputLines,
  printedBy,
  runJob,
} from './runtime-harness.js';

const JOB = fixture('keyed-aggregations.ts');

before(() => {
  assertBuilt();
});

const tuple = (p: Purchase): string => `(${p.user},${p.amount},${p.seq})`;
const object = (p: Purchase): string => JSON.stringify({ user: p.user, amount: p.amount, seq: p.seq });
const nested = (p: Purchase): string => JSON.stringify({ user: p.user, stats: { amount: p.amount }, seq: p.seq });

/**
 * How each aggregation folds a key's next record into its current value, written from the
 * documented semantics: sum/min/max change only the field of the key's first record; minBy/maxBy
 * keep the whole record with the extreme, the first one on ties; the reduce keeps the latest seq.
 */
const AGGREGATIONS: Record<string, { fold: (acc: Purchase, next: Purchase) => Purchase; format: (p: Purchase) => string }> = {
  't-sum': { fold: (a, b) => ({ ...a, amount: a.amount + b.amount }), format: tuple },
  't-min': { fold: (a, b) => ({ ...a, amount: Math.min(a.amount, b.amount) }), format: tuple },
  't-max': { fold: (a, b) => ({ ...a, amount: Math.max(a.amount, b.amount) }), format: tuple },
  't-minBy': { fold: (a, b) => (b.amount < a.amount ? b : a), format: tuple },
  't-maxBy': { fold: (a, b) => (b.amount > a.amount ? b : a), format: tuple },
  't-reduce': { fold: (a, b) => ({ user: a.user, amount: a.amount + b.amount, seq: b.seq }), format: tuple },
  'o-sum': { fold: (a, b) => ({ ...a, amount: a.amount + b.amount }), format: object },
  'o-min': { fold: (a, b) => ({ ...a, amount: Math.min(a.amount, b.amount) }), format: object },
  'o-max': { fold: (a, b) => ({ ...a, amount: Math.max(a.amount, b.amount) }), format: object },
  'o-minBy': { fold: (a, b) => (b.amount < a.amount ? b : a), format: object },
  'o-maxBy': { fold: (a, b) => (b.amount > a.amount ? b : a), format: object },
  'n-sum': { fold: (a, b) => ({ ...a, amount: a.amount + b.amount }), format: nested },
};

/** Per aggregation, per user: every value the aggregation takes, in input order. */
function runningValues(): Map<string, Map<string, string[]>> {
  const all = new Map<string, Map<string, string[]>>();
  for (const [id, { fold, format }] of Object.entries(AGGREGATIONS)) {
    const current = new Map<string, Purchase>();
    const updates = new Map<string, string[]>();
    for (const record of purchases()) {
      const previous = current.get(record.user);
      const next = previous === undefined ? record : fold(previous, record);
      current.set(record.user, next);
      updates.set(record.user, [...(updates.get(record.user) ?? []), format(next)]);
    }
    all.set(id, updates);
  }
  return all;
}

const EXPECTED = runningValues();
const USERS = [...new Set(purchases().map((p) => p.user))].sort();

function userOf(value: string): string {
  const tupleKey = /^\(([^,]+),/.exec(value);
  if (tupleKey !== null) return tupleKey[1] ?? '';
  return (JSON.parse(value) as { user: string }).user;
}

/** Checks prefixes and keyBy partitioning of every aggregation; returns each one's lines. */
function printedAggregations(run: JobRun, p: number): Map<string, Printed[]> {
  const lines = outputLines(run.stdout);
  const byId = new Map<string, Printed[]>();
  let printedCount = 0;
  // The same key goes to the same subtask in every keyed operator (same parallelism and key groups).
  const owners = new Map<string, number>();
  for (const id of Object.keys(AGGREGATIONS)) {
    const printed = printedBy(lines, id, p);
    printedCount += printed.length;
    for (const [user, subtask] of assertOneSubtaskPerKey(printed, userOf, id)) {
      const owner = owners.get(user) ?? subtask;
      owners.set(user, owner);
      assert.equal(subtask, owner, `user ${user} is on subtask ${owner} in one keyed operator and on ${subtask} in '${id}'`);
    }
    byId.set(id, printed);
  }
  assert.equal(printedCount, lines.length, `every output line belongs to an aggregation:\n${lines.join('\n')}`);
  return byId;
}

for (const p of [1, 2, 4]) {
  test(`STREAMING at -p ${p}: each key's output is exactly its running aggregate, in input order, from one subtask`, async () => {
    const run = await runJob(JOB, { parallelism: p, args: ['--execution-mode', 'streaming'] });
    assertFinished(run);
    for (const [id, printed] of printedAggregations(run, p)) {
      const actual = groupBy(printed, (entry) => userOf(entry.value));
      assert.deepEqual([...actual.keys()].sort(), USERS, id);
      for (const user of USERS) {
        assert.deepEqual(
          actual.get(user)?.map((entry) => entry.value),
          EXPECTED.get(id)?.get(user),
          `${id}: updates of ${user}`,
        );
      }
    }
  });
}

/** BATCH: exactly one line per key and aggregation, the final value. */
function assertBatchOutput(run: JobRun, p: number): void {
  for (const [id, printed] of printedAggregations(run, p)) {
    const finals = new Map(
      [...(EXPECTED.get(id) ?? new Map<string, string[]>())].map(([user, updates]) => [user, updates[updates.length - 1]]),
    );
    assert.equal(printed.length, USERS.length, `${id}: one line per key, got\n${printed.map((e) => e.value).join('\n')}`);
    for (const { value } of printed) assert.equal(value, finals.get(userOf(value)), `${id}: final value of ${userOf(value)}`);
  }
}

for (const p of [1, 2, 4]) {
  test(`BATCH (--execution-mode batch) at -p ${p}: one line per key with the final value`, async () => {
    const run = await runJob(JOB, { parallelism: p, args: ['--execution-mode', 'batch'] });
    assertFinished(run);
    assertBatchOutput(run, p);
  });
}

test('BATCH from the configuration (-D execution.runtime-mode=BATCH) at -p 2 gives the same final values', async () => {
  const run = await runJob(JOB, { parallelism: 2, defines: ['execution.runtime-mode=BATCH'] });
  assertFinished(run);
  assertBatchOutput(run, 2);
});

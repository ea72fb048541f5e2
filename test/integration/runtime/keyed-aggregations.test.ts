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

interface Aggregation {
  readonly fold: (acc: Purchase, next: Purchase) => Purchase;
  readonly format: (p: Purchase) => string;
  /** The key the job groups by; the user unless the aggregation uses a composite key. */
  readonly key?: (p: Purchase) => string;
}

/**
 * How each aggregation folds a key's next record into its current value, written from the
 * documented semantics: sum/min/max change only the field of the key's first record; minBy/maxBy
 * keep the whole record with the extreme, the first one on ties; the reduce keeps the latest seq.
 */
const sum = (a: Purchase, b: Purchase): Purchase => ({ ...a, amount: a.amount + b.amount });
const byUserAndParity = (p: Purchase): string => `${p.user}/${p.amount % 2}`;
const AGGREGATIONS: Record<string, Aggregation> = {
  't-sum': { fold: sum, format: tuple },
  't-min': { fold: (a, b) => ({ ...a, amount: Math.min(a.amount, b.amount) }), format: tuple },
  't-max': { fold: (a, b) => ({ ...a, amount: Math.max(a.amount, b.amount) }), format: tuple },
  't-minBy': { fold: (a, b) => (b.amount < a.amount ? b : a), format: tuple },
  't-maxBy': { fold: (a, b) => (b.amount > a.amount ? b : a), format: tuple },
  't-reduce': { fold: (a, b) => ({ user: a.user, amount: a.amount + b.amount, seq: b.seq }), format: tuple },
  'o-sum': { fold: sum, format: object },
  'o-min': { fold: (a, b) => ({ ...a, amount: Math.min(a.amount, b.amount) }), format: object },
  'o-max': { fold: (a, b) => ({ ...a, amount: Math.max(a.amount, b.amount) }), format: object },
  'o-minBy': { fold: (a, b) => (b.amount < a.amount ? b : a), format: object },
  'o-maxBy': { fold: (a, b) => (b.amount > a.amount ? b : a), format: object },
  'n-sum': { fold: sum, format: nested },
  'c-sum': { fold: sum, format: tuple, key: byUserAndParity },
  'k-sum': { fold: sum, format: object, key: byUserAndParity },
};
const USER_KEYED = Object.keys(AGGREGATIONS).filter((id) => AGGREGATIONS[id]?.key === undefined);

/**
 * Per aggregation, per group: every value the aggregation takes, in input order. A group is named
 * by what its printed values show: the user, and for composite keys also the seq of the group's
 * first record, which sum keeps (the parity of a sum is not the key's parity).
 */
function runningValues(): Map<string, Map<string, string[]>> {
  const all = new Map<string, Map<string, string[]>>();
  for (const [id, { fold, format, key }] of Object.entries(AGGREGATIONS)) {
    const current = new Map<string, Purchase>();
    const updates = new Map<string, string[]>();
    for (const record of purchases()) {
      const k = key === undefined ? record.user : key(record);
      const previous = current.get(k);
      const next = previous === undefined ? record : fold(previous, record);
      current.set(k, next);
      const group = key === undefined ? record.user : `${next.user}/${next.seq}`;
      updates.set(group, [...(updates.get(group) ?? []), format(next)]);
    }
    all.set(id, updates);
  }
  return all;
}

const EXPECTED = runningValues();
const USERS = [...new Set(purchases().map((p) => p.user))].sort();

function recordOf(value: string): { user: string; seq: number } {
  const fields = /^\(([^,]+),\d+,(\d+)\)$/.exec(value);
  if (fields !== null) return { user: fields[1] ?? '', seq: Number(fields[2]) };
  return JSON.parse(value) as { user: string; seq: number };
}
/** The group a printed value belongs to (see runningValues). */
function groupOf(id: string, value: string): string {
  const { user, seq } = recordOf(value);
  return AGGREGATIONS[id]?.key === undefined ? user : `${user}/${seq}`;
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
    const groupOwners = assertOneSubtaskPerKey(printed, (value) => groupOf(id, value), id);
    if (USER_KEYED.includes(id)) {
      for (const [user, subtask] of groupOwners) {
        const owner = owners.get(user) ?? subtask;
        owners.set(user, owner);
        assert.equal(subtask, owner, `user ${user} is on subtask ${owner} in one keyed operator and on ${subtask} in '${id}'`);
      }
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
      const expected = EXPECTED.get(id) ?? new Map<string, string[]>();
      const actual = groupBy(printed, (entry) => groupOf(id, entry.value));
      assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort(), id);
      for (const [group, updates] of expected) {
        assert.deepEqual(
          actual.get(group)?.map((entry) => entry.value),
          updates,
          `${id}: updates of ${group}`,
        );
      }
    }
  });
}

/** BATCH: exactly one line per key and aggregation, the final value. */
function assertBatchOutput(run: JobRun, p: number): void {
  for (const [id, printed] of printedAggregations(run, p)) {
    const finals = new Map(
      [...(EXPECTED.get(id) ?? new Map<string, string[]>())].map(([group, updates]) => [group, updates[updates.length - 1]]),
    );
    assert.equal(printed.length, finals.size, `${id}: one line per key, got\n${printed.map((e) => e.value).join('\n')}`);
    for (const { value } of printed) assert.equal(value, finals.get(groupOf(id, value)), `${id}: final value of ${groupOf(id, value)}`);
    if (USER_KEYED.includes(id)) assert.equal(finals.size, USERS.length);
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

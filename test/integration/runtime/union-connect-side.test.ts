/**
 * union of two and three streams, connect with CoMap / CoFlatMap / keyBy on both inputs, and side
 * outputs of a ProcessFunction and of a KeyedProcessFunction, at parallelism 1, 2 and 4.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { WORDS } from '../../fixtures/jobs/runtime/datasets.js';
import {
  assertBuilt,
  assertFinished,
  assertOneSubtaskPerKey,
  assertSameMultiset,
  fixture,
  groupBy,
  outputLines,
  printedBy,
  runJob,
  values,
} from './runtime-harness.js';

const JOB = fixture('union-connect-side.ts');
const NUMBERS = Array.from({ length: 40 }, (_, i) => i + 1);
const LETTERS = ['x', 'y', 'z'];
const letterOf = (n: number): string => 'abcdefgklm'.charAt(n % 10);

before(() => {
  assertBuilt();
});

const EXPECTED: Record<string, string[]> = {
  union3: [...NUMBERS.map((n) => `n${n}`), ...WORDS.map((w) => `w:${w}`), ...LETTERS.map((l) => `l:${l}`)],
  union2: [...WORDS, ...LETTERS],
  comap: [...NUMBERS.map((n) => `num:${n * 2}`), ...WORDS.map((w) => `len:${w}:${w.length}`)],
  coflat: [...NUMBERS.filter((n) => n % 10 === 0).map((n) => `tens:${n}`), ...LETTERS.flatMap((l) => [`${l}1`, `${l}2`])],
  even: NUMBERS.filter((n) => n % 2 === 0).map(String),
  odd: NUMBERS.filter((n) => n % 2 === 1).map((n) => `odd-${n}`),
  five: NUMBERS.filter((n) => n % 5 === 0).map(String),
  initial: WORDS.map((w) => `${w.charAt(0)}|${w}`),
  long: WORDS.filter((w) => w.length > 6).map((w) => `${w.charAt(0)}|${w}`),
};

for (const p of [1, 2, 4]) {
  test(`-p ${p}: union, connect and side outputs give exactly the expected records`, async () => {
    const run = await runJob(JOB, { parallelism: p });
    assertFinished(run);
    const lines = outputLines(run.stdout);
    let accounted = 0;
    for (const [id, expected] of Object.entries(EXPECTED)) {
      const printed = printedBy(lines, id, p);
      accounted += printed.length;
      assertSameMultiset(values(printed), expected, id);
    }

    // KeyedProcessFunction: the key it sees is the record's key, all records of a key come from
    // one subtask in input order, and the side output of a key comes from that same subtask.
    const initial = printedBy(lines, 'initial', p);
    const initialOwner = assertOneSubtaskPerKey(initial, (v) => v.split('|')[0] ?? '', 'initial');
    for (const { value } of initial) assert.equal(value.split('|')[0], value.split('|')[1]?.charAt(0), `getCurrentKey() for ${value}`);
    for (const [key, entries] of groupBy(initial, (e) => e.value.split('|')[0] ?? '')) {
      assert.deepEqual(
        values(entries),
        WORDS.filter((w) => w.startsWith(key)).map((w) => `${key}|${w}`),
        `words of key ${key} in input order`,
      );
    }
    for (const { subtask, value } of printedBy(lines, 'long', p)) {
      assert.equal(subtask, initialOwner.get(value.split('|')[0] ?? ''), `side output ${value} comes from its key's subtask`);
    }

    // Keyed connect: each key's records from both inputs meet in one instance, which counted
    // them 1..n, n being the number of records of that key over both inputs.
    const keyed = printedBy(lines, 'keyedco', p);
    accounted += keyed.length;
    assertOneSubtaskPerKey(keyed, (v) => v.split('#')[0] ?? '', 'keyedco');
    const expectedPerKey = groupBy(
      [...WORDS.map((w) => `${w.charAt(0)}#word`), ...NUMBERS.map((n) => `${letterOf(n)}#number`)],
      (k) => k.split('#')[0] ?? '',
    );
    const actualPerKey = groupBy(values(keyed), (v) => v.split('#')[0] ?? '');
    assert.deepEqual([...actualPerKey.keys()].sort(), [...expectedPerKey.keys()].sort());
    for (const [key, expected] of expectedPerKey) {
      const actual = actualPerKey.get(key) ?? [];
      assert.deepEqual(
        actual.map((v) => Number(v.split('#')[1])).sort((a, b) => a - b),
        expected.map((_, i) => i + 1),
        `counts of key ${key}: ${actual.join(' ')}`,
      );
      assertSameMultiset(
        actual.map((v) => `${key}#${v.split('#')[2] ?? ''}`),
        expected,
        `inputs of key ${key}`,
      );
    }
    assert.equal(accounted, lines.length, `every output line belongs to a sink:\n${lines.join('\n')}`);
  });
}

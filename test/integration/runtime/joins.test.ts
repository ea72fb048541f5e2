/**
 * Stream joins through the built CLI at -p 1 and 4: window join and coGroup (tumbling and
 * sliding) over fixed out-of-order grades and salaries, the interval join with inclusive and
 * exclusive bounds and late elements, and the window-join example with a finite count. Expected
 * outputs are computed here from the same fixed inputs, by the definitions.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, test } from 'node:test';
import type { Grade, IntervalEvent, Salary } from '../../fixtures/jobs/runtime/joins-data.js';
import {
  GRADES,
  INTERVAL_BATCHES,
  INTERVAL_LOWER,
  INTERVAL_UPPER,
  INTERVAL_WATERMARK,
  SALARIES,
} from '../../fixtures/jobs/runtime/joins-data.js';
import { gradeAt, salaryAt } from '../../../examples/window-join-sample-data.js';
import { ROOT, assertBuilt, assertFinished, assertSameMultiset, fixture, outputLines, printedBy, runJob, values } from './runtime-harness.js';

const WINDOW_JOB = fixture('joins-window.ts');
const INTERVAL_JOB = fixture('joins-interval.ts');
const EXAMPLE = join(ROOT, 'examples', 'window-join.ts');

interface WindowSpec {
  size: number;
  slide: number;
}
const TUMBLING: WindowSpec = { size: 1000, slide: 1000 };
const SLIDING: WindowSpec = { size: 2000, slide: 1000 };

/** The starts of the windows containing `ts` (Flink's sliding assignment; tumbling is slide = size). */
function windowStarts(ts: number, { size, slide }: WindowSpec): number[] {
  const starts: number[] = [];
  for (let start = ts - (((ts % slide) + slide) % slide); start > ts - size; start -= slide) starts.push(start);
  return starts;
}

/** Each (name, window start) with the grades and salaries in it. */
function windowGroups(spec: WindowSpec): Map<string, { name: string; end: number; grades: Grade[]; salaries: Salary[] }> {
  const groups = new Map<string, { name: string; end: number; grades: Grade[]; salaries: Salary[] }>();
  const group = (name: string, start: number) => {
    const id = `${name}@${start}`;
    let g = groups.get(id);
    if (g === undefined) {
      g = { name, end: start + spec.size, grades: [], salaries: [] };
      groups.set(id, g);
    }
    return g;
  };
  for (const g of GRADES) for (const start of windowStarts(g[2], spec)) group(g[0], start).grades.push(g);
  for (const s of SALARIES) for (const start of windowStarts(s[2], spec)) group(s[0], start).salaries.push(s);
  return groups;
}

/** Inner join: every (grade, salary) pair of a name within one window, stamped end - 1. */
function expectedJoin(spec: WindowSpec): string[] {
  const out: string[] = [];
  for (const { name, end, grades, salaries } of windowGroups(spec).values()) {
    for (const g of grades) for (const s of salaries) out.push(`(${name},${g[1]},${s[1]}) @${end - 1}`);
  }
  return out;
}

/** CoGroup: one call per name and window with any element, either side possibly empty. */
function expectedCoGroup(spec: WindowSpec): string[] {
  const sorted = (xs: number[]): string => `[${xs.sort((a, b) => a - b).join(',')}]`;
  return [...windowGroups(spec).values()].map(
    ({ name, end, grades, salaries }) => `${name} g=${sorted(grades.map((g) => g[1]))} s=${sorted(salaries.map((s) => s[1]))} @${end - 1}`,
  );
}

before(() => {
  assertBuilt();
});

test('the fixed input covers the cases: one-sided names, pairs in some windows only', () => {
  const tumbling = expectedCoGroup(TUMBLING);
  assert.ok(tumbling.some((l) => l.includes('g=[] ')) && tumbling.some((l) => l.includes(' s=[] ')), 'names on one side only');
  assert.ok(expectedJoin(TUMBLING).length >= 8 && expectedJoin(SLIDING).length > expectedJoin(TUMBLING).length);
});

for (const p of [1, 4]) {
  for (const [mode, expected] of [
    ['join-tumbling', expectedJoin(TUMBLING)],
    ['join-sliding', expectedJoin(SLIDING)],
    ['cogroup-tumbling', expectedCoGroup(TUMBLING)],
    ['cogroup-sliding', expectedCoGroup(SLIDING)],
  ] as const) {
    test(`-p ${p}, ${mode}: exactly the expected results, each stamped with its window's maxTimestamp`, async () => {
      const run = await runJob(WINDOW_JOB, { parallelism: p, args: ['--mode', mode] });
      assertFinished(run);
      assertSameMultiset(values(printedBy(outputLines(run.stdout), undefined, p)), expected, mode);
    });
  }
}

/** The interval join's results by its definition, over the elements that are not late. */
function expectedInterval(exclusive: boolean): { joined: string[]; late: string[] } {
  const kept: IntervalEvent[] = [];
  const late: string[] = [];
  INTERVAL_BATCHES.forEach((batch, i) => {
    for (const e of batch) {
      if (e[0] === 'W') continue;
      // Elements after the first batch's watermark that are behind it are late (Flink: ts < watermark).
      if (i > 0 && e[2] < INTERVAL_WATERMARK) late.push(`${e[0] === 'L' ? 'left' : 'right'} ${e[1]} ${e[2]}`);
      else kept.push(e);
    }
  });
  const joined: string[] = [];
  for (const l of kept.filter((e) => e[0] === 'L')) {
    for (const r of kept.filter((e) => e[0] === 'R' && e[1] === l[1])) {
      const lo = l[2] + INTERVAL_LOWER;
      const hi = l[2] + INTERVAL_UPPER;
      const inside = exclusive ? r[2] > lo && r[2] < hi : r[2] >= lo && r[2] <= hi;
      const ts = Math.max(l[2], r[2]);
      if (inside) joined.push(`${l[1]} L${l[2]} R${r[2]} ctx=${ts} @${ts}`);
    }
  }
  return { joined, late };
}

test('the interval input covers the cases: boundary pairs, late elements that would have joined', () => {
  const inclusive = expectedInterval(false);
  const exclusive = expectedInterval(true);
  assert.ok(inclusive.joined.length > exclusive.joined.length, 'pairs on the bounds');
  assert.deepEqual(inclusive.late.sort(), ['left a 8500', 'right b 9000']);
});

for (const p of [1, 4]) {
  for (const exclusive of [false, true]) {
    test(`-p ${p}, interval join ${exclusive ? '(lower, upper)' : '[lower, upper]'}: exactly the pairs in bounds, stamped max(left, right); late elements dropped to the side outputs`, async () => {
      const run = await runJob(INTERVAL_JOB, { parallelism: p, args: exclusive ? ['--exclusive'] : [] });
      assertFinished(run);
      const lines = outputLines(run.stdout);
      const expected = expectedInterval(exclusive);
      assertSameMultiset(values(printedBy(lines, 'join', p)), expected.joined, 'joined pairs');
      assertSameMultiset(values(printedBy(lines, 'late', p)), expected.late, 'late elements');
    });
  }
}

test('examples/window-join.ts with --count: finishes, prints (name,grade,salary) tuples of one name each', async () => {
  const count = 60;
  const run = await runJob(EXAMPLE, { parallelism: 2, args: ['--count', String(count), '--rate', '500', '--windowSize', '600000'] });
  assertFinished(run);
  const lines = outputLines(run.stdout).filter((l) => !l.startsWith('Using windowSize=') && !l.startsWith('To customize example'));
  const gradesOf = new Map<string, Set<number>>();
  const salariesOf = new Map<string, Set<number>>();
  for (let i = 0; i < count; i++) {
    const [gn, g] = gradeAt(i);
    const [sn, s] = salaryAt(i);
    gradesOf.set(gn, (gradesOf.get(gn) ?? new Set()).add(g));
    salariesOf.set(sn, (salariesOf.get(sn) ?? new Set()).add(s));
  }
  assert.ok(lines.length > 0, 'joined pairs were printed');
  for (const line of lines) {
    const match = /^\((\w+),(\d+),(\d+)\)$/.exec(line);
    assert.ok(match !== null, `'${line}' prints as Flink's Tuple3: (name,grade,salary)`);
    const [, name = '', grade, salary] = match;
    assert.ok(gradesOf.get(name)?.has(Number(grade)), `${line}: ${name} has grade ${grade}`);
    assert.ok(salariesOf.get(name)?.has(Number(salary)), `${line}: ${name} has salary ${salary}`);
  }
  // At most every pair of equal names: windows can only split them.
  let maxPairs = 0;
  for (const [name, grades] of gradesOf) maxPairs += grades.size * (salariesOf.get(name)?.size ?? 0);
  assert.ok(new Set(lines).size <= maxPairs);
});

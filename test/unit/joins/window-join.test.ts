import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { Collector } from '../../../src/api/common/records.js';
import type { OneInputStreamOperator } from '../../../src/api/operators/stream-operator.js';
import type { TaggedUnion } from '../../../src/api/operators/co-group-window-function.js';
import type { OneInputTransformation, TwoInputTransformation } from '../../../src/api/transformations/transformation.js';
import type { DataStream } from '../../../src/api/index.js';
import { CoGroupWindowFunction, JoinCoGroupFunction, tagFirst, tagSecond, unionKeySelector } from '../../../src/api/operators/co-group-window-function.js';
import {
  CountTrigger,
  RichCoGroupFunction,
  RichFlatJoinFunction,
  RichJoinFunction,
  SlidingEventTimeWindows,
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
} from '../../../src/api/index.js';
import { OneInputHarness } from '../state/operator-harness.js';
import { ManualProcessingTime, newBackend } from '../state/state-test-support.js';

type Grade = [name: string, grade: number];
type Salary = [name: string, salary: number];
type Tagged = TaggedUnion<Grade, Salary>;

const collect = <T>(): { out: Collector<T>; items: T[] } => {
  const items: T[] = [];
  return { out: { collect: (v: T) => items.push(v) }, items };
};

test('CoGroupWindowFunction splits a window back into both inputs in arrival order, an empty list for a missing side', () => {
  const calls: string[] = [];
  const fn = new CoGroupWindowFunction<Grade, Salary, string, string, never>((first, second, out) => {
    out.collect(`${[...first].map((g) => g[1]).join(',')}|${[...second].map((s) => s[1]).join(',')}`);
    calls.push('called');
  });
  const { out, items } = collect<string>();
  const ctx = {} as Parameters<typeof fn.process>[1];
  fn.process('tom', ctx, [tagFirst(['tom', 1]), tagSecond(['tom', 100]), tagFirst(['tom', 2])], out);
  fn.process('bob', ctx, [tagSecond(['bob', 7])], out);
  fn.process('amy', ctx, [tagFirst(['amy', 3])], out);
  assert.deepEqual(items, ['1,2|100', '|7', '3|']);
  assert.equal(calls.length, 3);
});

test('JoinCoGroupFunction: the cross product per key and window (first input outermost), nothing when a side is empty', () => {
  const grades: Grade[] = [
    ['tom', 1],
    ['tom', 2],
  ];
  const salaries: Salary[] = [
    ['tom', 10],
    ['tom', 20],
    ['tom', 30],
  ];
  const join = new JoinCoGroupFunction<Grade, Salary, string>((g: Grade, s: Salary) => `${g[1]}/${s[1]}`);
  const { out, items } = collect<string>();
  join.coGroup(grades, salaries, out);
  join.coGroup(grades, [], out);
  join.coGroup([], salaries, out);
  assert.deepEqual(items, ['1/10', '1/20', '1/30', '2/10', '2/20', '2/30']);
});

test('join functions: a lambda or object returning one result, or taking a collector (flat) and emitting any number', () => {
  const g: Grade[] = [['tom', 4]];
  const s: Salary[] = [['tom', 9]];
  const run = (fn: ConstructorParameters<typeof JoinCoGroupFunction<Grade, Salary, unknown>>[0]): unknown[] => {
    const { out, items } = collect<unknown>();
    new JoinCoGroupFunction<Grade, Salary, unknown>(fn).coGroup(g, s, out);
    return items;
  };
  assert.deepEqual(run((a: Grade, b: Salary) => [a[0], a[1], b[1]]), [['tom', 4, 9]]);
  assert.deepEqual(run({ join: (a: Grade, b: Salary) => a[1] + b[1] }), [13]);
  assert.deepEqual(
    run((a: Grade, b: Salary, out: Collector<unknown>) => {
      out.collect(a[1]);
      out.collect(b[1]);
    }),
    [4, 9],
  );
  assert.deepEqual(run((_a: Grade, _b: Salary, _out: Collector<unknown>) => undefined), []);
  class Flat extends RichFlatJoinFunction<Grade, Salary, unknown> {
    join(a: Grade, b: Salary, out: Collector<unknown>): void {
      if (a[1] < b[1]) out.collect('less');
    }
  }
  assert.deepEqual(run(new Flat()), ['less']);
});

test('rich join and coGroup functions get their runtime context, open and close through the wrappers', async () => {
  const calls: string[] = [];
  class Join extends RichJoinFunction<Grade, Salary, string> {
    override open(): void {
      calls.push(`join open ${this.getRuntimeContext().getTaskInfo().taskName}`);
    }
    join(a: Grade, b: Salary): string {
      return `${a[0]}${b[1]}`;
    }
    override close(): void {
      calls.push('join close');
    }
  }
  class CoGroup extends RichCoGroupFunction<Grade, Salary, string> {
    override open(): void {
      calls.push(`coGroup open ${this.getRuntimeContext().getTaskInfo().taskName}`);
    }
    coGroup(): void {
      // nothing to emit
    }
    override close(): void {
      calls.push('coGroup close');
    }
  }
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const grades = env.fromElements<Grade>(['tom', 1]);
  const salaries = env.fromElements<Salary>(['tom', 2]);
  for (const result of [
    grades.join(salaries).where((g) => g[0]).equalTo((s) => s[0]).window(TumblingEventTimeWindows.of(10)).apply(new Join()),
    grades.coGroup(salaries).where((g) => g[0]).equalTo((s) => s[0]).window(TumblingEventTimeWindows.of(10)).apply(new CoGroup()),
  ]) {
    const h = await harnessOf(result);
    await h.operator.close();
  }
  assert.deepEqual(calls, ['join open op', 'join close', 'coGroup open op', 'coGroup close']);
});

/** The window operator the API put in the graph, driven as a task would, fed tagged elements. */
async function harnessOf(result: { getTransformation(): unknown }): Promise<OneInputHarness<Tagged>> {
  const t = result.getTransformation() as OneInputTransformation<Tagged, unknown>;
  const clock = new ManualProcessingTime(0);
  const harness = new OneInputHarness<Tagged>(t.operatorFactory.create() as OneInputStreamOperator<Tagged>, t.keySelector, newBackend(clock), clock);
  await harness.open();
  return harness;
}

test('join(...).window(tumbling) builds one tagger of both inputs, keyed by name, and the window operator', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const grades = env.fromElements<Grade>(['tom', 1]);
  const salaries = env.fromElements<Salary>(['tom', 2]).map((s) => s).setParallelism(3);
  const result = grades
    .join(salaries)
    .where((g) => g[0])
    .equalTo({ getKey: (s: Salary) => s[0] })
    .window(TumblingEventTimeWindows.of(1000))
    .apply((g, s) => [g[0], g[1], s[1]]);
  assert.equal(result.getName(), 'Window(Join)');
  const windowT = result.getTransformation() as unknown as OneInputTransformation<Tagged, unknown>;
  const tagger = (windowT.input.getInputs()[0] ?? windowT.input) as unknown as TwoInputTransformation<Grade, Salary, Tagged>;
  assert.equal(tagger.kind, 'twoInput');
  assert.equal(tagger.name, 'Co-Map');
  assert.deepEqual([tagger.input1, tagger.input2], [grades.getTransformation(), salaries.getTransformation()]);
  assert.equal(windowT.keySelector?.(tagFirst(['tom', 1])), 'tom');

  const h = await harnessOf(result);
  const grade = (name: string, g: number, ts: number): void => h.process(tagFirst([name, g]), ts);
  const salary = (name: string, s: number, ts: number): void => h.process(tagSecond([name, s]), ts);
  grade('tom', 1, 100);
  salary('tom', 10, 900);
  salary('bob', 20, 300); // bob has no grade: no output
  grade('tom', 2, 1500); // next window: no salary there
  salary('tom', 30, 50);
  h.watermark(999);
  assert.deepEqual(
    h.emitted.map((e) => [e.value, e.timestamp]),
    [
      [['tom', 1, 10], 999],
      [['tom', 1, 30], 999],
    ],
  );
  h.watermark(Number.POSITIVE_INFINITY);
  assert.equal(h.emitted.length, 2);
});

test('coGroup(...).window(sliding) calls the function per key and window with both sides, empty lists included', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const result = env
    .fromElements<Grade>(['tom', 1])
    .coGroup(env.fromElements<Salary>(['tom', 2]))
    .where((g) => g[0])
    .equalTo((s) => s[0])
    .window(SlidingEventTimeWindows.of(1000, 500))
    .apply((gs: Iterable<Grade>, ss: Iterable<Salary>, out: Collector<string>) => {
      const g = [...gs];
      const s = [...ss];
      out.collect(`${g[0]?.[0] ?? s[0]?.[0] ?? '?'} g=${g.map((x) => x[1]).join(',')} s=${s.map((x) => x[1]).join(',')}`);
    });
  assert.equal(result.getName(), 'Window(CoGroup)');
  const h = await harnessOf(result);
  h.process(tagFirst(['tom', 1]), 200);
  h.process(tagSecond(['tom', 10]), 700);
  h.process(tagSecond(['bob', 20]), 100);
  h.watermark(Number.POSITIVE_INFINITY);
  assert.deepEqual(
    h.emitted.map((e) => `${String(e.value)} @${e.timestamp}`).sort(),
    ['bob g= s=20 @499', 'bob g= s=20 @999', 'tom g=1 s= @499', 'tom g=1 s=10 @999', 'tom g= s=10 @1499'].sort(),
  );
});

test('trigger, evictor and allowed lateness reach the window operator', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const result = env
    .fromElements<Grade>(['tom', 1])
    .join(env.fromElements<Salary>(['tom', 2]))
    .where((g) => g[0])
    .equalTo((s) => s[0])
    .window(TumblingEventTimeWindows.of(1000))
    .trigger(CountTrigger.of(2))
    .allowedLateness(0)
    .apply((g, s) => `${g[1]}-${s[1]}`);
  const h = await harnessOf(result);
  h.process(tagFirst(['tom', 1]), 10);
  h.process(tagSecond(['tom', 2]), 20);
  assert.deepEqual(h.emitted.map((e) => e.value), ['1-2']);
});

test('the union key selector rejects keys of different types with both keys named', () => {
  const selector = unionKeySelector<Grade, [number, string], string | number>(
    (g) => g[0],
    (s) => s[0],
  );
  assert.equal(selector(tagFirst(['tom', 1])), 'tom');
  assert.throws(() => selector(tagSecond<Grade, [number, string]>([7, 'x'])), /keys for the two inputs are not equal: first key = string \('tom'\), second key = number \(7\)/);
  const same = unionKeySelector<Grade, Grade, string>((g) => g[0], (g) => g[0]);
  assert.equal(same(tagSecond<Grade, Grade>(['bob', 1])), 'bob');
  assert.equal(same(tagFirst<Grade, Grade>(['tom', 1])), 'tom');
});

test('clear errors for a missing or wrong step', () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const grades: DataStream<Grade> = env.fromElements<Grade>(['tom', 1]);
  const salaries: DataStream<Salary> = env.fromElements<Salary>(['tom', 2]);
  // What a JavaScript caller (or a cast) can do that TypeScript refuses.
  const loose = (x: unknown): { [m: string]: (...a: unknown[]) => unknown } => x as { [m: string]: (...a: unknown[]) => unknown };
  assert.throws(() => loose(grades.join(salaries)).equalTo?.((s: Salary) => s[0]), /key of the first input is missing: a join is built as join\(other\)\.where/);
  assert.throws(() => loose(grades.coGroup(salaries)).window?.(TumblingEventTimeWindows.of(5)), /coGroup\(other\)\.where\(keySelector1\)/);
  assert.throws(() => loose(grades.join(salaries).where((g) => g[0])).window?.(TumblingEventTimeWindows.of(5)), /call equalTo\(keySelector2\)/);
  assert.throws(() => grades.join(salaries).where(loose(undefined) as never), /where\(\) needs a KeySelector for the first input/);
  assert.throws(() => grades.coGroup(salaries).where((g) => g[0]).equalTo(loose(42) as never), /equalTo\(\) needs a KeySelector for the second input/);
  assert.throws(() => grades.join(salaries).where((g) => g[0]).equalTo((s) => s[0]).window(loose(5000) as never), /window\(\) needs a WindowAssigner/);
  const windowed = grades.join(salaries).where((g) => g[0]).equalTo((s) => s[0]).window(TumblingEventTimeWindows.of(5));
  assert.throws(() => windowed.allowedLateness(-1), /allowed lateness cannot be negative/);
  assert.throws(() => windowed.apply(loose({}) as never), /apply\(\) needs a JoinFunction or FlatJoinFunction/);
});

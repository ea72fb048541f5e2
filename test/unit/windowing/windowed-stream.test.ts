import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { OneInputStreamOperator } from '../../../src/api/operators/stream-operator.js';
import type { OneInputTransformation } from '../../../src/api/transformations/transformation.js';
import type { ProcessWindowContext ,
  GlobalWindow,
  TimeWindow} from '../../../src/api/index.js';
import type { Collector } from '../../../src/api/common/records.js';
import {
  OutputTag,
  ProcessAllWindowFunction,
  RichReduceFunction,
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
} from '../../../src/api/index.js';
import { OneInputHarness } from '../state/operator-harness.js';
import { ManualProcessingTime, newBackend } from '../state/state-test-support.js';

type Event = [key: string, value: number];

/** Instantiates the operator the API put in the graph and drives it, as a task would. */
async function harnessFor<T>(stream: { getTransformation(): unknown }, keySelector: (v: T) => unknown): Promise<OneInputHarness<T>> {
  const t = stream.getTransformation() as OneInputTransformation<T, unknown>;
  const clock = new ManualProcessingTime(0);
  const harness = new OneInputHarness<T>(t.operatorFactory.create() as OneInputStreamOperator<T>, keySelector, newBackend(clock), clock);
  await harness.open();
  return harness;
}

test('keyBy().window().allowedLateness().sideOutputLateData().reduce(r, process) builds a keyed window operator', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const late = new OutputTag<Event>('late');
  const result = env
    .fromElements<Event>(['a', 1])
    .keyBy((e) => e[0])
    .window(TumblingEventTimeWindows.of(10))
    .allowedLateness(5)
    .sideOutputLateData(late)
    .reduce(
      (a, b) => [a[0], a[1] + b[1]] as Event,
      (key: string, ctx: ProcessWindowContext<TimeWindow>, sums: Iterable<Event>, out: Collector<string>) => {
        out.collect(`${key}@${ctx.window().start}=${[...sums][0]?.[1] ?? 0}`);
      },
    );
  assert.equal(result.getName(), 'Window(Reduce)');
  assert.ok(result.getSideOutput(late) !== undefined);
  const harness = await harnessFor<Event>(result, (e) => e[0]);
  harness.process(['a', 1], 1);
  harness.process(['a', 2], 8);
  harness.watermark(20);
  harness.process(['a', 4], 3);
  assert.deepEqual(harness.emitted, [
    { value: 'a@0=3', timestamp: 9 },
    { value: ['a', 4], timestamp: 3, side: 'late' },
  ]);
});

test('countWindow(n) and countWindow(n, s) on a keyed stream', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const keyed = env.fromElements<Event>(['a', 1]).keyBy((e) => e[0]);
  const tumbling = await harnessFor<Event>(keyed.countWindow(2).reduce((a, b) => [a[0], a[1] + b[1]]), (e) => e[0]);
  const sliding = await harnessFor<Event>(
    keyed.countWindow(3, 2).process((_k: string, _c: ProcessWindowContext<GlobalWindow>, all: Iterable<Event>, out: Collector<string>) => {
      out.collect([...all].map((e) => e[1]).join('+'));
    }),
    (e) => e[0],
  );
  for (let v = 1; v <= 5; v++) {
    tumbling.process(['a', v], 0);
    sliding.process(['a', v], 0);
  }
  assert.deepEqual(tumbling.emitted.map((e) => e.value), [['a', 3], ['a', 7]]);
  assert.deepEqual(sliding.emitted.map((e) => e.value), ['1+2', '2+3+4']);
});

test('windowAll runs at parallelism 1 and gives the all-window function no key', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  class Collect extends ProcessAllWindowFunction<number, string, TimeWindow> {
    process(ctx: ProcessWindowContext<TimeWindow>, elements: Iterable<number>, out: Collector<string>): void {
      out.collect(`[${ctx.window().start},${ctx.window().end}) ${[...elements].join(',')}`);
    }
  }
  const result = env.fromElements(1, 2, 3).windowAll(TumblingEventTimeWindows.of(5)).process(new Collect());
  assert.equal(result.getParallelism(), 1);
  assert.equal(result.getTransformation().maxParallelism, 1);
  assert.ok((result.getTransformation() as { keySelector?: unknown }).keySelector !== undefined);
  const harness = await harnessFor<number>(result, () => 0);
  harness.process(7, 7);
  harness.process(1, 1);
  harness.process(3, 3);
  harness.watermark(Number.POSITIVE_INFINITY);
  assert.deepEqual(harness.emitted.map((e) => [e.value, e.timestamp]), [
    ['[0,5) 1,3', 4],
    ['[5,10) 7', 9],
  ]);
});

test('rich reduce and aggregate functions are refused, as in Flink', () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const windowed = env.fromElements(1).keyBy((v) => v).window(TumblingEventTimeWindows.of(5));
  class Sum extends RichReduceFunction<number> {
    reduce(a: number, b: number): number {
      return a + b;
    }
  }
  assert.throws(() => windowed.reduce(new Sum()), /ReduceFunction of reduce can not be a RichFunction/);
});

test('window sum/min/max/minBy/maxBy: Flink field aggregations per window (the first record, or the first extreme on ties)', async () => {
  type Car = [id: string, speed: number, distance: number];
  const input: Car[] = [['a', 50, 1], ['a', 70, 2], ['a', 70, 3], ['a', 40, 4]];
  const expected: Record<'sum' | 'min' | 'max' | 'minBy' | 'maxBy', Car> = {
    sum: ['a', 230, 1],
    min: ['a', 40, 1],
    max: ['a', 70, 1],
    minBy: ['a', 40, 4],
    maxBy: ['a', 70, 2],
  };
  for (const [aggregation, result] of Object.entries(expected)) {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const windowed = env
      .fromElements<Car>(...input)
      .keyBy((c) => c[0])
      .window(TumblingEventTimeWindows.of(10));
    const stream = windowed[aggregation as keyof typeof expected](1);
    const harness = await harnessFor<Car>(stream, (c) => c[0]);
    input.forEach((car, i) => harness.process(car, i));
    harness.watermark(9);
    assert.deepEqual(harness.emitted, [{ value: result, timestamp: 9 }], aggregation);
  }
});

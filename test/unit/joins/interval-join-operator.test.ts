import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { Collector } from '../../../src/api/common/records.js';
import type { ProcessJoinContext } from '../../../src/api/functions/join-functions.js';
import type { HeapKeyedStateBackend } from '../../../src/runtime/state/heap-keyed-state-backend.js';
import { NO_TIMESTAMP } from '../../../src/api/common/records.js';
import { OutputTag } from '../../../src/api/common/output-tag.js';
import { ProcessJoinFunction } from '../../../src/api/functions/join-functions.js';
import { IntervalJoinOperator } from '../../../src/api/operators/interval-join-operator.js';
import { MapStateDescriptor } from '../../../src/api/state/state-descriptor.js';
import type { HarnessSnapshot } from '../state/two-input-harness.js';
import { TwoInputHarness } from '../state/two-input-harness.js';
import { ManualProcessingTime, newBackend } from '../state/state-test-support.js';

type Event = [key: string, label: string];
const byKey = (e: Event): string => e[0];
const pair = (l: Event, r: Event, _ctx: ProcessJoinContext, out: Collector<string>): void => out.collect(`${l[1]}+${r[1]}`);

interface Bounds {
  lower: number;
  upper: number;
  lowerInclusive?: boolean;
  upperInclusive?: boolean;
  leftLate?: OutputTag<Event>;
  rightLate?: OutputTag<Event>;
}

async function harnessOf(
  bounds: Bounds,
  fn: ConstructorParameters<typeof IntervalJoinOperator<Event, Event, string>>[0]['fn'] = pair,
  restoreFrom?: HarnessSnapshot,
): Promise<TwoInputHarness<Event, Event>> {
  const clock = new ManualProcessingTime(0);
  const op = new IntervalJoinOperator<Event, Event, string>({
    lowerBound: bounds.lower,
    upperBound: bounds.upper,
    lowerBoundInclusive: bounds.lowerInclusive ?? true,
    upperBoundInclusive: bounds.upperInclusive ?? true,
    fn,
    leftLateDataOutputTag: bounds.leftLate,
    rightLateDataOutputTag: bounds.rightLate,
  });
  const harness = new TwoInputHarness<Event, Event>(op, byKey, byKey, newBackend(clock), clock);
  await harness.open(restoreFrom);
  return harness;
}

/** Every pair of the fixed input that satisfies the bounds, computed from the definition. */
function expectedPairs(left: [Event, number][], right: [Event, number][], lower: number, upper: number, lowerInc: boolean, upperInc: boolean): string[] {
  const out: string[] = [];
  for (const [l, lt] of left) {
    for (const [r, rt] of right) {
      if (l[0] !== r[0]) continue;
      const lo = lowerInc ? rt >= lt + lower : rt > lt + lower;
      const hi = upperInc ? rt <= lt + upper : rt < lt + upper;
      if (lo && hi) out.push(`${l[1]}+${r[1]}@${Math.max(lt, rt)}`);
    }
  }
  return out.sort();
}

const LEFT: [Event, number][] = [
  [['a', 'L10'], 10],
  [['a', 'L20'], 20],
  [['b', 'Lb10'], 10],
];
const RIGHT: [Event, number][] = [
  [['a', 'R7'], 7],
  [['a', 'R8'], 8],
  [['a', 'R9'], 9],
  [['a', 'R10'], 10],
  [['a', 'R11'], 11],
  [['a', 'R12'], 12],
  [['a', 'R19'], 19],
  [['b', 'Rb11'], 11],
  [['c', 'Rc10'], 10],
];

for (const [lowerInclusive, upperInclusive] of [
  [true, true],
  [false, true],
  [true, false],
  [false, false],
] as const) {
  test(`bounds ${lowerInclusive ? '[' : '('}-2, 1${upperInclusive ? ']' : ')'}: exactly the pairs of the definition, in either arrival order, stamped max(left, right)`, async () => {
    const expected = expectedPairs(LEFT, RIGHT, -2, 1, lowerInclusive, upperInclusive);
    for (const rightFirst of [false, true]) {
      const h = await harnessOf({ lower: -2, upper: 1, lowerInclusive, upperInclusive });
      const lefts = () => LEFT.forEach(([e, ts]) => h.process1(e, ts));
      const rights = () => RIGHT.forEach(([e, ts]) => h.process2(e, ts));
      if (rightFirst) {
        rights();
        lefts();
      } else {
        // Interleaved: half the right side before the left side.
        RIGHT.slice(0, 4).forEach(([e, ts]) => h.process2(e, ts));
        lefts();
        RIGHT.slice(4).forEach(([e, ts]) => h.process2(e, ts));
      }
      const got = h.take().map(([v, ts]) => `${String(v)}@${ts}`).sort();
      assert.deepEqual(got, expected);
    }
  });
}

test('the context gives both timestamps and the result timestamp; side outputs carry the result timestamp', async () => {
  const seen = new OutputTag<string>('seen');
  const h = await harnessOf({ lower: -5, upper: 5 }, (l, r, ctx, out) => {
    out.collect(`${l[1]}+${r[1]} ${ctx.getLeftTimestamp()} ${ctx.getRightTimestamp()} ${ctx.getTimestamp()}`);
    ctx.output(seen, `${l[1]}|${r[1]}`);
  });
  h.process1(['a', 'L'], 100);
  h.process2(['a', 'R'], 97);
  h.process2(['a', 'S'], 103);
  assert.deepEqual(h.take(), [
    ['L+R 100 97 100', 100],
    ['L+S 100 103 103', 103],
  ]);
  assert.deepEqual(h.emitted, [
    { value: 'L|R', timestamp: 100, side: 'seen' },
    { value: 'L|S', timestamp: 103, side: 'seen' },
  ]);
});

test('a ProcessJoinFunction object keeps its rich lifecycle', async () => {
  const calls: string[] = [];
  class Fn extends ProcessJoinFunction<Event, Event, string> {
    override open(): void {
      calls.push(`open ${this.getRuntimeContext().getTaskInfo().taskName}`);
    }
    processElement(l: Event, r: Event, _ctx: ProcessJoinContext, out: Collector<string>): void {
      out.collect(`${l[1]}${r[1]}`);
    }
    override close(): void {
      calls.push('close');
    }
  }
  const h = await harnessOf({ lower: 0, upper: 0 }, new Fn());
  h.process1(['a', 'x'], 5);
  h.process2(['a', 'y'], 5);
  await h.operator.close();
  assert.deepEqual(h.take(), [['xy', 5]]);
  assert.deepEqual(calls, ['open op', 'close']);
});

test('elements behind the watermark are late: dropped, or sent to the late-data side outputs', async () => {
  const leftLate = new OutputTag<Event>('left-late');
  const rightLate = new OutputTag<Event>('right-late');
  for (const tags of [false, true]) {
    const h = await harnessOf({ lower: -10, upper: 10, ...(tags ? { leftLate, rightLate } : {}) });
    h.process1(['a', 'L100'], 100);
    h.watermark(100);
    h.process2(['a', 'R99'], 99); // late: 99 < 100
    h.process2(['a', 'R100'], 100); // not late: equal to the watermark
    h.process1(['a', 'L95'], 95); // late
    assert.deepEqual(h.take(), [['L100+R100', 100]]);
    assert.deepEqual(
      h.emitted,
      tags
        ? [
            { value: ['a', 'R99'], timestamp: 99, side: 'right-late' },
            { value: ['a', 'L95'], timestamp: 95, side: 'left-late' },
          ]
        : [],
    );
    assert.deepEqual(h.watermarks, [100]);
  }
});

test('the watermark is the minimum of both inputs: one input ahead makes nothing late', async () => {
  const h = await harnessOf({ lower: 0, upper: 0 });
  h.operator.processWatermark1(1000);
  h.process1(['a', 'L'], 5);
  h.process2(['a', 'R'], 5);
  assert.deepEqual(h.take(), [['L+R', 5]]);
});

/** The operator's buffers for `key`, read through the backend as the operator registered them. */
function buffered(backend: HeapKeyedStateBackend | undefined, key: string): { left: number[]; right: number[] } {
  assert.ok(backend !== undefined, 'the interval join runs on a keyed backend');
  backend.setCurrentKey(key);
  const left = backend.getMapState(new MapStateDescriptor<number, unknown>('LEFT_BUFFER'));
  const right = backend.getMapState(new MapStateDescriptor<number, unknown>('RIGHT_BUFFER'));
  return { left: [...left.keys()].sort((x, y) => x - y), right: [...right.keys()].sort((x, y) => x - y) };
}

test('cleanup timers empty both buffers once no element that is not late can join: state does not grow', async () => {
  // Bounds [-3, 5]: a left element at t waits until t + 5, a right one at t until t + 3.
  const h = await harnessOf({ lower: -3, upper: 5 });
  for (let t = 0; t < 50; t += 10) {
    h.process1(['a', `L${t}`], t);
    h.process2(['a', `R${t}`], t + 1);
  }
  assert.deepEqual(buffered(h.backend, 'a'), { left: [0, 10, 20, 30, 40], right: [1, 11, 21, 31, 41] });
  h.watermark(24);
  // Left 20 stays until 25; right 21 until 24 (gone at 24).
  assert.deepEqual(buffered(h.backend, 'a'), { left: [20, 30, 40], right: [31, 41] });
  h.watermark(Number.POSITIVE_INFINITY);
  assert.deepEqual(buffered(h.backend, 'a'), { left: [], right: [] });
});

test('cleanup also runs when negative and positive-only bounds shift the timer (lower > 0, upper < 0)', async () => {
  const after = await harnessOf({ lower: 2, upper: 4 });
  after.process1(['a', 'L'], 10);
  after.process2(['a', 'R'], 13);
  assert.deepEqual(after.take(), [['L+R', 13]]);
  after.watermark(13); // right 13 waits for lefts up to 13 - 2 = 11, which are late now
  assert.deepEqual(buffered(after.backend, 'a'), { left: [10], right: [] });
  after.watermark(14);
  assert.deepEqual(buffered(after.backend, 'a'), { left: [], right: [] });

  const before = await harnessOf({ lower: -4, upper: -2 });
  before.process1(['a', 'L'], 10);
  before.process2(['a', 'R'], 7);
  assert.deepEqual(before.take(), [['L+R', 10]]);
  before.watermark(10);
  assert.deepEqual(buffered(before.backend, 'a'), { left: [], right: [7] });
  before.watermark(11);
  assert.deepEqual(buffered(before.backend, 'a'), { left: [], right: [] });
});

test('buffers and cleanup timers are keyed state: a snapshot restored into a new operator still joins and cleans up', async () => {
  const first = await harnessOf({ lower: 0, upper: 10 });
  first.process1(['a', 'L'], 100);
  first.process1(['b', 'M'], 100);
  const second = await harnessOf({ lower: 0, upper: 10 }, pair, first.snapshot());
  second.process2(['a', 'R'], 105);
  assert.deepEqual(second.take(), [['L+R', 105]]);
  second.watermark(110);
  assert.deepEqual(buffered(second.backend, 'a'), { left: [], right: [] });
  assert.deepEqual(buffered(second.backend, 'b'), { left: [], right: [] });
});

test('clear errors: no timestamps, lower bound above the upper bound', async () => {
  const h = await harnessOf({ lower: 0, upper: 1 });
  assert.throws(() => h.process1(['a', 'x'], NO_TIMESTAMP), /interval join needs event-time timestamps.*left input.*WatermarkStrategy/);
  assert.throws(() => h.process2(['a', 'x'], NO_TIMESTAMP), /right input/);
  await assert.rejects(harnessOf({ lower: 5, upper: 4 }), /lower bound \(5 ms\) is greater than its upper bound \(4 ms\)/);
});

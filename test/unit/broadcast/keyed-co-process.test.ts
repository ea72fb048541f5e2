import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { Collector } from '../../../src/api/common/records.js';
import type { KeyedProcessContext, OnTimerContext, ProcessContext } from '../../../src/api/functions/process-function.js';
import { OutputTag } from '../../../src/api/common/output-tag.js';
import { NO_TIMESTAMP } from '../../../src/api/common/records.js';
import { KeyedCoProcessFunction } from '../../../src/api/functions/keyed-co-process-function.js';
import { CoProcessFunction } from '../../../src/api/functions/process-function.js';
import { CoProcessOperator } from '../../../src/api/operators/co-operators.js';
import { KeyedCoProcessOperator } from '../../../src/api/operators/keyed-co-process-operator.js';
import { ValueStateDescriptor } from '../../../src/api/state/state-descriptor.js';
import { ManualProcessingTime, newBackend, rangeOf } from '../state/state-test-support.js';
import { TwoInputHarness } from '../state/two-input-harness.js';

type Order = { id: string; amount: number };
type Payment = { id: string; paid: number };

const TIMEOUT = 100;
const UNMATCHED = new OutputTag<string>('unmatched');
/** A waiting element and the timer it registered. */
const ORDER = new ValueStateDescriptor<[Order, number]>('order');
const PAYMENT = new ValueStateDescriptor<[Payment, number]>('payment');

/** Matches each order with its payment; whichever came first waits TIMEOUT of event time for the other. */
class MatchOrders extends KeyedCoProcessFunction<string, Order, Payment, string> {
  processElement1(order: Order, ctx: KeyedProcessContext<string>, out: Collector<string>): void {
    const payment = this.getRuntimeContext().getState(PAYMENT);
    const paid = payment.value();
    if (paid !== null) {
      out.collect(`matched ${ctx.getCurrentKey()} ${order.amount}/${paid[0].paid}`);
      ctx.timerService().deleteEventTimeTimer(paid[1]);
      payment.clear();
      return;
    }
    const timer = (ctx.timestamp() ?? 0) + TIMEOUT;
    this.getRuntimeContext().getState(ORDER).update([order, timer]);
    ctx.timerService().registerEventTimeTimer(timer);
  }

  processElement2(payment: Payment, ctx: KeyedProcessContext<string>, out: Collector<string>): void {
    const orderState = this.getRuntimeContext().getState(ORDER);
    const order = orderState.value();
    if (order !== null) {
      out.collect(`matched ${ctx.getCurrentKey()} ${order[0].amount}/${payment.paid}`);
      ctx.timerService().deleteEventTimeTimer(order[1]);
      orderState.clear();
      return;
    }
    const timer = (ctx.timestamp() ?? 0) + TIMEOUT;
    this.getRuntimeContext().getState(PAYMENT).update([payment, timer]);
    ctx.timerService().registerEventTimeTimer(timer);
    if (payment.paid === 0) ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + 10);
  }

  override onTimer(timestamp: number, ctx: OnTimerContext<string>, out: Collector<string>): void {
    const order = this.getRuntimeContext().getState(ORDER);
    const payment = this.getRuntimeContext().getState(PAYMENT);
    const what = order.value() !== null ? 'order' : payment.value() !== null ? 'payment' : 'nothing';
    out.collect(`${ctx.timeDomain()} ${ctx.getCurrentKey()}@${timestamp}`);
    ctx.output(UNMATCHED, `${what} ${ctx.getCurrentKey()}`);
    order.clear();
    payment.clear();
  }
}

function harness(clock = new ManualProcessingTime(0), range = rangeOf(1, 0)): TwoInputHarness<Order, Payment> {
  return new TwoInputHarness<Order, Payment>(
    new KeyedCoProcessOperator(new MatchOrders()),
    (o) => o.id,
    (p) => p.id,
    newBackend(clock, range),
    clock,
  );
}

test('KeyedCoProcessFunction: both inputs share the key state; a match deletes the timer, a timeout fires it before the watermark goes on', async () => {
  const h = harness();
  await h.open();
  h.process1({ id: 'o1', amount: 10 }, 0); // timer o1@100
  h.process2({ id: 'o1', paid: 10 }, 50); // matched, timer deleted
  h.process2({ id: 'o2', paid: 20 }, 60); // timer o2@160
  h.process1({ id: 'o3', amount: 30 }, 70); // timer o3@170
  h.watermark(165);
  h.process1({ id: 'o3', amount: 30 }, 166);
  assert.deepEqual(h.emitted, [
    { value: 'matched o1 10/10', timestamp: 50 },
    { value: 'EVENT_TIME o2@160', timestamp: 160 },
    { value: 'payment o2', timestamp: 160, side: UNMATCHED.id },
    // o3's second order matches nothing (it is an order, not a payment): it waits and replaces the first.
  ]);
  assert.deepEqual(h.watermarks, [165]);
  h.watermark(300);
  assert.deepEqual(h.values().slice(2), ['EVENT_TIME o3@170', 'EVENT_TIME o3@266']);
});

test('KeyedCoProcessFunction: the watermark is the minimum of both inputs; timers wait for the slower one', async () => {
  const h = harness();
  await h.open();
  h.process1({ id: 'o1', amount: 10 }, 0);
  h.operator.processWatermark1(500);
  assert.equal(h.emitted.length, 0);
  h.operator.processWatermark2(99);
  assert.equal(h.emitted.length, 0);
  h.operator.processWatermark2(100);
  assert.deepEqual(h.values(), ['EVENT_TIME o1@100']);
  assert.deepEqual(h.watermarks, [99, 100]);
});

test('KeyedCoProcessFunction: processing-time timers fire through the clock, with no timestamp and their key', async () => {
  const clock = new ManualProcessingTime(1000);
  const h = harness(clock);
  await h.open();
  h.process2({ id: 'p0', paid: 0 }, 5);
  clock.advanceTo(1010);
  assert.deepEqual(h.emitted.slice(0, 1), [{ value: 'PROCESSING_TIME p0@1010', timestamp: NO_TIMESTAMP }]);
  assert.deepEqual(h.emitted[1], { value: 'payment p0', timestamp: 1010, side: UNMATCHED.id });
});

test('KeyedCoProcessFunction: waiting elements and their timers survive a snapshot and a restore at parallelism 2', async () => {
  const before = harness();
  await before.open();
  const ids = ['a', 'b', 'c', 'd', 'e'];
  ids.forEach((id, i) => before.process1({ id, amount: i }, i));
  const snapshot = before.snapshot();
  const fired: string[] = [];
  for (const index of [0, 1]) {
    const after = harness(new ManualProcessingTime(0), rangeOf(2, index));
    await after.open(snapshot);
    after.watermark(Number.POSITIVE_INFINITY);
    fired.push(...after.emitted.filter((e) => e.side !== undefined).map((e) => `${String(e.value)}@${e.timestamp}`));
  }
  assert.deepEqual(
    fired.sort(),
    ids.map((id, i) => `order ${id}@${i + TIMEOUT}`),
  );
});

test('CoProcessFunction on non-keyed inputs: setting or deleting a timer fails with Flink message', async () => {
  for (const [action, call] of [
    ['Setting', (ctx: ProcessContext) => ctx.timerService().registerEventTimeTimer(1)],
    ['Setting', (ctx: ProcessContext) => ctx.timerService().registerProcessingTimeTimer(1)],
    ['Deleting', (ctx: ProcessContext) => ctx.timerService().deleteEventTimeTimer(1)],
    ['Deleting', (ctx: ProcessContext) => ctx.timerService().deleteProcessingTimeTimer(1)],
  ] as const) {
    const h = new TwoInputHarness<number, number>(
      new CoProcessOperator(
        new (class extends CoProcessFunction<number, number, string> {
          processElement1(_v: number, ctx: ProcessContext): void {
            call(ctx);
          }
          processElement2(): void {
            // Not reached.
          }
        })(),
      ),
      undefined,
      undefined,
      undefined,
      new ManualProcessingTime(0),
    );
    await h.open();
    assert.throws(() => h.process1(1, 0), { message: `${action} timers is only supported on a keyed streams.` });
  }
});

test('CoProcessFunction on keyed inputs runs in the keyed operator: its timers work and onTimer gets the key', async () => {
  const clock = new ManualProcessingTime(0);
  const h = new TwoInputHarness<number, number>(
    new KeyedCoProcessOperator(
      new (class extends CoProcessFunction<number, number, string> {
        processElement1(v: number, ctx: ProcessContext): void {
          ctx.timerService().registerEventTimeTimer(v * 10);
        }
        processElement2(): void {
          // Not used.
        }
        override onTimer(timestamp: number, ctx: OnTimerContext<unknown>, out: Collector<string>): void {
          out.collect(`${String(ctx.getCurrentKey())}@${timestamp}`);
        }
      })(),
    ),
    (v) => v % 2,
    (v) => v % 2,
    newBackend(clock),
    clock,
  );
  await h.open();
  h.process1(3, 0);
  h.process1(2, 0);
  h.watermark(100);
  assert.deepEqual(h.values(), ['0@20', '1@30']);
});

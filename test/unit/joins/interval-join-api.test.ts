import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { TwoInputTransformation } from '../../../src/api/transformations/transformation.js';
import type { KeyedStream } from '../../../src/api/index.js';
import { IntervalJoinOperator } from '../../../src/api/operators/interval-join-operator.js';
import { StreamExecutionEnvironment } from '../../../src/api/index.js';

type Order = { id: string; ts: number };
type Payment = { orderId: string; ts: number };

function streams(): { orders: KeyedStream<Order, string>; payments: KeyedStream<Payment, string> } {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  return {
    orders: env.fromElements<Order>({ id: 'o1', ts: 1 }).keyBy((o) => o.id),
    payments: env.fromElements<Payment>({ orderId: 'o1', ts: 2 }).keyBy((p) => p.orderId),
  };
}

test('intervalJoin().between().process() adds a keyed two-input Interval Join operator', () => {
  const { orders, payments } = streams();
  const result = orders
    .intervalJoin(payments)
    .between(-5, 10)
    .lowerBoundExclusive()
    .upperBoundExclusive()
    .process((o, p, _ctx, out) => out.collect(`${o.id}:${p.ts}`));
  assert.equal(result.getName(), 'Interval Join');
  const t = result.getTransformation() as unknown as TwoInputTransformation<Order, Payment, string>;
  assert.equal(t.kind, 'twoInput');
  assert.equal(t.keySelector1?.({ id: 'x', ts: 0 }), 'x');
  assert.equal(t.keySelector2?.({ orderId: 'y', ts: 0 }), 'y');
  assert.ok(t.operatorFactory.create() instanceof IntervalJoinOperator);
});

test('clear errors: lower > upper, bounds that exclusivity empties, a non-keyed other stream, no function', () => {
  const { orders, payments } = streams();
  assert.throws(() => orders.intervalJoin(payments).between(10, -5), /lower bound \(10 ms\) is greater than its upper bound \(-5 ms\)/);
  assert.throws(() => orders.intervalJoin(payments).between(Number.NaN, 5), /bounds must be finite numbers/);
  assert.throws(
    () => orders.intervalJoin(payments).between(5, 5).upperBoundExclusive().process(() => undefined),
    /bounds \[5, 5\) contain no time/,
  );
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const notKeyed = env.fromElements<Payment>({ orderId: 'o1', ts: 2 });
  assert.throws(() => orders.intervalJoin(notKeyed as unknown as KeyedStream<Payment, string>), /intervalJoin\(\) needs a KeyedStream: keyBy the other stream/);
  assert.throws(() => orders.intervalJoin(payments).between(0, 1).process(null as never), /process\(\) needs a ProcessJoinFunction/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { WatermarkStrategy } from '../../../src/api/common/watermark-strategy.js';
import { TimestampsAndWatermarksOperator } from '../../../src/api/operators/timestamps-and-watermarks-operator.js';
import { OneInputHarness } from '../state/operator-harness.js';
import { ManualProcessingTime } from '../state/state-test-support.js';

async function harness(intervalMs: number): Promise<{ h: OneInputHarness<[string, number]>; clock: ManualProcessingTime; op: TimestampsAndWatermarksOperator<[string, number]> }> {
  const clock = new ManualProcessingTime(0);
  const strategy = WatermarkStrategy.forBoundedOutOfOrderness<[string, number]>(100).withTimestampAssigner((e) => e[1]);
  const op = new TimestampsAndWatermarksOperator(strategy, () => intervalMs);
  const h = new OneInputHarness<[string, number]>(op, undefined, undefined, clock);
  await h.open();
  return { h, clock, op };
}

test('stamps records from the assigner and emits bounded watermarks every interval', async () => {
  const { h, clock } = await harness(200);
  h.process(['a', 1000], -1);
  h.process(['b', 700], -1);
  assert.deepEqual(h.emitted.map((e) => e.timestamp), [1000, 700]);
  assert.deepEqual(h.watermarks, [], 'periodic, not per record');
  clock.advanceTo(200);
  assert.deepEqual(h.watermarks, [899]);
  h.process(['c', 1500], -1);
  clock.advanceTo(399);
  assert.deepEqual(h.watermarks, [899]);
  clock.advanceTo(400);
  assert.deepEqual(h.watermarks, [899, 1399]);
});

test('upstream watermarks are dropped except MAX; finish emits once more; interval 0 disables periodic emission', async () => {
  const { h, clock, op } = await harness(0);
  h.process(['a', 1000], -1);
  h.watermark(5000);
  clock.advanceTo(10_000);
  assert.deepEqual(h.watermarks, []);
  op.finish();
  assert.deepEqual(h.watermarks, [899]);
  h.watermark(Number.POSITIVE_INFINITY);
  assert.deepEqual(h.watermarks, [899, Number.POSITIVE_INFINITY]);
  await op.close();
});

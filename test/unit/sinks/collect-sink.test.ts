import { test } from 'node:test';
import assert from 'node:assert/strict';

import { CollectSink } from '../../../src/api/sinks/collect-sink.js';
import type { CollectSinkBatch } from '../../../src/api/sinks/collect-sink.js';
import { OPERATOR_ID, TestServices, createWriter, eventually } from './sink-test-harness.js';

function batches(services: TestServices): CollectSinkBatch<number>[] {
  return services.messages.map((m) => {
    assert.equal(m.operatorId, OPERATOR_ID);
    return m.payload as CollectSinkBatch<number>;
  });
}

test('values go out in batches of 1000, the rest and a done marker at end of input', async () => {
  const services = new TestServices();
  const writer = createWriter(new CollectSink<number>(), services);
  for (let i = 0; i < 2500; i++) writer.write(i, 0);
  assert.deepEqual(
    batches(services).map((b) => b.values.length),
    [1000, 1000],
  );
  await writer.flush(true);
  await writer.close();
  const all = batches(services);
  assert.deepEqual(
    all.map((b) => b.values.length),
    [1000, 1000, 500, 0],
  );
  assert.deepEqual(all.at(-1), { values: [], done: true });
  assert.deepEqual(
    all.flatMap((b) => b.values),
    Array.from({ length: 2500 }, (_, i) => i),
  );
});

test('a partial batch is sent within about 100 ms without a flush', async () => {
  const services = new TestServices();
  const writer = createWriter(new CollectSink<number>(), services);
  writer.write(1, 0);
  writer.write(2, 0);
  await eventually(() => services.messages.length > 0, 5000, 'timed batch');
  assert.deepEqual(batches(services), [{ values: [1, 2] }]);
  await writer.close();
});

test('after limit values nothing more is sent, but done still is', async () => {
  const services = new TestServices();
  const writer = createWriter(new CollectSink<number>(1500), services);
  for (let i = 0; i < 3000; i++) writer.write(i, 0);
  await writer.flush(true);
  await writer.close();
  const all = batches(services);
  assert.deepEqual(
    all.flatMap((b) => b.values),
    Array.from({ length: 1500 }, (_, i) => i),
  );
  assert.deepEqual(all.at(-1), { values: [], done: true });
});

test('an empty input sends only done; the sink is named Collect Sink', async () => {
  const services = new TestServices();
  const sink = new CollectSink<number>();
  assert.equal(sink.defaultName, 'Collect Sink');
  const writer = createWriter(sink, services);
  await writer.flush(true);
  await writer.close();
  assert.deepEqual(batches(services), [{ values: [], done: true }]);
  assert.throws(() => new CollectSink(-1), TypeError);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { PrintSink } from '../../../src/api/sinks/print-sink.js';
import { TestServices, createWriter, eventually } from './sink-test-harness.js';

async function printed(sink: PrintSink<unknown>, subtaskIndex: number, parallelism: number): Promise<string> {
  const services = new TestServices();
  const writer = createWriter(sink, services, subtaskIndex, parallelism);
  writer.write(['hello', 3], 0);
  writer.write('x', 0);
  await writer.flush(true);
  await writer.close();
  return services.out.join('');
}

test('prefixes follow Flink: identifier:N> / N> / identifier> / none', async () => {
  assert.equal(await printed(new PrintSink('ids'), 1, 3), 'ids:2> (hello,3)\nids:2> x\n');
  assert.equal(await printed(new PrintSink(), 2, 3), '3> (hello,3)\n3> x\n');
  assert.equal(await printed(new PrintSink('ids'), 0, 1), 'ids> (hello,3)\nids> x\n');
  assert.equal(await printed(new PrintSink(), 0, 1), '(hello,3)\nx\n');
});

test('printToErr writes to stderr and is named accordingly', async () => {
  const services = new TestServices();
  const sink = new PrintSink<string>(undefined, true);
  assert.equal(sink.defaultName, 'Print to Std. Err');
  assert.equal(new PrintSink().defaultName, 'Print to Std. Out');
  const writer = createWriter(sink, services);
  writer.write('oops', 0);
  await writer.flush(true);
  await writer.close();
  assert.deepEqual(services.err, ['oops\n']);
  assert.deepEqual(services.out, []);
});

test('many records are handed over in a few large chunks', async () => {
  const services = new TestServices();
  const writer = createWriter(new PrintSink<number>(), services);
  for (let i = 0; i < 100_000; i++) writer.write(i, 0);
  await writer.flush(true);
  await writer.close();
  const expected = Array.from({ length: 100_000 }, (_, i) => `${i}\n`).join('');
  assert.equal(services.out.join(''), expected);
  assert.ok(services.out.length < 100, `${services.out.length} chunks`);
});

test('buffered lines are printed shortly even without a flush', async () => {
  const services = new TestServices();
  const writer = createWriter(new PrintSink<string>(), services);
  writer.write('soon', 0);
  await eventually(() => services.out.length > 0, 5000, 'timer flush');
  assert.deepEqual(services.out, ['soon\n']);
  await writer.close();
});

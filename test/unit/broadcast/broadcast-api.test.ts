import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { PartitionTransformation, TwoInputTransformation } from '../../../src/api/transformations/transformation.js';
import type { Collector } from '../../../src/api/common/records.js';
import {
  BroadcastConnectedStream,
  BroadcastProcessFunction,
  BroadcastStream,
  CoProcessFunction,
  DataStream,
  KeyedBroadcastProcessFunction,
  KeyedCoProcessFunction,
  MapStateDescriptor,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
} from '../../../src/api/index.js';
import { CoBroadcastWithKeyedOperator } from '../../../src/api/operators/co-broadcast-with-keyed-operator.js';
import { CoBroadcastWithNonKeyedOperator } from '../../../src/api/operators/co-broadcast-with-non-keyed-operator.js';
import { CoProcessOperator } from '../../../src/api/operators/co-operators.js';
import { KeyedCoProcessOperator } from '../../../src/api/operators/keyed-co-process-operator.js';

const RULES = new MapStateDescriptor<string, number>('rules');

class NonKeyed extends BroadcastProcessFunction<number, string, string> {
  processElement(): void {
    // Not run here.
  }
  processBroadcastElement(): void {
    // Not run here.
  }
}
class Keyed extends KeyedBroadcastProcessFunction<number, number, string, string> {
  processElement(): void {
    // Not run here.
  }
  processBroadcastElement(): void {
    // Not run here.
  }
}
class KeyedCo extends KeyedCoProcessFunction<number, number, string, string> {
  processElement1(): void {
    // Not run here.
  }
  processElement2(): void {
    // Not run here.
  }
}
class Co extends CoProcessFunction<number, string, string> {
  processElement1(_v: number, _ctx: unknown, _out: Collector<string>): void {
    // Not run here.
  }
  processElement2(): void {
    // Not run here.
  }
}

function twoInput(stream: { getTransformation(): unknown }): TwoInputTransformation<number, string, string> {
  return stream.getTransformation() as TwoInputTransformation<number, string, string>;
}
function shipStrategy(stream: { getTransformation(): unknown }): string {
  return (stream.getTransformation() as PartitionTransformation<string>).partitioner.shipStrategy;
}

function streams(): { numbers: DataStream<number>; words: DataStream<string> } {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  return { numbers: env.fromElements(1, 2, 3), words: env.fromElements('a', 'b') };
}

test('broadcast() without descriptors keeps partitioning every record to every channel; with descriptors it makes a BroadcastStream', () => {
  const { numbers, words } = streams();
  const plain = words.broadcast();
  assert.ok(plain instanceof DataStream);
  assert.equal(shipStrategy(plain), 'BROADCAST');

  const broadcast = words.broadcast(RULES);
  assert.ok(broadcast instanceof BroadcastStream);
  assert.deepEqual(broadcast.getBroadcastStateDescriptors(), [RULES]);
  assert.equal(shipStrategy(broadcast), 'BROADCAST');
  assert.ok(numbers.connect(broadcast) instanceof BroadcastConnectedStream);
});

test('broadcast(...) refuses anything but MapStateDescriptors, saying which argument', () => {
  const { words } = streams();
  assert.throws(
    () => words.broadcast(RULES, new ValueStateDescriptor<number>('count') as unknown as MapStateDescriptor<unknown, unknown>),
    /broadcast\(\.\.\.\) takes MapStateDescriptors \(the broadcast states\), but argument 2 is a ValueStateDescriptor named 'count'/,
  );
  assert.throws(() => words.broadcast(undefined as unknown as MapStateDescriptor<unknown, unknown>), /argument 1 is undefined/);
});

test('connect(broadcastStream).process: a non-keyed stream gets CoBroadcastWithNonKeyedOperator, a keyed one CoBroadcastWithKeyedOperator keyed on input 1 only', () => {
  const { numbers, words } = streams();
  const broadcast = words.broadcast(RULES);
  const plain = twoInput(numbers.connect(broadcast).process(new NonKeyed()));
  assert.equal(plain.name, 'Co-Process-Broadcast');
  assert.ok(plain.operatorFactory.create() instanceof CoBroadcastWithNonKeyedOperator);
  assert.equal(plain.keySelector1, undefined);
  assert.equal(plain.input2, broadcast.getTransformation());

  const keyed = twoInput(
    numbers
      .keyBy((n) => n % 2)
      .connect(broadcast)
      .process(new Keyed()),
  );
  assert.equal(keyed.name, 'Co-Process-Broadcast-Keyed');
  assert.ok(keyed.operatorFactory.create() instanceof CoBroadcastWithKeyedOperator);
  assert.equal(keyed.keySelector1?.(3), 1);
  assert.equal(keyed.keySelector2, undefined);
});

test('a broadcast process function of the wrong kind for its stream is refused with Flink message', () => {
  const { numbers, words } = streams();
  const broadcast = words.broadcast(RULES);
  assert.throws(() => numbers.connect(broadcast).process(new Keyed()), /A KeyedBroadcastProcessFunction can only be used on a keyed stream: call keyBy/);
  assert.throws(
    () => numbers.keyBy((n) => n).connect(broadcast).process(new NonKeyed()),
    /A BroadcastProcessFunction can only be used on a non-keyed stream: on a keyed stream use a KeyedBroadcastProcessFunction/,
  );
});

test('connect(...).keyBy(k1, k2).process runs KeyedCoProcessFunction and CoProcessFunction in KeyedCoProcessOperator; non-keyed keeps CoProcessOperator', () => {
  const { numbers, words } = streams();
  const keyed = numbers.connect(words).keyBy((n) => String(n), (w) => w);
  const a = twoInput(keyed.process(new KeyedCo()));
  assert.equal(a.name, 'Co-Keyed-Process');
  assert.ok(a.operatorFactory.create() instanceof KeyedCoProcessOperator);
  assert.equal(a.keySelector2?.('x'), 'x');
  const b = twoInput(keyed.process(new Co()));
  assert.equal(b.name, 'Co-Process');
  assert.ok(b.operatorFactory.create() instanceof KeyedCoProcessOperator);
  const c = twoInput(numbers.connect(words).process(new Co()));
  assert.ok(c.operatorFactory.create() instanceof CoProcessOperator);
  assert.throws(
    () => numbers.connect(words).process(new KeyedCo()),
    /A KeyedCoProcessFunction can only be used when both input streams are of type KeyedStream: call keyBy\(keySelector1, keySelector2\)/,
  );
});

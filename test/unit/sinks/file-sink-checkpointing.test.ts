import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { FileSinkCommittable } from '../../../src/api/sinks/file-committer.js';
import type { RollingPolicy } from '../../../src/api/sinks/rolling-policy.js';
import { FileSink } from '../../../src/api/sinks/file-sink.js';
import { BasePathBucketAssigner } from '../../../src/api/sinks/bucket-assigner.js';
import { DefaultRollingPolicy, OnCheckpointRollingPolicy } from '../../../src/api/sinks/rolling-policy.js';
import { SimpleStringEncoder } from '../../../src/api/common/serialization/simple-string-encoder.js';
import { SinkWriterOperator } from '../../../src/api/operators/sink-operators.js';
import { FileCommitter } from '../../../src/api/sinks/file-committer.js';
import { SinkOperatorHarness } from './sink-operator-harness.js';
import { TestServices, eventually } from './sink-test-harness.js';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const FINISHED = new RegExp(`^part-(${UUID})-(\\d+)$`);
const HIDDEN = new RegExp(`^\\.part-(${UUID})-(\\d+)\\.inprogress\\.${UUID}$`);

let dir = '';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flink-ts-file-sink-cp-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Part {
  name: string;
  uid: string;
  counter: number;
}

function parts(path: string, pattern: RegExp): Part[] {
  return readdirSync(path).flatMap((name) => {
    const m = pattern.exec(name);
    return m === null ? [] : [{ name, uid: m[1] ?? '', counter: Number(m[2]) }];
  });
}

/** Every file must be either a finished part or a hidden in-progress/pending one. */
function finished(path: string): Part[] {
  for (const name of readdirSync(path)) assert.ok(FINISHED.test(name) || HIDDEN.test(name), `unexpected file ${name}`);
  return parts(path, FINISHED);
}

function hidden(path: string): Part[] {
  return parts(path, HIDDEN);
}

/** The visible lines, sorted: what a reader of the directory sees. */
function visibleLines(path: string): string[] {
  return finished(path)
    .flatMap((p) => readFileSync(join(path, p.name), 'utf8').split('\n'))
    .filter((l) => l !== '')
    .sort();
}

function hiddenLines(path: string): string[] {
  return hidden(path)
    .flatMap((p) => readFileSync(join(path, p.name), 'utf8').split('\n'))
    .filter((l) => l !== '')
    .sort();
}

function range(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);
}

function fileSink(rollingPolicy: RollingPolicy<string> = OnCheckpointRollingPolicy.build()): FileSink<string> {
  return FileSink.forRowFormat(dir, new SimpleStringEncoder<string>())
    .withBucketAssigner(new BasePathBucketAssigner())
    .withRollingPolicy(rollingPolicy)
    .build();
}

async function start(
  sink: FileSink<string>,
  checkpointing: boolean,
  restoreFrom?: Parameters<typeof SinkOperatorHarness.start>[1]['restoreFrom'],
): Promise<SinkOperatorHarness<string>> {
  return SinkOperatorHarness.start(new SinkWriterOperator(sink), restoreFrom === undefined ? { checkpointing } : { checkpointing, restoreFrom });
}

test('only the data of a completed checkpoint becomes visible', async () => {
  const h = await start(fileSink(), true);
  const a = range('a', 50);
  const b = range('b', 30);
  h.process(...a);
  await h.snapshot(1);
  h.process(...b);
  assert.deepEqual(finished(dir), [], 'nothing is visible before the checkpoint completes');
  await h.complete(1);
  assert.deepEqual(visibleLines(dir), a);
  assert.deepEqual(hiddenLines(dir), [], 'b is still buffered in the open part');
  assert.equal(hidden(dir).length, 1, 'the part opened after checkpoint 1 is in progress');
  await h.snapshot(2);
  assert.deepEqual(visibleLines(dir), a, 'a snapshot alone publishes nothing');
  await h.complete(2);
  assert.deepEqual(visibleLines(dir), [...a, ...b]);
  assert.deepEqual(hidden(dir), []);
  const names = finished(dir).sort((x, y) => x.counter - y.counter);
  assert.deepEqual(
    names.map((p) => p.counter),
    [0, 1],
    'one part per checkpoint, counted from 0',
  );
  assert.equal(new Set(names.map((p) => p.uid)).size, 1);
  await h.close();
});

test('parts rolled between checkpoints stay pending until the next checkpoint completes', async () => {
  const h = await start(fileSink(DefaultRollingPolicy.builder().withMaxPartSize(100).build()), true);
  const a = range('a', 100);
  h.process(...a);
  assert.ok(hidden(dir).length > 3, 'the size policy rolled several parts');
  assert.deepEqual(finished(dir), [], 'rolled parts are pending, not finished');
  await h.snapshot(1);
  h.process(...range('b', 10));
  assert.deepEqual(finished(dir), []);
  await h.complete(1);
  assert.deepEqual(visibleLines(dir), a);
  const counters = finished(dir)
    .map((p) => p.counter)
    .sort((x, y) => x - y);
  assert.deepEqual(
    counters,
    counters.map((_, i) => i),
  );
  await h.close();
});

test('a crash after checkpoint 2: its pending parts are committed on restore, later records never appear', async () => {
  const sink = fileSink();
  const first = await start(sink, true);
  const a = range('a', 20);
  const b = range('b', 20);
  const c = range('c', 20);
  first.process(...a);
  await first.snapshot(1);
  await first.complete(1);
  first.process(...b);
  const state2 = await first.snapshot(2);
  first.process(...c);
  // Checkpoint 2 completed in the JobMaster, but the task failed before the notification arrived.
  await first.close();
  const firstUid = finished(dir)[0]?.uid;
  assert.deepEqual(visibleLines(dir), a);

  const second = await start(sink, true, state2);
  assert.deepEqual(visibleLines(dir), [...a, ...b], 'restore committed checkpoint 2');
  const garbage = hidden(dir);
  assert.equal(garbage.length, 1, 'the part of the failed attempt stays hidden');
  assert.deepEqual(hiddenLines(dir), c);

  const d = range('d', 5);
  second.process(...d);
  await second.snapshot(3);
  await second.complete(3);
  assert.deepEqual(visibleLines(dir), [...a, ...b, ...d]);
  assert.deepEqual(
    hidden(dir).map((p) => p.name),
    garbage.map((p) => p.name),
    'the garbage never becomes a part file',
  );
  const secondParts = finished(dir).filter((p) => p.uid !== firstUid);
  assert.equal(secondParts.length, 1);
  assert.equal(secondParts[0]?.counter, 0, 'the restored writer has a new uid and counts from 0');
  await second.close();
});

test('restoring twice from the same checkpoint commits idempotently', async () => {
  const sink = fileSink();
  const first = await start(sink, true);
  first.process('x', 'y');
  const state1 = await first.snapshot(1);
  await first.complete(1);
  await first.close();
  assert.deepEqual(visibleLines(dir), ['x', 'y']);
  // The notification arrived and committed, then the job failed before checkpoint 2: the restored
  // state still holds the committables of checkpoint 1.
  const second = await start(sink, true, state1);
  await second.close();
  const third = await start(sink, true, state1);
  await third.close();
  assert.deepEqual(visibleLines(dir), ['x', 'y']);
  assert.deepEqual(hidden(dir), []);
});

test('a commit fails when both the pending file and the finished file are gone', () => {
  const part: FileSinkCommittable = { bucketId: '', inProgressPath: join(dir, '.part-x-0.inprogress.y'), finalPath: join(dir, 'part-x-0') };
  assert.throws(() => new FileCommitter().commit([part]), /Cannot commit part file .*part-x-0/);
});

test('a commit that already happened is a success', () => {
  const hiddenPath = join(dir, '.part-x-0.inprogress.y');
  const finalPath = join(dir, 'part-x-0');
  writeFileSync(hiddenPath, 'data\n');
  const committer = new FileCommitter();
  committer.commit([{ bucketId: '', inProgressPath: hiddenPath, finalPath }]);
  // Retried after a failure: the hidden file is gone, the finished one is there.
  committer.commit([{ bucketId: '', inProgressPath: hiddenPath, finalPath }]);
  assert.equal(readFileSync(finalPath, 'utf8'), 'data\n');
  assert.deepEqual(readdirSync(dir), ['part-x-0']);
});

test('a skipped notification: completing checkpoint 3 commits checkpoints 2 and 3', async () => {
  const h = await start(fileSink(), true);
  h.process('one');
  await h.snapshot(1);
  await h.complete(1);
  h.process('two');
  await h.snapshot(2);
  h.process('three');
  await h.snapshot(3);
  h.process('four');
  assert.deepEqual(visibleLines(dir), ['one']);
  await h.complete(3);
  assert.deepEqual(visibleLines(dir), ['one', 'three', 'two']);
  // A late notification of 2 finds nothing left to commit.
  await h.complete(2);
  assert.deepEqual(visibleLines(dir), ['one', 'three', 'two']);
  await h.close();
  assert.deepEqual(hiddenLines(dir), ['four']);
});

test('an aborted checkpoint leaves its parts pending for the next completed one', async () => {
  const h = await start(fileSink(), true);
  h.process('one');
  await h.snapshot(1);
  await h.abort(1);
  h.process('two');
  await h.snapshot(2);
  assert.deepEqual(finished(dir), []);
  await h.complete(2);
  assert.deepEqual(visibleLines(dir), ['one', 'two']);
  await h.close();
});

test('end of input with checkpointing: the final checkpoint publishes the last parts', async () => {
  const h = await start(fileSink(), true);
  h.process('a', 'b');
  await h.snapshot(1);
  h.process('c');
  await h.finish();
  assert.deepEqual(finished(dir), [], 'finish leaves the last part to the final checkpoint');
  assert.equal(hidden(dir).length, 2);
  await h.snapshot(2);
  await h.complete(2);
  await h.close();
  assert.deepEqual(visibleLines(dir), ['a', 'b', 'c']);
  assert.deepEqual(hidden(dir), []);
});

test('a failure between finish and the final checkpoint publishes nothing of the last part', async () => {
  const h = await start(fileSink(), true);
  h.process('a');
  await h.snapshot(1);
  await h.complete(1);
  h.process('b');
  await h.finish();
  await h.close();
  assert.deepEqual(visibleLines(dir), ['a']);
  assert.deepEqual(hiddenLines(dir), ['b']);
});

test('without checkpointing, rolled parts are finished at once and the rest at end of input', async () => {
  const h = await start(fileSink(DefaultRollingPolicy.builder().withMaxPartSize(100).build()), false);
  const a = range('a', 100);
  h.process(...a);
  assert.ok(finished(dir).length > 3, 'rolled parts are visible without a checkpoint');
  assert.equal(hidden(dir).length, 1);
  await h.finish();
  await h.close();
  assert.deepEqual(visibleLines(dir), a);
  assert.deepEqual(hidden(dir), []);
});

test('BATCH mode publishes at end of input even with a checkpoint interval configured', async () => {
  const h = await SinkOperatorHarness.start(new SinkWriterOperator(fileSink()), { checkpointing: true, runtimeMode: 'BATCH' });
  h.process('a', 'b');
  await h.finish();
  await h.close();
  assert.deepEqual(visibleLines(dir), ['a', 'b']);
});

test('a cancelled sink publishes nothing, not even parts of a checkpoint that did not complete', async () => {
  const h = await start(fileSink(), true);
  h.process('a');
  await h.snapshot(1);
  h.process('b');
  await h.close();
  assert.deepEqual(finished(dir), []);
  assert.deepEqual(hiddenLines(dir), ['a', 'b']);
});

test('parts of several buckets are committed together', async () => {
  const sink = FileSink.forRowFormat(dir, new SimpleStringEncoder<number>())
    .withBucketAssigner({ getBucketId: (value: number) => (value % 2 === 0 ? 'even' : 'odd') })
    .withRollingPolicy(OnCheckpointRollingPolicy.build())
    .build();
  const h = await SinkOperatorHarness.start(new SinkWriterOperator(sink), { checkpointing: true });
  h.process(1, 2, 3, 4);
  await h.snapshot(1);
  h.process(5, 6);
  await h.complete(1);
  assert.deepEqual(visibleLines(join(dir, 'even')), ['2', '4']);
  assert.deepEqual(visibleLines(join(dir, 'odd')), ['1', '3']);
  await h.endOfInput(2);
  assert.deepEqual(visibleLines(join(dir, 'even')), ['2', '4', '6']);
  assert.deepEqual(visibleLines(join(dir, 'odd')), ['1', '3', '5']);
});

test('a part rolled by the timer with checkpointing waits for the checkpoint', async () => {
  const services = new TestServices();
  const sink = FileSink.forRowFormat(dir, new SimpleStringEncoder<string>())
    .withBucketAssigner(new BasePathBucketAssigner())
    .withRollingPolicy(DefaultRollingPolicy.builder().withInactivityInterval(20).build())
    .withBucketCheckInterval(10)
    .build();
  const h = await SinkOperatorHarness.start(new SinkWriterOperator(sink), { checkpointing: true, services });
  h.process('idle soon');
  await eventually(() => hiddenLines(dir).length === 1, 5000, 'the inactivity roll to write the part out');
  assert.deepEqual(finished(dir), []);
  await h.snapshot(1);
  await h.complete(1);
  assert.deepEqual(visibleLines(dir), ['idle soon']);
  await h.close();
  assert.deepEqual(services.timerErrors, []);
});

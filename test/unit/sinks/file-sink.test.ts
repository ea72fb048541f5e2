import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FileSink } from '../../../src/api/sinks/file-sink.js';
import { BasePathBucketAssigner, DateTimeBucketAssigner } from '../../../src/api/sinks/bucket-assigner.js';
import { DefaultRollingPolicy, OnCheckpointRollingPolicy } from '../../../src/api/sinks/rolling-policy.js';
import { OutputFileConfig } from '../../../src/api/sinks/output-file-config.js';
import { SimpleStringEncoder } from '../../../src/api/common/serialization/simple-string-encoder.js';
import { TestServices, createWriter, eventually } from './sink-test-harness.js';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const FINISHED = new RegExp(`^part-(${UUID})-(\\d+)$`);
const IN_PROGRESS = new RegExp(`^\\.part-${UUID}-\\d+\\.inprogress\\.${UUID}$`);

let dir = '';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flink-ts-file-sink-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function finishedParts(path: string): { name: string; counter: number }[] {
  return readdirSync(path)
    .flatMap((name) => {
      const m = FINISHED.exec(name);
      return m === null ? [] : [{ name, counter: Number(m[2]) }];
    })
    .sort((a, b) => a.counter - b.counter);
}

function hiddenFiles(path: string): string[] {
  return readdirSync(path).filter((name) => name.startsWith('.'));
}

function concatParts(path: string): string {
  return finishedParts(path)
    .map((p) => readFileSync(join(path, p.name), 'utf8'))
    .join('');
}

const lines = Array.from({ length: 1000 }, (_, i) => `record ${i} ${i % 7 === 0 ? 'grüße' : ''}`);
const expectedText = lines.map((l) => `${l}\n`).join('');

test('rolling by size yields several finished parts whose concatenation is the input', async () => {
  const sink = FileSink.forRowFormat(dir, new SimpleStringEncoder<string>())
    .withBucketAssigner(new BasePathBucketAssigner())
    .withRollingPolicy(DefaultRollingPolicy.builder().withMaxPartSize(1024).build())
    .build();
  const writer = createWriter(sink, new TestServices());
  for (const line of lines) writer.write(line, 0);
  // Rolled parts are already finished; the current one is still hidden.
  assert.ok(finishedParts(dir).length > 1);
  const hidden = hiddenFiles(dir);
  assert.equal(hidden.length, 1);
  assert.match(hidden[0] ?? '', IN_PROGRESS);
  await writer.flush(true);
  await writer.close();
  assert.deepEqual(hiddenFiles(dir), []);
  const parts = finishedParts(dir);
  assert.ok(parts.length > 10, `${parts.length} parts`);
  assert.deepEqual(
    parts.map((p) => p.counter),
    parts.map((_, i) => i),
    'counters start at 0 and have no gaps',
  );
  assert.equal(new Set(parts.map((p) => FINISHED.exec(p.name)?.[1])).size, 1, 'one uid per writer');
  assert.equal(concatParts(dir), expectedText);
});

test('without rolling, flush(true) makes the single part visible', async () => {
  const sink = FileSink.forRowFormat(dir, new SimpleStringEncoder<string>())
    .withBucketAssigner(new BasePathBucketAssigner())
    .withRollingPolicy(OnCheckpointRollingPolicy.build())
    .build();
  const writer = createWriter(sink, new TestServices());
  for (const line of lines) writer.write(line, 0);
  assert.deepEqual(finishedParts(dir), []);
  await writer.flush(false);
  assert.deepEqual(finishedParts(dir), [], 'a plain flush does not commit');
  await writer.flush(true);
  await writer.close();
  assert.equal(finishedParts(dir).length, 1);
  assert.equal(concatParts(dir), expectedText);
  assert.deepEqual(hiddenFiles(dir), []);
});

test('close() without end of input leaves only hidden in-progress files', async () => {
  const sink = FileSink.forRowFormat(dir, new SimpleStringEncoder<string>())
    .withBucketAssigner(new BasePathBucketAssigner())
    .build();
  const writer = createWriter(sink, new TestServices());
  for (const line of lines) writer.write(line, 0);
  await writer.close();
  const names = readdirSync(dir);
  assert.equal(names.length, 1);
  assert.match(names[0] ?? '', IN_PROGRESS);
  // The data reached the file, it just never became a part file.
  assert.equal(readFileSync(join(dir, names[0] ?? ''), 'utf8'), expectedText);
});

test('two writers never collide and name their parts with their own uid', async () => {
  const sink = FileSink.forRowFormat(dir, new SimpleStringEncoder<number>())
    .withBucketAssigner(new BasePathBucketAssigner())
    .build();
  const a = createWriter(sink, new TestServices(), 0, 2);
  const b = createWriter(sink, new TestServices(), 1, 2);
  a.write(1, 0);
  b.write(2, 0);
  await a.flush(true);
  await b.flush(true);
  await a.close();
  await b.close();
  const parts = finishedParts(dir);
  assert.equal(parts.length, 2);
  assert.deepEqual(parts.map((p) => p.counter), [0, 0]);
  assert.equal(readdirSync(dir).length, 2);
});

test('the output file config sets prefix and suffix', async () => {
  const sink = FileSink.forRowFormat(dir, new SimpleStringEncoder<number>())
    .withBucketAssigner(new BasePathBucketAssigner())
    .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix('out').withPartSuffix('.txt').build())
    .build();
  const writer = createWriter(sink, new TestServices());
  writer.write(42, 0);
  await writer.flush(true);
  await writer.close();
  const names = readdirSync(dir);
  assert.equal(names.length, 1);
  assert.match(names[0] ?? '', new RegExp(`^out-${UUID}-0\\.txt$`));
});

test('the default DateTimeBucketAssigner writes into an hourly directory in local time', async () => {
  const services = new TestServices();
  services.now = new Date(2024, 2, 5, 7, 30, 15).getTime();
  const sink = FileSink.forRowFormat(join(dir, 'nested', 'base'), new SimpleStringEncoder<string>()).build();
  const writer = createWriter(sink, services);
  writer.write('a', 0);
  services.now = new Date(2024, 2, 5, 8, 0, 1).getTime();
  writer.write('b', 0);
  await writer.flush(true);
  await writer.close();
  const base = join(dir, 'nested', 'base');
  assert.deepEqual(readdirSync(base).sort(), ['2024-03-05--07', '2024-03-05--08']);
  assert.equal(concatParts(join(base, '2024-03-05--07')), 'a\n');
  assert.equal(concatParts(join(base, '2024-03-05--08')), 'b\n');
});

test('a custom date format may nest directories and quote letters', () => {
  const at = new Date(2023, 11, 31, 23, 59, 58).getTime();
  const context = { currentProcessingTime: () => at, timestamp: () => undefined };
  assert.equal(new DateTimeBucketAssigner('yyyy/MM/dd').getBucketId('x', context), '2023/12/31');
  assert.equal(new DateTimeBucketAssigner("yyyy-MM-dd'T'HH:mm:ss''").getBucketId('x', context), "2023-12-31T23:59:58'");
  assert.throws(() => new DateTimeBucketAssigner('yyyy-MM-dd T'), /Unsupported pattern 'T'/);
});

test('BasePathBucketAssigner and a value-based assigner place files as asked', async () => {
  const sink = FileSink.forRowFormat(dir, new SimpleStringEncoder<number>())
    .withBucketAssigner({ getBucketId: (value: number) => (value % 2 === 0 ? 'even' : 'odd/nested') })
    .build();
  const writer = createWriter(sink, new TestServices());
  for (let i = 0; i < 10; i++) writer.write(i, 0);
  await writer.flush(true);
  await writer.close();
  assert.equal(concatParts(join(dir, 'even')), '0\n2\n4\n6\n8\n');
  assert.equal(concatParts(join(dir, 'odd', 'nested')), '1\n3\n5\n7\n9\n');
});

test('the bucket assigner sees the record timestamp, undefined when it has none', async () => {
  const seen: (number | undefined)[] = [];
  const sink = FileSink.forRowFormat(dir, new SimpleStringEncoder<number>())
    .withBucketAssigner({
      getBucketId: (_value, context) => {
        seen.push(context.timestamp());
        return '';
      },
    })
    .build();
  const writer = createWriter(sink, new TestServices());
  writer.write(1, 1234);
  writer.write(2, Number.MIN_SAFE_INTEGER);
  await writer.flush(true);
  await writer.close();
  assert.deepEqual(seen, [1234, undefined]);
});

test('an inactive part is rolled by the timer without further writes', async () => {
  const sink = FileSink.forRowFormat(dir, new SimpleStringEncoder<string>())
    .withBucketAssigner(new BasePathBucketAssigner())
    .withRollingPolicy(DefaultRollingPolicy.builder().withInactivityInterval(30).build())
    .withBucketCheckInterval(10)
    .build();
  const writer = createWriter(sink, new TestServices());
  writer.write('idle soon', 0);
  await eventually(() => finishedParts(dir).length === 1, 5000, 'inactivity roll');
  assert.deepEqual(hiddenFiles(dir), []);
  assert.equal(concatParts(dir), 'idle soon\n');
  await writer.flush(true);
  await writer.close();
  assert.equal(finishedParts(dir).length, 1);
});

test('the rollover interval is checked on write', async () => {
  const services = new TestServices();
  services.now = 1_000_000;
  const sink = FileSink.forRowFormat(dir, new SimpleStringEncoder<string>())
    .withBucketAssigner(new BasePathBucketAssigner())
    .withRollingPolicy(DefaultRollingPolicy.builder().withRolloverInterval(1000).build())
    .build();
  const writer = createWriter(sink, services);
  writer.write('first', 0);
  services.now += 500;
  writer.write('second', 0);
  services.now += 600;
  writer.write('third', 0);
  await writer.flush(true);
  await writer.close();
  const parts = finishedParts(dir);
  assert.equal(parts.length, 2);
  assert.equal(readFileSync(join(dir, parts[0]?.name ?? ''), 'utf8'), 'first\nsecond\n');
  assert.equal(readFileSync(join(dir, parts[1]?.name ?? ''), 'utf8'), 'third\n');
});

test('the sink directory is created lazily; nothing is written without records', async () => {
  const base = join(dir, 'never');
  const writer = createWriter(FileSink.forRowFormat(base, new SimpleStringEncoder<string>()).build(), new TestServices());
  await writer.flush(true);
  await writer.close();
  assert.equal(existsSync(base), false);
});

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { TextFileSource } from '../../../src/api/sources/text-file-source.js';
import {
  checkpointAndRescale,
  createReader,
  drain,
  readAllSubtasks,
  readRestored,
  readSubtask,
  snapshot,
  testServices,
} from './source-test-harness.js';

let dir = '';

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'flink-ts-text-source-'));
});

after(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Small deterministic PRNG (mulberry32), so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SAMPLES = ['grüße 日本語', 'plain ascii words here', '', 'ü', '日', '🎉 emoji line', 'tab\tseparated'];

/** Lines of varied lengths (empty, multi-byte, very long), some ending in CRLF. */
function makeContent(seed: number, lines: number, finalNewline: boolean): string {
  const random = prng(seed);
  let text = '';
  for (let i = 0; i < lines; i++) {
    const kind = random();
    let line: string;
    if (kind < 0.3) line = SAMPLES[Math.floor(random() * SAMPLES.length)] ?? '';
    else if (kind < 0.35) line = 'long-'.repeat(50 + Math.floor(random() * 150)) + `${i}`;
    else line = `line ${i} ` + 'x'.repeat(Math.floor(random() * 80)) + (random() < 0.5 ? ' ß€' : '');
    const crlf = random() < 0.2;
    text += line + (i === lines - 1 && !finalNewline ? '' : crlf ? '\r\n' : '\n');
  }
  return text;
}

/** The lines a reader must produce: split on `\n`, a trailing `\r` dropped, no line after a final `\n`. */
function linesOf(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

function sorted(values: readonly string[]): string[] {
  return [...values].sort();
}

const OPTION_SETS: readonly { readonly minSplitSize?: number; readonly chunkSize?: number }[] = [
  {},
  { minSplitSize: 1, chunkSize: 7 },
  { minSplitSize: 1, chunkSize: 64 },
  { minSplitSize: 1000, chunkSize: 4096 },
];

async function assertReadsExactly(path: string, expected: readonly string[]): Promise<void> {
  for (const options of OPTION_SETS) {
    for (const p of [1, 2, 3, 7]) {
      const perSubtask = await readAllSubtasks(new TextFileSource(path, options), p);
      const label = `p=${p} options=${JSON.stringify(options)}`;
      if (p === 1) assert.deepEqual(perSubtask[0], expected, label);
      assert.deepEqual(sorted(perSubtask.flat()), sorted(expected), label);
    }
  }
}

test('every line of a file is read exactly once at parallelism 1, 2, 3 and 7, whatever the split size', async () => {
  const content = makeContent(1, 400, true);
  const path = join(dir, 'varied.txt');
  writeFileSync(path, content);
  await assertReadsExactly(path, linesOf(content));
});

test('a last line without a newline is read, CRLF endings are stripped', async () => {
  const content = makeContent(2, 150, true) + 'tail ending with cr\r';
  const path = join(dir, 'no-final-newline.txt');
  writeFileSync(path, content);
  const expected = linesOf(content);
  assert.equal(expected.at(-1), 'tail ending with cr');
  await assertReadsExactly(path, expected);
});

test('handcrafted edge cases: only newlines, a single char, split boundary on newlines', async () => {
  for (const [name, content] of [
    ['newlines.txt', '\n\n\n\n\n'],
    ['one-char.txt', 'a'],
    ['crlf-only.txt', '\r\n\r\n'],
    ['multibyte.txt', '日本語\n日本語\n🎉\ngrüße'],
  ] as const) {
    const path = join(dir, name);
    writeFileSync(path, content);
    await assertReadsExactly(path, linesOf(content));
  }
});

test('an empty file produces no lines', async () => {
  const path = join(dir, 'empty.txt');
  writeFileSync(path, '');
  for (const p of [1, 3]) {
    assert.deepEqual((await readAllSubtasks(new TextFileSource(path), p)).flat(), []);
  }
});

test('a directory is read recursively in path order, skipping hidden and underscore files', async () => {
  const root = join(dir, 'tree');
  mkdirSync(join(root, 'b', 'c'), { recursive: true });
  mkdirSync(join(root, '.hidden-dir'), { recursive: true });
  const a = makeContent(3, 120, true);
  const bc = makeContent(4, 90, false);
  const z = 'z1\nz2\n';
  writeFileSync(join(root, 'a.txt'), a);
  writeFileSync(join(root, 'b', 'c', 'deep.txt'), bc);
  writeFileSync(join(root, 'b', 'empty.txt'), '');
  writeFileSync(join(root, 'z.txt'), z);
  writeFileSync(join(root, '.hidden'), 'never\n');
  writeFileSync(join(root, '_SUCCESS'), 'never\n');
  writeFileSync(join(root, '.hidden-dir', 'inside.txt'), 'never\n');
  const expected = [...linesOf(a), ...linesOf(bc), ...linesOf(z)];
  await assertReadsExactly(root, expected);
});

test('small files are dealt round-robin to subtasks', async () => {
  const root = join(dir, 'small-files');
  mkdirSync(root);
  for (let i = 0; i < 6; i++) writeFileSync(join(root, `f${i}.txt`), `file ${i}\n`);
  const perSubtask = await readAllSubtasks(new TextFileSource(root), 3);
  assert.deepEqual(perSubtask, [
    ['file 0', 'file 3'],
    ['file 1', 'file 4'],
    ['file 2', 'file 5'],
  ]);
});

test('a large file is split across subtasks', async () => {
  const content = makeContent(5, 20_000, true);
  const path = join(dir, 'large.txt');
  writeFileSync(path, content);
  const perSubtask = await readAllSubtasks(new TextFileSource(path), 3);
  assert.ok(perSubtask.every((lines) => lines.length > 0), 'every subtask got a share');
  assert.deepEqual(perSubtask.flat(), linesOf(content), 'contiguous splits in subtask order give the file');
});

test('a missing path fails start() naming the path', async () => {
  const missing = join(dir, 'does-not-exist.txt');
  const reader = createReader(new TextFileSource(missing));
  await assert.rejects(Promise.resolve(reader.start()), (e: Error) => e.message.includes(missing));
  await reader.close();
});

test('closing a reader before it is drained stops it', async () => {
  const content = makeContent(6, 5000, true);
  const path = join(dir, 'close-early.txt');
  writeFileSync(path, content);
  const reader = createReader(new TextFileSource(path, { chunkSize: 1024 }));
  await reader.start();
  const first: string[] = [];
  reader.pollNext({ collect: (v) => first.push(v) });
  await reader.close();
  assert.equal(reader.pollNext({ collect: () => assert.fail('no records after close') }), 'END_OF_INPUT');
});

test('is bounded and named File Source', () => {
  const source = new TextFileSource('/x');
  assert.equal(source.boundedness, 'BOUNDED');
  assert.equal(source.defaultName, 'File Source');
  assert.throws(() => new TextFileSource('/x', { chunkSize: 0 }), TypeError);
});

test('a single subtask output preserves order within a file', async () => {
  const path = join(dir, 'order.txt');
  const lines = Array.from({ length: 3000 }, (_, i) => `n${i}`);
  writeFileSync(path, lines.join('\n'));
  assert.deepEqual(await readSubtask(new TextFileSource(path, { chunkSize: 100 }), 0, 1), lines);
});

test('random small files read back exactly for random parallelism and chunk sizes', async () => {
  const random = prng(42);
  const alphabet = ['a', 'b', '\n', '\n', '\r', 'ü', '日', '🎉', ' '];
  for (let round = 0; round < 150; round++) {
    let content = '';
    const length = Math.floor(random() * 60);
    for (let i = 0; i < length; i++) content += alphabet[Math.floor(random() * alphabet.length)] ?? '';
    const path = join(dir, `fuzz-${round}.txt`);
    writeFileSync(path, content);
    const p = 1 + Math.floor(random() * 7);
    const chunkSize = 1 + Math.floor(random() * 9);
    const perSubtask = await readAllSubtasks(new TextFileSource(path, { minSplitSize: 1, chunkSize }), p);
    // Lines may legitimately contain a lone `\r`; only one directly before `\n` or at the end is dropped.
    assert.deepEqual(
      sorted(perSubtask.flat()),
      sorted(linesOf(content)),
      `round ${round}: ${JSON.stringify(content)} p=${p} chunkSize=${chunkSize}`,
    );
  }
});

test('a snapshot points at the start of the next unread line, not at what is only read ahead', async () => {
  const path = join(dir, 'fixed-width.txt');
  const lines = Array.from({ length: 1000 }, (_, i) => `line-${String(i).padStart(4, '0')}`);
  writeFileSync(path, lines.map((l) => `${l}\n`).join(''));
  const source = new TextFileSource(path);
  const reader = createReader(source);
  await reader.start();
  // The whole file is one read-ahead chunk; one poll emits 256 lines of 10 bytes.
  const before = await drain(reader, 1);
  assert.equal(before.length, 256);
  const splits = snapshot(reader);
  assert.deepEqual(splits, [{ path, offset: 2560, end: 10_000, fileSize: 10_000 }]);
  const afterSnapshot = await drain(reader);
  await reader.close();
  const restored = await readRestored(source, splits);
  assert.deepEqual(restored, afterSnapshot);
  assert.deepEqual([...before, ...restored], lines);
});

/** Larger than the files here, so a whole file is read ahead at once. */
const DEFAULT_TEST_CHUNK = 1024 * 1024;

test('a restored reader reads exactly the lines not read before the snapshot, whatever the chunk size', async () => {
  const content = makeContent(7, 3000, false);
  const path = join(dir, 'restore-order.txt');
  writeFileSync(path, content);
  const expected = linesOf(content);
  for (const chunkSize of [7, 64, 4096, DEFAULT_TEST_CHUNK]) {
    for (const stopAfter of [1, 300, 2999]) {
      const source = new TextFileSource(path, { chunkSize });
      const reader = createReader(source);
      await reader.start();
      const before = await drain(reader, stopAfter);
      const splits = snapshot(reader);
      const afterSnapshot = await drain(reader);
      await reader.close();
      const restored = await readRestored(source, splits);
      const label = `chunkSize=${chunkSize} stopAfter=${stopAfter}`;
      assert.deepEqual(restored, afterSnapshot, label);
      assert.deepEqual([...before, ...restored], expected, label);
    }
  }
});

test('splits of 2 readers restored over 3 and over 1 readers give every line exactly once', async () => {
  const root = join(dir, 'rescale');
  mkdirSync(join(root, 'sub'), { recursive: true });
  const files = [makeContent(8, 900, true), makeContent(9, 40, false), makeContent(10, 1500, true)];
  writeFileSync(join(root, 'a.txt'), files[0] ?? '');
  writeFileSync(join(root, 'b.txt'), files[1] ?? '');
  writeFileSync(join(root, 'sub', 'c.txt'), files[2] ?? '');
  const expected = files.flatMap((f) => linesOf(f));
  for (const options of [{ minSplitSize: 1, chunkSize: 13 }, { minSplitSize: 1000, chunkSize: 512 }, {}]) {
    const source = new TextFileSource(root, options);
    for (const readBefore of [
      [0, 0],
      [1, 400],
      [300, 9999],
      [9999, 9999],
    ]) {
      for (const newParallelism of [3, 1]) {
        const { before, after } = await checkpointAndRescale(source, readBefore, newParallelism);
        const label = `${JSON.stringify(options)} read ${readBefore.join('/')} then p=${newParallelism}`;
        assert.deepEqual(sorted([...before, ...after].flat()), sorted(expected), label);
      }
    }
  }
});

test('random files, parallelism, chunk sizes and snapshot points: every line once across a restore', async () => {
  const random = prng(7);
  const alphabet = ['a', 'b', 'c', '\n', '\n', '\n', '\r', 'ü', '日', '🎉', ' '];
  for (let round = 0; round < 60; round++) {
    let content = '';
    const length = Math.floor(random() * 1500);
    for (let i = 0; i < length; i++) content += alphabet[Math.floor(random() * alphabet.length)] ?? '';
    const path = join(dir, `restore-fuzz-${round}.txt`);
    writeFileSync(path, content);
    const p = 1 + Math.floor(random() * 4);
    const newParallelism = 1 + Math.floor(random() * 5);
    const chunkSize = 1 + Math.floor(random() * 40);
    const readBefore = Array.from({ length: p }, () => Math.floor(random() * 300));
    const source = new TextFileSource(path, { minSplitSize: 1 + Math.floor(random() * 200), chunkSize });
    const { before, after } = await checkpointAndRescale(source, readBefore, newParallelism);
    assert.deepEqual(
      sorted([...before, ...after].flat()),
      sorted(linesOf(content)),
      `round ${round}: p=${p} -> ${newParallelism} chunkSize=${chunkSize} readBefore=${readBefore.join('/')}`,
    );
  }
});

test('a restored reader reads its splits only: files added to the directory later are not listed', async () => {
  const root = join(dir, 'restore-no-relist');
  mkdirSync(root);
  writeFileSync(join(root, 'a.txt'), 'a1\na2\n');
  const source = new TextFileSource(root);
  const reader = createReader(source);
  await reader.start();
  const splits = snapshot(reader);
  await reader.close();
  writeFileSync(join(root, 'b.txt'), 'b1\n');
  assert.deepEqual(await readRestored(source, splits), ['a1', 'a2']);
});

test('empty restored splits end the reader at once', async () => {
  const reader = createReader(new TextFileSource(join(dir, 'never-read.txt')), 0, 1, testServices(), []);
  await reader.start();
  assert.equal(reader.pollNext({ collect: () => assert.fail('nothing to emit') }), 'END_OF_INPUT');
  await reader.close();
});

test('malformed restored file splits are rejected naming the split', () => {
  const source = new TextFileSource('/x');
  for (const bad of [
    { index: 1 },
    { path: '/x', offset: 5, end: 4, fileSize: 9 },
    { path: '/x', offset: 0, end: 10, fileSize: 9 },
  ]) {
    assert.throws(() => createReader(source, 0, 1, testServices(), [bad]), /TextFileSource cannot restore split/);
  }
});

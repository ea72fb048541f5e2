/**
 * The built-in sources at parallelism 1, 2 and 4: a directory of text files (each line exactly
 * once, hidden files skipped), a number sequence and a bounded generator (every value exactly
 * once, in contiguous, balanced slices per subtask) and collections (in order).
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import type { Printed } from './runtime-harness.js';
import {
  assertBuilt,
  assertFinished,
  assertSameMultiset,
  fixture,
  groupBy,
  outputLines,
  printedBy,
  runJob,
  tempDir,
  values,
} from './runtime-harness.js';

const JOB = fixture('sources.ts');
const GENERATED = 1003;

let inputDir: string;
let expectedFileLines: string[];

/**
 * Files of different shapes: one large enough to be cut into several splits at every tested
 * parallelism, CRLF endings, no final newline, multi-byte characters, an empty line and an empty
 * file, a nested directory, and hidden / `_` bookkeeping files that must not be read.
 */
before(() => {
  assertBuilt();
  inputDir = tempDir('sources');
  const files: Record<string, string[]> = {
    'big.txt': Array.from({ length: 12_000 }, (_, i) => `big-${i} ${'x'.repeat(i % 37)}`),
    'crlf.txt': Array.from({ length: 300 }, (_, i) => `crlf-${i}`),
    'no-final-newline.txt': ['last-1', 'last-2', 'last-3'],
    'utf8.txt': ['grüße-1', '日本語-2', 'emoji-🙂-3', '', 'after-empty-line'],
    'empty.txt': [],
    'sub/nested.txt': Array.from({ length: 50 }, (_, i) => `nested-${i}`),
  };
  mkdirSync(join(inputDir, 'sub'));
  for (const [name, lines] of Object.entries(files)) {
    let text = lines.map((line) => `${line}\n`).join('');
    if (name === 'crlf.txt') text = lines.map((line) => `${line}\r\n`).join('');
    if (name === 'no-final-newline.txt') text = lines.join('\n');
    writeFileSync(join(inputDir, name), text);
  }
  writeFileSync(join(inputDir, '.hidden.txt'), 'HIDDEN-1\nHIDDEN-2\n');
  writeFileSync(join(inputDir, '_SUCCESS'), 'MARKER\n');
  expectedFileLines = Object.values(files).flat();
});

/** Asserts each subtask emitted one contiguous slice, the slices differing in size by at most one. */
function assertContiguousBalancedSlices(printed: readonly Printed[], numberOf: (value: string) => number, total: number, p: number, what: string): void {
  const slices = groupBy(printed, (entry) => String(entry.subtask));
  assert.equal(slices.size, Math.min(p, total), `${what}: every subtask emits a share`);
  for (const [subtask, entries] of slices) {
    const numbers = entries.map((entry) => numberOf(entry.value)).sort((a, b) => a - b);
    const first = numbers[0] ?? 0;
    assert.deepEqual(numbers, numbers.map((_, i) => first + i), `${what}: subtask ${subtask} emits a contiguous range`);
    assert.ok(
      numbers.length === Math.floor(total / p) || numbers.length === Math.ceil(total / p),
      `${what}: subtask ${subtask} emits ${numbers.length} of ${total} over ${p} subtasks`,
    );
  }
}

for (const p of [1, 2, 4]) {
  test(`-p ${p}: readTextFile(dir), fromSequence, DataGeneratorSource and fromCollection emit exactly their data`, async () => {
    const run = await runJob(JOB, { parallelism: p, args: ['--dir', inputDir, '--gen', String(GENERATED)] });
    assertFinished(run);
    const lines = outputLines(run.stdout);

    const file = printedBy(lines, 'file', p);
    assertSameMultiset(values(file), expectedFileLines, `readTextFile of a directory at -p ${p}`);
    if (p > 1) {
      // The large file alone is cut into at least p splits, so every subtask reads some lines.
      assert.equal(new Set(file.map((entry) => entry.subtask)).size, p, 'every file source subtask reads a split');
    }

    const seq = printedBy(lines, 'seq', p);
    assertSameMultiset(values(seq), Array.from({ length: 1000 }, (_, i) => String(i + 1)), 'fromSequence(1, 1000)');
    assertContiguousBalancedSlices(seq, Number, 1000, p, 'fromSequence');

    const gen = printedBy(lines, 'gen', p);
    assertSameMultiset(values(gen), Array.from({ length: GENERATED }, (_, i) => `g${i}`), 'DataGeneratorSource');
    assertContiguousBalancedSlices(gen, (value) => Number(value.slice(1)), GENERATED, p, 'DataGeneratorSource');

    // Collections run at parallelism 1 and print there: exact order, `identifier> ` prefix.
    assert.deepEqual(values(printedBy(lines, 'set', 1)), ['first', 'second', 'third']);
    assert.deepEqual(values(printedBy(lines, 'iter', 1)), ['5', '4', '3', '2', '1']);
    assert.deepEqual(values(printedBy(lines, 'mixed', 1)), ['{"id":1,"tags":["a","b"]}', '(1,two,true)', 'plain', '7']);

    assert.equal(lines.length, file.length + seq.length + gen.length + 3 + 5 + 4, 'no other output');
  });
}

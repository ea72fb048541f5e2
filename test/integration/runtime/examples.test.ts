/**
 * The shipped examples, run as a user runs them: word-count (file input, several inputs, the
 * built-in text; STREAMING and BATCH; stdout and --output), keyed-process, and
 * socket-word-count against a local TCP server. Expected counts come from a plain tokenizer here.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { before, test } from 'node:test';
import {
  ROOT,
  assertBuilt,
  assertFinished,
  assertOneSubtaskPerKey,
  assertSameMultiset,
  groupBy,
  listFiles,
  outputLines,
  printedBy,
  runJob,
  tempDir,
  values,
} from './runtime-harness.js';

const WORD_COUNT = join(ROOT, 'examples', 'word-count.ts');
const KEYED_PROCESS = join(ROOT, 'examples', 'keyed-process.ts');
const SOCKET_WORD_COUNT = join(ROOT, 'examples', 'socket-word-count.ts');

/** The example's tokenizer, as documented: lower-case, split on non-word characters, no empties. */
function tokenize(line: string): string[] {
  return line
    .toLowerCase()
    .split(/\W+/)
    .filter((token) => token.length > 0);
}

function countWords(lines: readonly string[], tokenizer: (line: string) => string[] = tokenize): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) for (const word of tokenizer(line)) counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}

/** Every `(word,count)` a STREAMING count emits: 1..n for each word. */
function allUpdates(counts: ReadonlyMap<string, number>): string[] {
  return [...counts].flatMap(([word, n]) => Array.from({ length: n }, (_, i) => `(${word},${i + 1})`));
}
function finalCounts(counts: ReadonlyMap<string, number>): string[] {
  return [...counts].map(([word, n]) => `(${word},${n})`);
}

/** The default input: the text embedded in the example itself (not duplicated here). */
function hamletLines(): string[] {
  const source = readFileSync(WORD_COUNT, 'utf8');
  const match = /const HAMLET_TEXT = `([^`]*)`/.exec(source);
  assert.ok(match !== null, 'examples/word-count.ts embeds HAMLET_TEXT');
  return (match[1] ?? '').split('\n');
}

let dir: string;
let fileInput: string;
let fileLines: string[];
let secondInput: string;
let secondLines: string[];

/**
 * About 150 KB of text: more than one split at parallelism 2, so both source subtasks read. Mixed
 * case, punctuation, digits, underscores and non-ASCII letters (which \W splits on).
 */
before(() => {
  assertBuilt();
  dir = tempDir('examples');
  const vocabulary = ['Stream', 'flink', 'STATE', "don't", 'Batch', 'keyed', 'window', 'a', 'The', 'node_js', 'v20', 'x-ray', 'Grüße', '42', 'e-mail', 'naïve'];
  const separators = [' ', ', ', '; ', ' -- ', '!  ', '\t', '...'];
  fileLines = Array.from({ length: 3000 }, (_, i) =>
    Array.from({ length: 5 + (i % 7) }, (_, j) => `${vocabulary[(i * 7 + j * 3 + (i >> 4)) % vocabulary.length] ?? ''}${separators[(i + j) % separators.length] ?? ''}`).join(''),
  );
  fileInput = join(dir, 'input.txt');
  writeFileSync(fileInput, `${fileLines.join('\n')}\n`);
  secondLines = ['Second file: the Stream and the batch.', '', 'THE END'];
  secondInput = join(dir, 'second.txt');
  writeFileSync(secondInput, secondLines.join('\n'));
});

const COUNT_LINE = /^(\d+> )?\(\w+,\d+\)$/;

/** The `(word,count)` lines of a print sink at parallelism p, prefixes checked; the word of each. */
function printedCounts(stdout: string, p: number): { subtask: number; value: string; word: string }[] {
  const lines = outputLines(stdout);
  const counts = lines.filter((line) => COUNT_LINE.test(line));
  const other = lines.filter((line) => !COUNT_LINE.test(line));
  assert.ok(
    other.every((line) => line.startsWith('Executing WordCount example') || line.startsWith('Use --') || line.startsWith('Printing result')),
    `unexpected output: ${JSON.stringify(other.slice(0, 5))}`,
  );
  return printedBy(counts, undefined, p).map((entry) => ({ ...entry, word: /^\((\w+),/.exec(entry.value)?.[1] ?? '' }));
}

type Mode = 'streaming' | 'batch';
interface WordCountCase {
  readonly input: 'file' | 'two files' | 'built-in text';
  readonly mode: Mode;
  readonly p: number;
  readonly output: boolean;
}

const CASES: WordCountCase[] = [
  ...(['file', 'built-in text'] as const).flatMap((input) =>
    (['streaming', 'batch'] as const).flatMap((mode) => [1, 2].map((p) => ({ input, mode, p, output: false }))),
  ),
  { input: 'file', mode: 'streaming', p: 2, output: true },
  { input: 'file', mode: 'batch', p: 1, output: true },
  { input: 'built-in text', mode: 'streaming', p: 1, output: true },
  { input: 'built-in text', mode: 'batch', p: 2, output: true },
  { input: 'two files', mode: 'batch', p: 2, output: false },
  { input: 'two files', mode: 'streaming', p: 1, output: true },
];

for (const c of CASES) {
  test(`word-count, ${c.input}, ${c.mode.toUpperCase()}, -p ${c.p}, ${c.output ? '--output' : 'stdout'}: exact counts`, async () => {
    const args: string[] = ['--execution-mode', c.mode];
    let lines: string[] = hamletLines();
    if (c.input === 'file') {
      args.push('--input', fileInput);
      lines = fileLines;
    } else if (c.input === 'two files') {
      args.push('--input', fileInput, '--input', secondInput);
      lines = [...fileLines, ...secondLines];
    }
    const out = join(tempDir('word-count-out'), 'out');
    if (c.output) args.push('--output', out);
    const run = await runJob(WORD_COUNT, { parallelism: c.p, args });
    assertFinished(run);
    const counts = countWords(lines);
    const expected = c.mode === 'streaming' ? allUpdates(counts) : finalCounts(counts);

    if (c.output) {
      // Finished part files only, below a date-time bucket; no hidden in-progress files.
      const files = listFiles(out);
      assert.ok(files.length > 0, 'the file sink wrote part files');
      for (const file of files) assert.match(file, /^[^/.][^/]*\/part-[^/.]+-\d+$/, `finished part file in a bucket: ${file}`);
      const written = files.flatMap((file) => readFileSync(join(out, file), 'utf8').split('\n').filter((l) => l !== ''));
      assertSameMultiset(written, expected, 'part files');
      assert.deepEqual(printedCounts(run.stdout, c.p), [], 'nothing printed with --output');
      return;
    }

    const printed = printedCounts(run.stdout, c.p);
    assertOneSubtaskPerKey(printed, (value) => /^\((\w+),/.exec(value)?.[1] ?? '', 'counter');
    assertSameMultiset(values(printed), expected, 'printed counts');
    if (c.mode === 'streaming') {
      // Whatever the interleaving of the source subtasks, a word's running count goes 1, 2, … n.
      for (const [word, entries] of groupBy(printed, (e) => e.word)) {
        assert.deepEqual(
          entries.map((e) => e.value),
          Array.from({ length: counts.get(word) ?? 0 }, (_, i) => `(${word},${i + 1})`),
          `updates of '${word}' in order`,
        );
      }
    }
  });
}

const TRANSACTIONS = ['alice,120', 'bob,80', 'alice,700', 'carol,15', 'bob,oops', 'carol,900', 'alice,30'];

for (const { p, limit } of [
  { p: 1, limit: undefined },
  { p: 2, limit: 100 },
]) {
  test(`keyed-process at -p ${p}${limit === undefined ? '' : ` --limit ${limit}`}: running totals, alerts and rejected lines`, async () => {
    const run = await runJob(KEYED_PROCESS, { parallelism: p, args: limit === undefined ? [] : ['--limit', String(limit)] });
    assertFinished(run);
    const lines = outputLines(run.stdout);
    const threshold = limit ?? 500;
    const valid = TRANSACTIONS.map((t) => t.split(',')).filter(([, amount]) => !Number.isNaN(Number(amount)));
    const alerts = valid.filter(([, amount]) => Number(amount) > threshold).map(([account, amount]) => `ALERT ${account ?? ''} spent ${amount ?? ''}`);
    const totals = printedBy(lines, 'totals', p);
    assert.equal(printedBy(lines, 'totals', p).length + printedBy(lines, 'alerts', p).length + printedBy(lines, 'rejected', p).length, lines.length);
    assertSameMultiset(values(printedBy(lines, 'alerts', p)), alerts, 'alerts');
    assertSameMultiset(values(printedBy(lines, 'rejected', p)), ['bob,oops'], 'rejected');
    const owner = assertOneSubtaskPerKey(totals, (v) => v.split(' ')[0] ?? '', 'totals');
    // An alert is emitted by the subtask that owns the account.
    for (const { subtask, value } of printedBy(lines, 'alerts', p)) assert.equal(subtask, owner.get(value.split(' ')[1] ?? ''), value);
    for (const [account, entries] of groupBy(totals, (e) => e.value.split(' ')[0] ?? '')) {
      const amounts = valid.filter(([a]) => a === account).map(([, amount]) => Number(amount));
      const running = entries.map((e) => Number(e.value.split(' ')[2]));
      if (p === 1) {
        // One parse subtask: the account's transactions arrive in input order.
        let sum = 0;
        assert.deepEqual(running, amounts.map((a) => (sum += a)), `running totals of ${account}`);
      } else {
        // Parsed by two subtasks, an account's transactions may arrive in any order: the totals
        // are the prefix sums of some ordering of its amounts.
        const steps = running.map((total, i) => total - (i === 0 ? 0 : (running[i - 1] ?? 0)));
        assert.deepEqual([...steps].sort((a, b) => a - b), [...amounts].sort((a, b) => a - b), `totals of ${account}: ${running.join(', ')}`);
      }
    }
    if (p === 1) {
      assert.deepEqual(values(totals), ['alice total 120', 'bob total 80', 'alice total 820', 'carol total 15', 'carol total 915', 'alice total 850']);
    }
  });
}

for (const p of [1, 2]) {
  test(`socket-word-count at -p ${p} against a server that sends lines and closes: FINISHED with exact counts`, async () => {
    const text = ['To be, or not to be', '  that is\tthe QUESTION  ', '', 'to BE continued', 'the end'];
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      // Everything at once, then the end of the stream: the source ends and the job finishes.
      socket.end(text.map((line) => `${line}\n`).join(''));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address();
      assert.ok(address !== null && typeof address === 'object');
      const run = await runJob(SOCKET_WORD_COUNT, { parallelism: p, args: ['--hostname', '127.0.0.1', '--port', String(address.port)] });
      assertFinished(run);
      // The example's own tokenizer: lower-case, split on whitespace.
      const counts = countWords(text, (line) => line.toLowerCase().split(/\s+/).filter((w) => w.length > 0));
      const lines = outputLines(run.stdout);
      const printed = printedBy(lines, undefined, p).map((e) => ({ ...e, word: /^\((.+),\d+\)$/.exec(e.value)?.[1] ?? '' }));
      assertOneSubtaskPerKey(printed, (v) => /^\((.+),\d+\)$/.exec(v)?.[1] ?? '', 'counter');
      assertSameMultiset(values(printed), allUpdates(counts), 'socket word counts');
      for (const [word, entries] of groupBy(printed, (e) => e.word)) {
        assert.deepEqual(values(entries), Array.from({ length: counts.get(word) ?? 0 }, (_, i) => `(${word},${i + 1})`), `updates of '${word}'`);
      }
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
}

const FRAUD_DETECTION = join(ROOT, 'examples', 'fraud-detection.ts');

for (const p of [1, 2]) {
  test(`fraud-detection -p ${p}: a small then a large transaction on an account raises one alert each time`, async () => {
    const run = await runJob(FRAUD_DETECTION, { parallelism: p, args: ['--transactions', '500'] });
    assertFinished(run);
    // Accounts 3 and 5 show the pattern once per 25 transactions (a cycle of 5 amounts over 5 accounts).
    const expected = [...Array.from({ length: 20 }, () => 'Alert{id=3}'), ...Array.from({ length: 20 }, () => 'Alert{id=5}')];
    assertSameMultiset(values(printedBy(outputLines(run.stdout), undefined, p)), expected, 'alerts');
  });
}

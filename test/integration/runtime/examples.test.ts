/**
 * The shipped examples, run as a user runs them: word-count (file input, several inputs, the
 * built-in text; STREAMING and BATCH; stdout and --output), keyed-process, socket-word-count and
 * socket-window-word-count against a local TCP server, fraud-detection, session-windowing and
 * top-speed-windowing (a car-data file, expected results from a plain re-implementation of the
 * delta trigger, time evictor and maxBy here). Expected counts come from a plain tokenizer here.
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
  startJob,
  tempDir,
  values,
  waitForOutput,
  withDeadline,
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

const SESSION_WINDOWING = join(ROOT, 'examples', 'session-windowing.ts');
const PRINTING_TO_STDOUT = 'Printing result to stdout. Use --output to specify output path.';

/**
 * Flink's SessionWindowing output for its fixed input: one `(key,first timestamp,sum)` per
 * session of 3 ms gap: a {1}, b {1,3,5}, c {6}, a {10}, c {11}. Sessions are emitted as the
 * watermark (timestamp - 1 behind each element) passes their last millisecond: a [1,4) at the
 * watermark 4, b [1,8) and c [6,9) at 9 (in order of their ends), the rest at the end of input.
 */
const SESSIONS = ['(a,1,1)', '(b,1,3)', '(c,6,1)', '(a,10,1)', '(c,11,1)'];

for (const p of [1, 4]) {
  test(`session-windowing -p ${p}: the example runs at parallelism 1 and prints Flink's sessions in watermark order`, async () => {
    const run = await runJob(SESSION_WINDOWING, { parallelism: p });
    assertFinished(run);
    assert.deepEqual(outputLines(run.stdout), [PRINTING_TO_STDOUT, ...SESSIONS]);
  });
}

test('session-windowing --output: the sessions go to part files, nothing is printed', async () => {
  const out = join(tempDir('session-out'), 'out');
  const run = await runJob(SESSION_WINDOWING, { args: ['--output', out] });
  assertFinished(run);
  const written = listFiles(out).flatMap((file) => readFileSync(join(out, file), 'utf8').split('\n').filter((l) => l !== ''));
  assert.deepEqual(written, SESSIONS);
  assert.deepEqual(outputLines(run.stdout), []);
});

const TOP_SPEED_WINDOWING = join(ROOT, 'examples', 'top-speed-windowing.ts');

type Car = [carId: number, speed: number, distance: number, timestamp: number];

/**
 * Three cars over 150 rounds of about a second each: speeds in steps of 5 within [0,100] from a
 * fixed pseudo-random sequence, distances summed (car 2 in whole meters, to print `x.0`), and
 * timestamps a second apart with a few ms of jitter. Written in the example's input format.
 */
function carRecords(): Car[] {
  let seed = 12345;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const speeds = [50, 50, 50];
  const distances = [0, 0, 0];
  const cars: Car[] = [];
  for (let round = 0; round < 150; round++) {
    for (let id = 0; id < 3; id++) {
      speeds[id] = Math.min(100, Math.max(0, (speeds[id] ?? 0) + (next() < 0.5 ? -5 : 5)));
      distances[id] = (distances[id] ?? 0) + (id === 2 ? (speeds[id] ?? 0) / 5 : (speeds[id] ?? 0) / 3.6);
      cars.push([id, speeds[id] ?? 0, distances[id] ?? 0, 1_424_951_918_000 + round * 1000 + id + Math.floor(next() * 5)]);
    }
  }
  return cars;
}

/** What Java prints for the doubles here (all within [1e-3, 1e7)): a decimal point always. */
function javaDouble(value: number): string {
  return Number.isInteger(value) ? `${value}.0` : String(value);
}
function tuple4(car: Car): string {
  return `(${car[0]},${car[1]},${javaDouble(car[2])},${car[3]})`;
}

/**
 * TopSpeedWindowing's semantics, per car in input order: the first record is the reference; a
 * record more than 50 m past the reference fires and becomes the reference; at a firing, records
 * at or more than 10 s older than the newest are dropped for good, and the first of the fastest
 * remaining records is the result.
 */
function topSpeeds(cars: readonly Car[]): Car[] {
  const perCar = new Map<number, { window: Car[]; reference: Car | undefined }>();
  const out: Car[] = [];
  for (const car of cars) {
    const state = perCar.get(car[0]) ?? { window: [], reference: undefined };
    perCar.set(car[0], state);
    state.window.push(car);
    if (state.reference === undefined) {
      state.reference = car;
      continue;
    }
    if (car[2] - state.reference[2] <= 50) continue;
    state.reference = car;
    const newest = Math.max(...state.window.map((c) => c[3]));
    state.window = state.window.filter((c) => c[3] > newest - 10_000);
    let fastest = state.window[0] as Car;
    for (const c of state.window) if (c[1] > fastest[1]) fastest = c;
    out.push(fastest);
  }
  return out;
}

let carFile: string;
let carExpected: string[];
before(() => {
  const cars = carRecords();
  carFile = join(tempDir('cars'), 'cars.txt');
  writeFileSync(carFile, `${cars.map(tuple4).join('\n')}\n`);
  carExpected = topSpeeds(cars).map(tuple4);
  // The input exercises what the test is about: evictions happen, and whole-meter distances print as x.0.
  assert.ok(carExpected.length > 40, `${carExpected.length} firings`);
  assert.ok(carExpected.some((line) => /,\d+\.0,/.test(line)), 'a whole-meter distance is printed');
});

test('top-speed-windowing --input at -p 1: exactly the top speeds of the plain re-implementation, in order', async () => {
  const run = await runJob(TOP_SPEED_WINDOWING, { parallelism: 1, args: ['--input', carFile] });
  assertFinished(run);
  assert.deepEqual(outputLines(run.stdout), [PRINTING_TO_STDOUT, ...carExpected]);
});

test('top-speed-windowing --input at -p 4: the same results, each car on one subtask in its own order', async () => {
  const run = await runJob(TOP_SPEED_WINDOWING, { parallelism: 4, args: ['--input', carFile] });
  assertFinished(run);
  const lines = outputLines(run.stdout);
  assert.equal(lines[0], PRINTING_TO_STDOUT);
  const printed = printedBy(lines.slice(1), undefined, 4);
  const carOf = (value: string): string => /^\((\d+),/.exec(value)?.[1] ?? '';
  assertOneSubtaskPerKey(printed, carOf, 'window');
  assertSameMultiset(values(printed), carExpected, 'top speeds');
  for (const [car, entries] of groupBy(printed, (e) => carOf(e.value))) {
    assert.deepEqual(values(entries), carExpected.filter((line) => carOf(line) === car), `top speeds of car ${car} in order`);
  }
});

test('top-speed-windowing --input --output at -p 2: the results go to part files', async () => {
  const out = join(tempDir('top-speed-out'), 'out');
  const run = await runJob(TOP_SPEED_WINDOWING, { parallelism: 2, args: ['--input', carFile, '--output', out] });
  assertFinished(run);
  const written = listFiles(out).flatMap((file) => readFileSync(join(out, file), 'utf8').split('\n').filter((l) => l !== ''));
  assertSameMultiset(written, carExpected, 'part files');
  assert.deepEqual(outputLines(run.stdout), []);
});

test('top-speed-windowing with a line that is not a car record fails the job, naming the line and the format', async () => {
  const bad = join(tempDir('cars-bad'), 'bad.txt');
  writeFileSync(bad, '(0,55,15.277777777777777,1424951918630)\n(0,sixty,29.1,1424951919632)\n');
  const run = await runJob(TOP_SPEED_WINDOWING, { parallelism: 1, args: ['--input', bad] });
  assert.equal(run.code, 1, run.stdout);
  assert.match(run.stderr, /Cannot parse car record '\(0,sixty,29\.1,1424951919632\)': expected \(carId,speed,distance,timestamp\)/, run.stderr);
});

test('top-speed-windowing with the generator (--cars 3 --records 90 --rate 0 --seed 7): FINISHED with well-formed top speeds', async () => {
  const run = await runJob(TOP_SPEED_WINDOWING, { parallelism: 2, args: ['--cars', '3', '--records', '90', '--rate', '0', '--seed', '7'] });
  assertFinished(run);
  const lines = outputLines(run.stdout);
  assert.deepEqual(lines.slice(0, 3), ['Executing TopSpeedWindowing example with default input data set.', 'Use --input to specify file input.', PRINTING_TO_STDOUT]);
  const printed = values(printedBy(lines.slice(3), undefined, 2));
  // 30 records per car at around 50 km/h (about 14 m each) go well past 50 m: every car fires.
  const cars = new Set<string>();
  for (const value of printed) {
    const match = /^\((\d),(\d+),(\d+\.\d+(?:E\d+)?),(\d+)\)$/.exec(value);
    assert.ok(match !== null, `a Tuple4 of car data: ${value}`);
    const [, car = '', speed = ''] = match;
    cars.add(car);
    assert.ok(Number(speed) % 5 === 0 && Number(speed) >= 0 && Number(speed) <= 100, `speed in steps of 5 within [0,100]: ${value}`);
  }
  assert.deepEqual([...cars].sort(), ['0', '1', '2']);
});

const SOCKET_WINDOW_WORD_COUNT = join(ROOT, 'examples', 'socket-window-word-count.ts');

test('socket-window-word-count without --port: the usage on stderr, exit code 1', async () => {
  const run = await runJob(SOCKET_WINDOW_WORD_COUNT, { args: ['--hostname', '127.0.0.1'] });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /No port specified\. Please run: socket-window-word-count\.ts --hostname <hostname> --port <port>/);
});

for (const p of [1, 2]) {
  test(`socket-window-word-count -p ${p}: 5 s processing-time windows print 'word : count'; the counts add up to the words sent`, async () => {
    const text = ['To be, or not to be', '  that is\tthe question  ', '', 'to be continued', 'The end the END'];
    const expected = countWords(text, (line) => line.split(/\s+/).filter((w) => w.length > 0));
    const sockets = new Set<Socket>();
    // Everything at once, and the connection kept open: a source that ends would end the job before
    // the last processing-time window fires (as in Flink). It is closed once all counts are printed.
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.write(text.map((line) => `${line}\n`).join(''));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address();
      assert.ok(address !== null && typeof address === 'object');
      const job = startJob(SOCKET_WINDOW_WORD_COUNT, { parallelism: p, args: ['--hostname', '127.0.0.1', '--port', String(address.port)] });
      const WORD_COUNT_LINE = /^(\S+) : (\d+)$/;
      const totals = (stdout: string): Map<string, number> => {
        const sums = new Map<string, number>();
        for (const line of outputLines(stdout)) {
          const match = WORD_COUNT_LINE.exec(line);
          if (match !== null) sums.set(match[1] ?? '', (sums.get(match[1] ?? '') ?? 0) + Number(match[2]));
        }
        return sums;
      };
      const reached = (stdout: string): boolean => {
        const sums = totals(stdout);
        return [...expected].every(([word, n]) => (sums.get(word) ?? 0) >= n);
      };
      await waitForOutput(job.cli, reached, 60_000, 'every word counted in the printed windows');
      for (const socket of sockets) socket.end();
      const run = await withDeadline(job.ended, 60_000, 'the job to finish after the server closed the connection');
      assertFinished(run);
      const lines = outputLines(run.stdout);
      // Printed at parallelism 1 (no subtask prefix), each line is WordWithCount.toString().
      for (const line of lines) assert.match(line, WORD_COUNT_LINE);
      assert.deepEqual(new Map([...totals(run.stdout)].sort()), new Map([...expected].sort()), 'counts summed over the windows');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
}

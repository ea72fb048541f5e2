/**
 * The sinks at parallelism 1, 2 and 4: print() and printToErr() prefixes, a FileSink whose
 * finished part files hold exactly the records, an addSink lambda, and executeAndCollect with
 * and without a limit.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import {
  assertBuilt,
  assertSameMultiset,
  describeResult,
  fixture,
  listFiles,
  outputLines,
  printedBy,
  runJob,
  startJob,
  tempDir,
  terminalStates,
  values,
  withDeadline,
} from './runtime-harness.js';

const COUNT = 500;
const LINES = Array.from({ length: COUNT }, (_, i) => `line-${i + 1}`);

before(() => {
  assertBuilt();
});

function linesOf(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}

for (const p of [1, 2, 4]) {
  test(`-p ${p}: print, printToErr, FileSink, addSink and executeAndCollect() deliver every record exactly once`, async () => {
    const dir = tempDir(`sinks-p${p}`);
    const out = join(dir, 'out');
    const appended = join(dir, 'appended.txt');
    const run = await runJob(fixture('sinks.ts'), { parallelism: p, args: ['--out', out, '--append', appended, '--count', String(COUNT)] });
    assert.equal(run.code, 0, describeResult(run));
    assert.deepEqual(terminalStates(run.log), ['FINISHED', 'FINISHED'], describeResult(run));
    const lines = outputLines(run.stdout);

    // print(): no prefix at parallelism 1, `N> ` above; print('ident'): `ident> ` / `ident:N> `.
    const program = lines.filter((line) => line.startsWith('PROGRAM '));
    const plain = printedBy(
      lines.filter((line) => !line.startsWith('ident') && !line.startsWith('PROGRAM ')),
      undefined,
      p,
    );
    assertSameMultiset(values(plain), LINES, 'print()');
    const ident = printedBy(lines, 'ident', p);
    assertSameMultiset(values(ident), LINES, "print('ident')");
    assert.equal(plain.length + ident.length + program.length, lines.length, 'no other output on stdout');
    if (p > 1) assert.equal(new Set(ident.map((entry) => entry.subtask)).size, p, 'every print subtask printed');

    // printToErr('err') goes to stderr with the same prefix rules.
    const err = printedBy(linesOf(run.stderr), 'err', p);
    assertSameMultiset(values(err), LINES, "printToErr('err')");

    // FileSink: once the job FINISHED, only finished part files (one per subtask, as nothing
    // rolls within the default policy) and no hidden in-progress files.
    const files = listFiles(out);
    assert.equal(files.length, p, `one part file per subtask: ${files.join(', ')}`);
    for (const name of files) assert.match(name, /^part-[^./]+-\d+$/, `finished part file name: ${name}`);
    assertSameMultiset(
      files.flatMap((name) => linesOf(readFileSync(join(out, name), 'utf8'))),
      LINES,
      'FileSink part files',
    );

    // addSink with a lambda appending to a file.
    assertSameMultiset(linesOf(readFileSync(appended, 'utf8')), LINES, 'addSink');

    // executeAndCollect() of a bounded stream returns all of it.
    const collected = program.find((line) => line.startsWith('PROGRAM collected '));
    assert.ok(collected !== undefined, describeResult(run));
    assert.deepEqual(
      (JSON.parse(collected.slice('PROGRAM collected '.length)) as number[]).sort((a, b) => a - b),
      Array.from({ length: 50 }, (_, i) => (i + 1) * 3),
    );
  });
}

for (const p of [1, 2]) {
  test(`-p ${p}: executeAndCollect(25) on an unbounded generator returns 25 records and cancels the job`, async () => {
    const started = startJob(fixture('collect-limit.ts'), { parallelism: p, args: ['--limit', '25'] });
    let run;
    try {
      run = await withDeadline(started.ended, 10_000, 'the program to end after collecting 25 records');
    } catch (error) {
      started.cli.child.kill('SIGKILL');
      const printed = started.cli.stdout.split('\n').find((line) => line.startsWith('PROGRAM limited'));
      throw new Error(
        `${(error as Error).message}. executeAndCollect(25) ${printed === undefined ? 'never returned' : 'returned, but the job kept running'}; ` +
          `stdout:\n${started.cli.stdout}\nstderr:\n${started.cli.stderr}`,
      );
    }
    assert.equal(run.code, 0, describeResult(run));
    assert.deepEqual(terminalStates(run.log), ['CANCELED'], describeResult(run));
    const line = outputLines(run.stdout).find((l) => l.startsWith('PROGRAM limited '));
    assert.ok(line !== undefined, describeResult(run));
    const limited = JSON.parse(line.slice('PROGRAM limited '.length)) as number[];
    assert.equal(limited.length, 25);
    assert.equal(new Set(limited).size, 25, 'distinct records');
    for (const value of limited) assert.ok(Number.isSafeInteger(value) && value >= 0, `generator index ${value}`);
    // One subtask generates 0, 1, 2, … in order, and the collect sink keeps that order.
    if (p === 1) assert.deepEqual(limited, Array.from({ length: 25 }, (_, i) => i));
  });
}

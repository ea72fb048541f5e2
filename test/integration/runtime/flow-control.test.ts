/**
 * Unbounded jobs: cancellation by Ctrl-C, partial buffers flushed by the buffer timeout, and
 * bounded memory under backpressure.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import type { JobRun } from './runtime-harness.js';
import {
  assertBuilt,
  assertFinished,
  describeResult,
  fixture,
  outputLines,
  printedAccumulators,
  printedBy,
  startJob,
  tempDir,
  terminalStates,
  waitForOutput,
  waitForStdout,
  withDeadline,
} from './runtime-harness.js';

before(() => {
  assertBuilt();
});

/** Asserts what a Ctrl-C'ed attached run ends with: exit 1 and the job CANCELED. */
function assertCanceled(run: JobRun): void {
  assert.equal(run.code, 1, describeResult(run));
  assert.match(run.stderr, /Received SIGINT: cancelling the running job\(s\)/);
  assert.match(run.stderr, /Job with JobID [0-9a-f]{32} has been canceled \(CANCELED\)\./);
  assert.doesNotMatch(run.stderr, /Received SIGINT again/);
  assert.deepEqual(terminalStates(run.log), ['CANCELED'], describeResult(run));
}

test('-p 2: a slow unbounded job prints promptly (buffer timeout), and SIGINT cancels it: CANCELED, exit 1, the CLI ends', async () => {
  const { cli, ended } = startJob(fixture('endless.ts'), { parallelism: 2, args: ['--rate', '10'] });
  await waitForStdout(cli, /Job has been submitted with JobID/, 20_000);
  const submitted = performance.now();
  // A network buffer takes 128 records or more before it is full; at 10 records/s dealt over two
  // channels, filling one takes over 25 s. Records printed within 10 s (a margin for a loaded
  // machine) were flushed by the buffer timeout (100 ms by default).
  await waitForStdout(cli, /^[12]> endless-\d+$/m, 10_000);
  const firstOutput = performance.now() - submitted;
  cli.child.kill('SIGINT');
  const interrupted = performance.now();
  const run = await withDeadline(ended, 10_000, 'the CLI to exit after SIGINT').catch((error: unknown) => {
    cli.child.kill('SIGKILL');
    throw error;
  });
  const exitAfter = performance.now() - interrupted;
  assertCanceled(run);
  assert.ok(exitAfter < 10_000, `exited ${Math.round(exitAfter)} ms after SIGINT`);
  const printed = printedBy(
    outputLines(run.stdout).filter((line) => /^\d+> /.test(line)),
    undefined,
    2,
  );
  assert.ok(printed.length > 0 && firstOutput < 10_000, `first record after ${Math.round(firstOutput)} ms`);
  const indexes = printed.map(({ value }) => Number(/^endless-(\d+)$/.exec(value)?.[1]));
  assert.equal(new Set(indexes).size, indexes.length, 'no record printed twice');
  for (const index of indexes) assert.ok(Number.isSafeInteger(index) && index >= 0, `record index ${index}`);
});

test('-p 2: executeAndCollect(10) of a 20 records/s stream behind rebalance gets its 10 records and the job ends', async () => {
  const { cli, ended } = startJob(fixture('slow-collect.ts'), { parallelism: 2 });
  const run = await withDeadline(ended, 10_000, 'executeAndCollect(10) to return and the program to end').catch((error: unknown) => {
    cli.child.kill('SIGKILL');
    const returned = cli.stdout.includes('PROGRAM collected');
    throw new Error(
      `${(error as Error).message}: executeAndCollect(10) ${returned ? 'returned but the job kept running' : 'never returned'}.\nstdout:\n${cli.stdout}\nstderr:\n${cli.stderr}`,
    );
  });
  assert.equal(run.code, 0, describeResult(run));
  assert.deepEqual(terminalStates(run.log), ['CANCELED'], describeResult(run));
  const line = outputLines(run.stdout).find((l) => l.startsWith('PROGRAM collected '));
  assert.ok(line !== undefined, describeResult(run));
  const collected = JSON.parse(line.slice('PROGRAM collected '.length)) as number[];
  assert.equal(collected.length, 10);
  assert.equal(new Set(collected).size, 10);
  // The generator emits 0, 1, 2, … (×10 by the map); only the first few can have arrived.
  for (const value of collected) assert.ok(value % 10 === 0 && value >= 0 && value < 10 * 200, `collected ${value}`);
});

test('-p 2: a fast source before a slow sink in another slot is held back: emitted - sunk stays bounded', async () => {
  const counts = tempDir('backpressure');
  const { cli, ended } = startJob(fixture('backpressure.ts'), { args: ['--counts', counts, '--sink-ms', '2', '--progress', '100'] });
  // Run until the sinks have consumed about 2 s worth of records (2 subtasks at ~500 records/s).
  const progress = /^SUNK (\d) (\d+)$/gm;
  const sunkSoFar = (): number => {
    const latest = new Map<string, number>();
    for (const match of cli.stdout.matchAll(progress)) latest.set(match[1] ?? '', Number(match[2]));
    return [...latest.values()].reduce((a, b) => a + b, 0);
  };
  await waitForOutput(cli, () => sunkSoFar() >= 2000, 30_000, 'the slow sinks to consume 2000 records');
  cli.child.kill('SIGINT');
  const run = await withDeadline(ended, 20_000, 'the CLI to exit after SIGINT').catch((error: unknown) => {
    cli.child.kill('SIGKILL');
    throw error;
  });
  assertCanceled(run);
  // close() ran in every subtask on cancel and wrote its count.
  assert.deepEqual(readdirSync(counts).sort(), ['emitted-0', 'sunk-0', 'sunk-1']);
  const read = (name: string): number => Number(readFileSync(join(counts, name), 'utf8'));
  const emitted = read('emitted-0');
  const sunk = read('sunk-0') + read('sunk-1');
  assert.ok(sunk >= 2000, `sunk ${sunk}`);
  assert.ok(emitted >= sunk, `emitted ${emitted} < sunk ${sunk}`);
  // An unthrottled generator emits millions of records in these seconds; with credit-based
  // flow control only what the network buffers hold is ahead of the sinks.
  assert.ok(emitted - sunk < 60_000, `emitted ${emitted}, sunk ${sunk}: ${emitted - sunk} records in flight`);
});

for (const p of [1, 2]) {
  test(`-p ${p}: tasks between network exchanges keep going when their output is full (200,000 records, exact totals)`, async () => {
    // Each middle task fills its output buffers faster than the next task drains them, so it has
    // to wait for room while input is still queued; it must wait without starving its worker.
    const count = 200_000;
    const { cli, ended } = startJob(fixture('middle-backpressure.ts'), { parallelism: p, args: ['--count', String(count)] });
    const run = await withDeadline(ended, 30_000, `${count} records to pass source → rebalance → map → rebalance → map → sink`).catch((error: unknown) => {
      cli.child.kill('SIGKILL');
      throw new Error(`${(error as Error).message}\nstdout:\n${cli.stdout}\nstderr:\n${cli.stderr}`);
    });
    assertFinished(run);
    assert.deepEqual(printedAccumulators(run.stdout), [
      { records: `number:${count}`, sum: `number:${count * (count + 1) + count}` },
    ]);
  });
}

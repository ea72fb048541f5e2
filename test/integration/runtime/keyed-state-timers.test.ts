/**
 * Keyed state and event-time timers through the built CLI at parallelism 1, 2 and 4: counts kept
 * in ValueState per key, one deduplicated timer per key firing at end of input.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { assertBuilt, assertFinished, assertSameMultiset, fixture, outputLines, printedBy, runJob, terminalStates, values } from './runtime-harness.js';

const JOB = fixture('keyed-timers.ts');

before(() => {
  assertBuilt();
});

for (const p of [1, 2, 4]) {
  test(`-p ${p}: one timer per key fires once with the key's count`, async () => {
    const run = await runJob(JOB, { parallelism: p });
    assertFinished(run);
    const printed = printedBy(outputLines(run.stdout), undefined, p);
    assertSameMultiset(
      values(printed),
      ['a=4 @1000 EVENT_TIME', 'b=2 @1000 EVENT_TIME', 'c=2 @1000 EVENT_TIME', 'd=1 @1000 EVENT_TIME', 'e=1 @1000 EVENT_TIME'],
      'timer output',
    );
  });
}

test('an unsupported state backend fails the job at start, naming the key and what exists', async () => {
  const run = await runJob(JOB, { defines: ['state.backend.type=rocksdb'] });
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /Unsupported state\.backend\.type 'rocksdb': flink-ts has the 'hashmap' backend/);
  assert.deepEqual(terminalStates(run.log), ['FAILED']);
});

test('state TTL: a value older than its time-to-live is gone; a younger one is kept', async () => {
  const expiring = await runJob(fixture('state-ttl.ts'), { args: ['--ttl', '150'] });
  assertFinished(expiring);
  assert.deepEqual(values(printedBy(outputLines(expiring.stdout), undefined, 1)), ['a 1', 'a 1', 'a 1', 'a 1']);
  const kept = await runJob(fixture('state-ttl.ts'), { args: ['--ttl', '60000'] });
  assertFinished(kept);
  assert.deepEqual(values(printedBy(outputLines(kept.stdout), undefined, 1)), ['a 1', 'a 2', 'a 3', 'a 4']);
});

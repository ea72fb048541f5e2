/**
 * Watermarks through the built CLI (fixture event-time.ts). Expected lines follow from Flink's rules:
 * bounded out-of-orderness 2000 emits max − 2000 − 1 periodically; a timer fires when the watermark
 * reaches its time, with the timer service's watermark already advanced; an element behind the
 * watermark registers a timer that fires at the next advance; end of input sends MAX.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { assertBuilt, assertFinished, assertSameMultiset, fixture, outputLines, printedBy, runJob, values } from './runtime-harness.js';

const JOB = fixture('event-time.ts');

before(() => {
  assertBuilt();
});

for (const p of [1, 4]) {
  test(`-p ${p}: bounded out-of-orderness watermarks fire event-time timers in exactly the expected order`, async () => {
    const run = await runJob(JOB, { parallelism: p, args: ['--mode', 'ooo'] });
    assertFinished(run);
    const printed = printedBy(outputLines(run.stdout), undefined, p);
    assertSameMultiset(
      values(printed),
      [
        // Batch 1 (max 9000) → watermark 6999.
        'a@1000 6999',
        'a@2000 6999',
        'b@3000 6999',
        'a@4000 6999',
        'b@5000 6999',
        'c@6000 6999',
        // Batch 2: d@5000 is late (≤ 6999) yet its timer fires at the next advance; max 12000 → 9999.
        'd@5000 9999',
        'c@7000 9999',
        'b@9000 9999',
        // End of input.
        'e@12000 MAX',
      ],
      'timers',
    );
    // Per key, timers fire in time order.
    for (const key of ['a', 'b', 'c']) {
      const times = values(printed)
        .filter((v) => v.startsWith(`${key}@`))
        .map((v) => Number(v.slice(2).split(' ')[0]));
      assert.deepEqual(times, [...times].sort((x, y) => x - y), `timers of ${key} fire in time order`);
    }
  });
}

test('-p 2: an idle source subtask does not hold back the watermark with withIdleness, and does without', async () => {
  const idle = await runJob(JOB, { parallelism: 2, args: ['--mode', 'idle'] });
  assertFinished(idle);
  assertSameMultiset(values(printedBy(outputLines(idle.stdout), undefined, 2)), ['a@1000 1999', 'b@2000 MAX'], 'with idleness');

  const held = await runJob(JOB, { parallelism: 2, args: ['--mode', 'idle', '--no-idleness'] });
  assertFinished(held);
  assertSameMultiset(values(printedBy(outputLines(held.stdout), undefined, 2)), ['a@1000 MAX', 'b@2000 MAX'], 'without idleness');
});

for (const mode of ['union', 'connect']) {
  test(`-p 2, ${mode} of two sources: the consumer waits for both inputs' watermarks, and not for an idle one`, async () => {
    const idle = await runJob(JOB, { parallelism: 2, args: ['--mode', mode] });
    assertFinished(idle);
    assertSameMultiset(values(printedBy(outputLines(idle.stdout), undefined, 2)), ['a@1000 1999', 'b@2000 MAX'], 'with idleness');

    // Without idleness the quiet input holds event time back until its end-of-input MAX watermark.
    const held = await runJob(JOB, { parallelism: 2, args: ['--mode', mode, '--no-idleness'] });
    assertFinished(held);
    assertSameMultiset(values(printedBy(outputLines(held.stdout), undefined, 2)), ['a@1000 MAX', 'b@2000 MAX'], 'without idleness');
  });
}

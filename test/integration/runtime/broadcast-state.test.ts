/**
 * Broadcast state and timers in connected streams through the built CLI at -p 1 and 4: Flink's
 * rule-update pattern (rules broadcast to a KeyedBroadcastProcessFunction over keyed events) and
 * a KeyedCoProcessFunction matching orders with payments under event-time timeouts. The fixtures
 * make the output independent of how the inputs interleave, so it is asserted exactly.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { EVENTS, ORDERS, PAYMENTS, RULES } from '../../fixtures/jobs/runtime/broadcast-data.js';
import { expectedOrderLines, expectedRuleLines } from '../../support/broadcast-expected.js';
import { assertBuilt, assertFinished, assertOneSubtaskPerKey, assertSameMultiset, fixture, outputLines, printedBy, runJob, values } from './runtime-harness.js';

before(() => {
  assertBuilt();
});

for (const p of [1, 4]) {
  test(`-p ${p}: rules broadcast to every subtask; each keyed event judged by the rule versions of its time, totals kept per user`, async () => {
    const run = await runJob(fixture('broadcast-rules.ts'), { parallelism: p });
    assertFinished(run);
    const printed = printedBy(outputLines(run.stdout), undefined, p);
    assertSameMultiset(values(printed), expectedRuleLines(RULES, EVENTS).map((e) => e.line), 'rule matches');
    assertOneSubtaskPerKey(printed, (v) => v.split(' ')[0] ?? '', 'rule matches');
  });

  test(`-p ${p}: KeyedCoProcessFunction matches orders and payments per key; timers report what waited in vain`, async () => {
    const run = await runJob(fixture('broadcast-orders.ts'), { parallelism: p });
    assertFinished(run);
    const lines = outputLines(run.stdout);
    const expected = expectedOrderLines(ORDERS, PAYMENTS).map((e) => e.line);
    assertSameMultiset(values(printedBy(lines, 'matched', p)), expected.filter((l) => l.startsWith('matched')), 'matched');
    assertSameMultiset(
      values(printedBy(lines, 'unmatched', p)).map((l) => `unmatched ${l}`),
      expected.filter((l) => l.startsWith('unmatched')),
      'unmatched',
    );
    assert.ok(expected.some((l) => l.startsWith('unmatched order')) && expected.some((l) => l.startsWith('unmatched payment')));
  });
}

/**
 * Broadcast state and timers in connected streams through the built CLI at -p 1 and 4: Flink's
 * rule-update pattern (rules broadcast to a KeyedBroadcastProcessFunction over keyed events) and
 * a KeyedCoProcessFunction matching orders with payments under event-time timeouts. The fixtures
 * make the output independent of how the inputs interleave, so it is asserted exactly.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ExpectedLine } from '../../support/broadcast-expected.js';
import { EVENTS, ORDERS, PAYMENTS, RULES, SPLIT } from '../../fixtures/jobs/runtime/broadcast-data.js';
import { expectedOrderLines, expectedRuleLines } from '../../support/broadcast-expected.js';
import { TestCluster, describeResult, submittedJobId, waitFor } from '../cluster/cluster-harness.js';
import {
  assertBuilt,
  assertFinished,
  assertOneSubtaskPerKey,
  assertSameMultiset,
  fixture,
  outputLines,
  printedBy,
  runJob,
  tempDir,
  values,
} from './runtime-harness.js';

before(() => {
  assertBuilt();
});

for (const p of [1, 4]) {
  test(`-p ${p}: a non-keyed BroadcastProcessFunction judges every event against the complete rule set on every instance`, async () => {
    const run = await runJob(fixture('broadcast-threshold.ts'), { parallelism: p });
    assertFinished(run);
    // The rule set after all versions: a later version replaces a name's threshold, `min: null` removes it.
    const thresholds = new Map<string, number>();
    for (const rule of RULES) {
      if (rule.min === null) thresholds.delete(rule.name);
      else thresholds.set(rule.name, rule.min);
    }
    const expected = EVENTS.map((e) => {
      const matched = [...thresholds].filter(([, min]) => e.amount >= min).map(([name]) => name);
      return `${e.user} ${e.amount} ${matched.sort().join(',') || '-'}`;
    });
    assertSameMultiset(values(printedBy(outputLines(run.stdout), undefined, p)), expected, 'judged events');
  });
}

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

/**
 * Through real processes (1 JobManager + 2 TaskManagers of 2 slots): both jobs run their first
 * phase at -p 2 until the watermark settles with event-time timers pending, rules in broadcast
 * state and orders waiting in keyed state; a savepoint is taken and the job cancelled; the second
 * phase resumes from it at -p 3. Each run's output is exact: nothing is lost or repeated, the
 * restored rules judge the later events, and restored timers fire with their (moved) keys.
 */
describe('broadcast state and keyed co-process timers through a savepoint, resumed at another parallelism', () => {
  let cluster: TestCluster | undefined;
  const c = (): TestCluster => {
    assert.ok(cluster !== undefined, 'the cluster did not start');
    return cluster;
  };

  before(async () => {
    cluster = await TestCluster.start('broadcast', [2, 2]);
  });
  after(async () => {
    await cluster?.shutdown({ killedProcesses: true });
  });

  const JOB = fixture('broadcast-savepoint.ts');
  const read = (dir: string, file: string): string[] => {
    const path = join(dir, file);
    return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l !== '') : [];
  };
  const runDetached = async (...args: string[]): Promise<string> => {
    const submitted = await c().cli('run', '-m', c().restAddress, '-d', ...args);
    assert.equal(submitted.code, 0, describeResult(submitted));
    return submittedJobId(submitted.stdout);
  };

  test('savepoint at -p 2 with timers pending, resume at -p 3: exact output in each run', async () => {
    // Phase 1 ends with both jobs' watermark at SPLIT - 1: what can be emitted by then is.
    const rules = expectedRuleLines(RULES, EVENTS);
    const orders = expectedOrderLines(ORDERS, PAYMENTS);
    const inRun1 = (e: ExpectedLine): boolean => (e.line.startsWith('matched') ? e.time <= SPLIT : e.time <= SPLIT - 1);
    const expected1 = { rules: rules.filter(inRun1).map((e) => e.line), orders: orders.filter(inRun1).map((e) => e.line) };
    const expected2 = { rules: rules.filter((e) => !inRun1(e)).map((e) => e.line), orders: orders.filter((e) => !inRun1(e)).map((e) => e.line) };
    assert.ok(expected2.rules.length > 0 && expected2.orders.some((l) => l.startsWith('matched')) && expected2.orders.some((l) => l.startsWith('unmatched')));

    const out1 = tempDir('broadcast-sp-1');
    const first = await runDetached('-p', '2', JOB, '--phase', '1', '--out', out1);
    await c().waitForAllTasksRunning(first);
    await waitFor(
      'the first run to emit everything its watermark allows',
      () => (read(out1, 'rules.txt').length >= expected1.rules.length && read(out1, 'orders.txt').length >= expected1.orders.length ? true : undefined),
      60_000,
    );
    const savepoints = tempDir('broadcast-savepoints');
    const savepoint = await c().cli('savepoint', '-m', c().restAddress, first, savepoints);
    assert.equal(savepoint.code, 0, describeResult(savepoint));
    const path = /^Savepoint completed\. Path: (.+)$/m.exec(savepoint.stdout)?.[1];
    assert.ok(path !== undefined, savepoint.stdout);
    assert.equal((await c().cli('cancel', '-m', c().restAddress, first)).code, 0);
    await c().waitForJobState(first, 'CANCELED');
    assertSameMultiset(read(out1, 'rules.txt'), expected1.rules, 'rule matches of the first run');
    assertSameMultiset(read(out1, 'orders.txt'), expected1.orders, 'orders of the first run');

    const out2 = tempDir('broadcast-sp-2');
    const second = await runDetached('-p', '3', '-s', path, JOB, '--phase', '2', '--out', out2);
    await c().waitForJobState(second, 'FINISHED', 60_000);
    assertSameMultiset(read(out2, 'rules.txt'), expected2.rules, 'rule matches of the resumed run');
    assertSameMultiset(read(out2, 'orders.txt'), expected2.orders, 'orders of the resumed run');
  });
});

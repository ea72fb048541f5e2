/**
 * Event-time windows through a savepoint on real processes (1 JobManager + 2 TaskManagers of 2
 * slots): the window-savepoint job runs every window case of the window matrix over the first
 * part of the fixed input and holds, with windows open, their contents, trigger state,
 * per-window state and event-time timers in keyed state, and the watermark behind them. It is
 * savepointed and cancelled, then resumed from the savepoint at another parallelism (2 → 4 and
 * 4 → 1) to read the rest. What both runs emitted together must be exactly what one uninterrupted
 * run emits, as the model of Flink's window operator computes it: no window lost or repeated,
 * every firing with its complete contents, the same late elements dropped.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { JOBS, TestCluster, describeResult, submittedJobId, waitFor } from '../cluster/cluster-harness.js';
import { MARKER, SCRIPT } from '../../fixtures/jobs/runtime/window-input.js';
import { CASES, WITH_LATE, expectedLines } from '../runtime/window-cases.js';
import { assertSameMultiset } from '../runtime/runtime-harness.js';

const JOB = join(JOBS, 'checkpointing', 'window-savepoint.ts');

/** The lines of `<dir>/windows.txt` printed under `label`. */
function linesOf(dir: string, label: string): string[] {
  const file = join(dir, 'windows.txt');
  if (!existsSync(file)) return [];
  const prefix = `${label}> `;
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith(prefix))
    .map((line) => line.slice(prefix.length));
}

function savepointPathIn(stdout: string): string {
  const match = /^Savepoint completed\. Path: (.+)$/m.exec(stdout);
  assert.ok(match?.[1] !== undefined, `no savepoint path in:\n${stdout}`);
  return match[1];
}

describe('window state and timers through a savepoint with rescaling, on 1 JobManager + 2 TaskManagers (2 slots each)', () => {
  let cluster: TestCluster | undefined;
  const c = (): TestCluster => {
    assert.ok(cluster !== undefined, 'the cluster did not start');
    return cluster;
  };
  const expected = expectedLines(SCRIPT);

  before(async () => {
    cluster = await TestCluster.start('window-savepoints', [2, 2], {
      config: (dir) => ({ 'execution.checkpointing.dir': join(dir, 'checkpoints') }),
    });
  });
  after(async () => {
    await cluster?.shutdown({ killedProcesses: true });
  });

  const runDetached = async (...args: string[]): Promise<string> => {
    const submitted = await c().cli('run', '-m', c().restAddress, '-d', ...args);
    assert.equal(submitted.code, 0, describeResult(submitted));
    return submittedJobId(submitted.stdout);
  };

  for (const [from, to, hold] of [
    [2, 4, 24],
    [4, 1, 36],
  ] as const) {
    test(`held after ${hold} input items at p=${from}, savepoint, cancel, resume at p=${to}: exactly the uninterrupted windows`, async () => {
      const heldAt = SCRIPT.slice(0, hold);
      const watermark = Math.max(...heldAt.filter((e) => e[0] === MARKER).map((e) => e[1]));
      assert.ok(heldAt.some((e) => e[0] !== MARKER && e[1] > watermark), 'elements ahead of the watermark are in flight');

      const savepoints = mkdtempSync(join(tmpdir(), 'flink-ts-window-sp-'));
      const outA = mkdtempSync(join(tmpdir(), 'flink-ts-window-sp-a-'));
      const first = await runDetached('-p', String(from), JOB, '--out', outA, '--hold', String(hold));
      await waitFor('the source to reach its hold', () => (existsSync(join(outA, 'held')) ? true : undefined), 30_000);
      assert.equal(readFileSync(join(outA, 'held'), 'utf8'), String(hold));
      const savepoint = await c().cli('savepoint', '-m', c().restAddress, first, savepoints);
      assert.equal(savepoint.code, 0, describeResult(savepoint));
      const path = savepointPathIn(savepoint.stdout);
      const cancelled = await c().cli('cancel', '-m', c().restAddress, first);
      assert.equal(cancelled.code, 0, describeResult(cancelled));
      await c().waitForJobState(first, 'CANCELED');

      const outB = mkdtempSync(join(tmpdir(), 'flink-ts-window-sp-b-'));
      const second = await runDetached('-p', String(to), '-s', path, JOB, '--out', outB);
      await c()
        .waitForJobState(second, 'FINISHED', 60_000)
        .catch(async (error: unknown) => {
          const exceptions = await c().get<{ 'root-exception': string | null }>(`/jobs/${second}/exceptions`);
          throw new Error(`${String(error)}\nroot exception: ${exceptions['root-exception'] ?? 'none'}`);
        });
      assert.equal(existsSync(join(outB, 'held')), false);

      let before = 0;
      let afterRestore = 0;
      for (const [label, c] of Object.entries(CASES)) {
        const model = expected.get(label);
        assert.ok(model !== undefined);
        const a = linesOf(outA, label);
        const b = linesOf(outB, label);
        before += a.length;
        afterRestore += b.length;
        assertSameMultiset([...a, ...b], model.main, `${label} (${a.length} lines before the savepoint, ${b.length} after)`);
        if (WITH_LATE.has(label)) assertSameMultiset([...linesOf(outA, `${label}-late`), ...linesOf(outB, `${label}-late`)], model.late, `${label} late`);
        if (c.cleared !== undefined) assertSameMultiset([...linesOf(outA, `${label}-clear`), ...linesOf(outB, `${label}-clear`)], model.cleared, `${label} clear()`);
      }
      // Both runs fired windows: the first up to the held watermark, the second everything in flight.
      assert.ok(before > 0 && afterRestore > 0, `windows fired before (${before}) and after (${afterRestore}) the savepoint`);
    });
  }
});

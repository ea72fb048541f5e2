/**
 * Savepoints on real processes (1 JobManager + 2 TaskManagers of 2 slots): the keyed-sequence
 * job is savepointed and cancelled at parallelism 2, resumed at 4, stopped with a savepoint,
 * resumed at 2 and run to its end. Across the three runs every number is committed exactly once
 * and each key's sequence numbers (keyed state, moved by key group) continue without gaps or
 * repeats. A job that FAILED for good resumes from its retained checkpoint. The CLI verbs print
 * Flink's lines; state that no operator claims is refused unless `-n`.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { CLUSTER_JOBS, JOBS, TestCluster, describeResult, isGone, submittedJobId, waitFor } from '../cluster/cluster-harness.js';
import { exactlyOnceProblems, readSequenceOutput, timerProblems } from '../../support/sequence-output.js';
import type { SequenceOutput } from '../../support/sequence-output.js';

const KEYED_SEQUENCE = join(JOBS, 'checkpointing', 'keyed-sequence.ts');
const UNBOUNDED = join(CLUSTER_JOBS, 'unbounded.ts');
const OPERATOR_STATE = join(JOBS, 'checkpointing', 'operator-state.ts');

/** Everything the runs committed, as one output. */
function union(outputs: readonly SequenceOutput[]): SequenceOutput {
  const counts = new Map<number, number>();
  const sequences = new Map<number, number[]>();
  const timers = new Map<number, number[]>();
  let lines = 0;
  for (const o of outputs) {
    lines += o.lines;
    for (const [n, c] of o.counts) counts.set(n, (counts.get(n) ?? 0) + c);
    for (const [k, s] of o.sequences) sequences.set(k, [...(sequences.get(k) ?? []), ...s]);
    for (const [k, s] of o.timers) timers.set(k, [...(timers.get(k) ?? []), ...s]);
  }
  return { lines, counts, sequences, timers, finishedFiles: outputs.flatMap((o) => o.finishedFiles), hiddenFiles: outputs.flatMap((o) => o.hiddenFiles) };
}

function savepointPathIn(stdout: string): string {
  const match = /^Savepoint completed\. Path: (.+)$/m.exec(stdout);
  assert.ok(match?.[1] !== undefined, `no savepoint path in:\n${stdout}`);
  return match[1];
}

describe('savepoints, rescaling and retained checkpoints on 1 JobManager + 2 TaskManagers (2 slots each)', () => {
  let cluster: TestCluster | undefined;
  const c = (): TestCluster => {
    assert.ok(cluster !== undefined, 'the cluster did not start');
    return cluster;
  };
  let checkpointDir = '';

  before(async () => {
    cluster = await TestCluster.start('savepoints', [2, 2], {
      config: (dir) => {
        checkpointDir = join(dir, 'checkpoints');
        return {
          'execution.checkpointing.dir': checkpointDir,
          'execution.checkpointing.externalized-checkpoint-retention': 'RETAIN_ON_CANCELLATION',
          'execution.checkpointing.num-retained': 2,
        };
      },
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

  /** Waits until the job committed some output: at least one finished part file. */
  const waitForOutput = (out: string): Promise<unknown> =>
    waitFor(`committed part files in ${out}`, () => (readSequenceOutput(out).lines > 0 ? true : undefined), 30_000);

  /** Waits until the job's sources emitted at least `records` records (REST vertex metrics). */
  const waitForRecords = (jobId: string, records: number): Promise<unknown> =>
    waitFor(
      `job ${jobId} to emit ${records} records`,
      async () => {
        const source = (await c().job(jobId)).vertices[0];
        return Number(source?.metrics['write-records'] ?? 0) >= records ? true : undefined;
      },
      30_000,
    );

  test('savepoint + cancel at p=2, resume at p=4, stop, resume at p=2: exactly once, per-key sequences continue', async () => {
    const count = 1500;
    const args = ['--count', String(count), '--rate', '100', '--keys', '12'];
    const savepoints = mkdtempSync(join(tmpdir(), 'flink-ts-savepoints-'));

    // The first run checkpoints rarely: a checkpoint completing between the savepoint and the
    // cancel would commit records the resumed run replays (why Flink replaced cancel-with-savepoint
    // by stop). Its output is what the savepoint committed.
    const outA = mkdtempSync(join(tmpdir(), 'flink-ts-sp-a-'));
    const first = await runDetached('-p', '2', KEYED_SEQUENCE, '--out', outA, ...args, '--interval', '3600000');
    await c().waitForAllTasksRunning(first);
    await waitForRecords(first, 100);
    const savepoint = await c().cli('savepoint', '-m', c().restAddress, first, savepoints);
    assert.equal(savepoint.code, 0, describeResult(savepoint));
    assert.match(savepoint.stdout, new RegExp(`^Triggering savepoint for job ${first}\\.$`, 'm'));
    assert.match(savepoint.stdout, /^You can resume your program from this savepoint with the run command\.$/m);
    const p1 = savepointPathIn(savepoint.stdout);
    assert.match(p1, new RegExp(`^${savepoints}/savepoint-${first.slice(0, 6)}-[0-9a-f]{12}$`));
    assert.ok(existsSync(join(p1, '_metadata')));
    const cancelled = await c().cli('cancel', '-m', c().restAddress, first);
    assert.equal(cancelled.code, 0, describeResult(cancelled));
    await c().waitForJobState(first, 'CANCELED');

    const outB = mkdtempSync(join(tmpdir(), 'flink-ts-sp-b-'));
    const second = await runDetached('-p', '4', '-s', p1, KEYED_SEQUENCE, '--out', outB, ...args, '--interval', '500');
    await c().waitForAllTasksRunning(second);
    const restored = await c().get<{ latest: { restored: { id: number; external_path: string; is_savepoint: boolean } | null } }>(`/jobs/${second}/checkpoints`);
    assert.equal(restored.latest.restored?.external_path, p1);
    assert.equal(restored.latest.restored?.is_savepoint, true);
    await waitForOutput(outB);
    const stop = await c().cli('stop', '-m', c().restAddress, '-p', savepoints, second);
    assert.equal(stop.code, 0, describeResult(stop));
    assert.match(stop.stdout, new RegExp(`^Suspending job "${second}" with a CANONICAL savepoint\\.$`, 'm'));
    const p2 = savepointPathIn(stop.stdout);
    await c().waitForJobState(second, 'FINISHED');

    const outC = mkdtempSync(join(tmpdir(), 'flink-ts-sp-c-'));
    const third = await runDetached('-p', '2', '-s', join(p2, '_metadata'), KEYED_SEQUENCE, '--out', outC, ...args, '--interval', '500');
    await c().waitForJobState(third, 'FINISHED', 60_000);

    const outputs = [outA, outB, outC].map(readSequenceOutput);
    assert.ok(outputs.every((o) => o.lines > 0), `every run committed output: ${outputs.map((o) => o.lines).join(', ')}`);
    const all = union(outputs);
    assert.deepEqual(exactlyOnceProblems(all, count), []);
    assert.equal(all.lines, count);
    // Timers were pending in both savepoints (no drain): restored, moved by key group, fired once at the end.
    assert.deepEqual(timerProblems(all), []);
    assert.equal(outputs[0]?.timers.size, 0);
    assert.equal(outputs[1]?.timers.size, 0);

    const disposed = await c().cli('savepoint', '-m', c().restAddress, '-d', p1);
    assert.equal(disposed.code, 0, describeResult(disposed));
    assert.match(disposed.stdout, new RegExp(`^Savepoint '${p1}' disposed\\.$`, 'm'));
    assert.equal(existsSync(p1), false);
  });

  test('operator state rescaled 2 → 3: even-split lists cut in order, union lists to everyone, broadcast state copied', async () => {
    const savepoints = mkdtempSync(join(tmpdir(), 'flink-ts-savepoints-'));
    const out = mkdtempSync(join(tmpdir(), 'flink-ts-operator-state-'));
    const first = await runDetached('-p', '2', OPERATOR_STATE, '--out', out);
    await c().waitForAllTasksRunning(first);
    const savepoint = await c().cli('savepoint', '-m', c().restAddress, first, savepoints);
    assert.equal(savepoint.code, 0, describeResult(savepoint));
    const path = savepointPathIn(savepoint.stdout);
    assert.equal((await c().cli('cancel', '-m', c().restAddress, first)).code, 0);
    await c().waitForJobState(first, 'CANCELED');

    const second = await runDetached('-p', '3', '-s', path, OPERATOR_STATE, '--out', out);
    await c().waitForAllTasksRunning(second);
    const restored = (i: number): unknown => JSON.parse(readFileSync(join(out, `restored-${i}.json`), 'utf8'));
    await waitFor('three restored subtasks', () => ([0, 1, 2].every((i) => existsSync(join(out, `restored-${i}.json`))) ? true : undefined), 15_000);
    const everyone = { union: ['u0', 'u1'], broadcast: [['version', 'v1']] };
    assert.deepEqual(restored(0), { split: ['s0a', 's0b'], ...everyone });
    assert.deepEqual(restored(1), { split: ['s1a'], ...everyone });
    assert.deepEqual(restored(2), { split: ['s1b'], ...everyone });
    assert.equal((await c().cli('cancel', '-m', c().restAddress, second)).code, 0);
    await c().waitForJobState(second, 'CANCELED');
  });

  test('state no operator claims is refused unless -n (--allowNonRestoredState)', async () => {
    const savepoints = mkdtempSync(join(tmpdir(), 'flink-ts-savepoints-'));
    const out = mkdtempSync(join(tmpdir(), 'flink-ts-sp-n-'));
    const job = await runDetached('-p', '1', KEYED_SEQUENCE, '--out', out, '--count', '100000', '--rate', '50');
    await c().waitForAllTasksRunning(job);
    const stop = await c().cli('stop', '-m', c().restAddress, '--drain', '-p', savepoints, job);
    assert.equal(stop.code, 0, describeResult(stop));
    assert.match(stop.stdout, new RegExp(`^Draining job "${job}" with a CANONICAL savepoint\\.$`, 'm'));
    const path = savepointPathIn(stop.stdout);
    await c().waitForJobState(job, 'FINISHED');

    const refused = await c().cli('run', '-m', c().restAddress, '-s', path, UNBOUNDED);
    assert.equal(refused.code, 1, describeResult(refused));
    assert.match(refused.stderr, /Cannot map checkpoint\/savepoint state for operator [0-9a-f]{32} \('Source: sequence'\) to the new program/);
    assert.match(refused.stderr, /--allowNonRestoredState/);

    const allowed = await runDetached('-s', path, '-n', UNBOUNDED);
    await c().waitForAllTasksRunning(allowed);
    const checkpoint = await c().cli('checkpoint', '-m', c().restAddress, allowed);
    assert.equal(checkpoint.code, 0, describeResult(checkpoint));
    assert.match(checkpoint.stdout, new RegExp(`^Checkpoint \\d+ for job ${allowed} completed\\.$`, 'm'));
    const cancelled = await c().cli('cancel', '-m', c().restAddress, allowed);
    assert.equal(cancelled.code, 0, describeResult(cancelled));
    await c().waitForJobState(allowed, 'CANCELED');
  });

  test('a job FAILED for good resumes from its retained checkpoint: exactly once across both runs', async () => {
    const count = 900;
    const args = ['--count', String(count), '--rate', '100', '--interval', '300'];
    const outA = mkdtempSync(join(tmpdir(), 'flink-ts-retained-a-'));
    const failed = await runDetached('-p', '2', '-D', 'restart-strategy.type=none', KEYED_SEQUENCE, '--out', outA, ...args);
    await c().waitForAllTasksRunning(failed);
    await waitForOutput(outA);
    // Kill a TaskManager running the job: without restarts the job fails for good.
    const job = await c().job(failed);
    const [vertex] = job.vertices;
    assert.ok(vertex !== undefined);
    const [subtask] = await c().subtasks(failed, vertex.id);
    assert.ok(subtask !== undefined);
    const victim = c()
      .pids('taskexecutor')
      .find((pid) => !isGone(pid) && c().readLog('taskexecutor', pid).includes(subtask['taskmanager-id']));
    assert.ok(victim !== undefined, 'no TaskManager process runs the job');
    process.kill(victim, 'SIGKILL');
    await c().waitForJobState(failed, 'FAILED', 30_000);
    await c().startTaskManager(2);

    const jobDir = join(checkpointDir, failed);
    const retained = readdirSync(jobDir).filter((d) => /^chk-\d+$/.test(d) && existsSync(join(jobDir, d, '_metadata')));
    assert.ok(retained.length >= 1 && retained.length <= 2, `retained checkpoints: ${retained.join(', ')}`);
    const latest = retained.sort((a, b) => Number(a.slice(4)) - Number(b.slice(4))).at(-1) as string;

    const outB = mkdtempSync(join(tmpdir(), 'flink-ts-retained-b-'));
    const resumed = await runDetached('-p', '2', '-s', join(jobDir, latest), KEYED_SEQUENCE, '--out', outB, ...args);
    await c().waitForJobState(resumed, 'FINISHED', 60_000);
    const all = union([readSequenceOutput(outA), readSequenceOutput(outB)]);
    assert.deepEqual(exactlyOnceProblems(all, count), []);
    assert.equal(all.lines, count);
  });
});

/**
 * Exactly-once end to end on real processes (1 JobManager + 3 one-slot TaskManagers): the
 * keyed-sequence job checkpoints every second while TaskManagers are killed with SIGKILL, one and
 * then two at a time, and replaced. Every number must reach the committed part files exactly once,
 * and the per-key sequence numbers (keyed state) must run 1..k without gaps or repeats. The same
 * job in AT_LEAST_ONCE mode must lose nothing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { JOBS, TestCluster, describeResult, isGone, submittedJobId, waitFor } from '../cluster/cluster-harness.js';
import { exactlyOnceProblems, lossProblems, readSequenceOutput, timerProblems } from '../../support/sequence-output.js';

const KEYED_SEQUENCE = join(JOBS, 'checkpointing', 'keyed-sequence.ts');

describe('checkpoints and recovery on 1 JobManager + 3 TaskManagers', () => {
  let cluster: TestCluster | undefined;
  const c = (): TestCluster => {
    assert.ok(cluster !== undefined, 'the cluster did not start');
    return cluster;
  };

  before(async () => {
    cluster = await TestCluster.start('exactly-once', [1, 1, 1], {
      config: (dir) => ({
        'execution.checkpointing.dir': join(dir, 'checkpoints'),
        'restart-strategy.type': 'fixed-delay',
        'restart-strategy.fixed-delay.attempts': 20,
        'restart-strategy.fixed-delay.delay': '300 ms',
        'slot.request.timeout': '60 s',
      }),
    });
  });
  after(async () => {
    await cluster?.shutdown({ killedProcesses: true });
  });

  /** The JobManager log's `Completed checkpoint <n> for job <id>` lines, as checkpoint ids. */
  const completedCheckpoints = (jobId: string): number[] => {
    const [jm] = c().pids('standalonesession');
    assert.ok(jm !== undefined);
    const ids: number[] = [];
    for (const m of c().readLog('standalonesession', jm).matchAll(new RegExp(`Completed checkpoint (\\d+) for job ${jobId} \\(\\d+ bytes`, 'g'))) ids.push(Number(m[1]));
    return ids;
  };

  const waitForCheckpointsAfter = (jobId: string, after: number, count: number): Promise<number> =>
    waitFor(
      `${count} more completed checkpoints of job ${jobId}`,
      () => {
        const newer = completedCheckpoints(jobId).filter((id) => id > after);
        return newer.length >= count ? Math.max(...newer) : undefined;
      },
      30_000,
    );

  /** The pid of the TaskManager process with this resource id (its log names the id). */
  const pidOfTaskManager = (resourceId: string): number => {
    for (const name of readdirSync(c().logDir)) {
      if (!name.includes('taskexecutor')) continue;
      const log = readFileSync(join(c().logDir, name), 'utf8');
      const pid = Number(/PID: (\d+)/.exec(log)?.[1]);
      if (log.includes(resourceId) && Number.isInteger(pid) && !isGone(pid)) return pid;
    }
    assert.fail(`no live TaskManager process logs resource id ${resourceId}`);
  };

  /** The distinct TaskManagers running the job's subtasks. */
  const taskManagersOfJob = async (jobId: string): Promise<string[]> => {
    const job = await c().job(jobId);
    const ids = new Set<string>();
    for (const vertex of job.vertices) for (const s of await c().subtasks(jobId, vertex.id)) ids.add(s['taskmanager-id']);
    return [...ids];
  };

  const kill = async (pids: number[]): Promise<void> => {
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    await waitFor(`TaskManagers ${pids.join(', ')} to be gone`, () => pids.every((p) => isGone(p)), 10_000);
  };

  test('EXACTLY_ONCE: one TaskManager killed and replaced, later two: every number once, per-key sequences without gaps', async () => {
    const out = mkdtempSync(join(tmpdir(), 'flink-ts-exactly-once-'));
    const count = 3000;
    const submitted = await c().cli('run', '-m', c().restAddress, '-p', '2', '-d', KEYED_SEQUENCE, '--out', out, '--count', String(count), '--rate', '150');
    assert.equal(submitted.code, 0, describeResult(submitted));
    const id = submittedJobId(submitted.stdout);
    await c().waitForAllTasksRunning(id);
    const first = await waitForCheckpointsAfter(id, 0, 2);

    const [victim] = await taskManagersOfJob(id);
    assert.ok(victim !== undefined);
    await kill([pidOfTaskManager(victim)]);
    await c().startTaskManager(1);
    await c().waitForAllTasksRunning(id, 30_000);
    const second = await waitForCheckpointsAfter(id, first, 2);

    const victims = (await taskManagersOfJob(id)).map(pidOfTaskManager);
    assert.equal(victims.length, 2, 'the job runs on two TaskManagers');
    await kill(victims);
    await c().startTaskManager(1);
    await c().startTaskManager(1);
    await c().waitForAllTasksRunning(id, 30_000);
    await waitForCheckpointsAfter(id, second, 1);

    const finished = await c().waitForJobState(id, 'FINISHED', 60_000);
    assert.equal(finished.state, 'FINISHED');
    const output = readSequenceOutput(out);
    assert.deepEqual(exactlyOnceProblems(output, count), []);
    assert.equal(output.lines, count);
    // Timers survived both failovers in the keyed state: each key's fired once, after its last record.
    assert.deepEqual(timerProblems(output), []);
    const metrics = await c().get<{ id: string; value: string }[]>(`/jobs/${id}/metrics?get=numRestarts,numberOfCompletedCheckpoints,lastCheckpointRestoreTimestamp`);
    const value = (name: string): number => Number(metrics.find((m) => m.id === name)?.value);
    assert.equal(value('numRestarts'), 2);
    assert.ok(value('numberOfCompletedCheckpoints') >= 5, JSON.stringify(metrics));
    assert.ok(value('lastCheckpointRestoreTimestamp') > 0, JSON.stringify(metrics));
  });

  test('AT_LEAST_ONCE: a TaskManager killed mid-job loses no number', async () => {
    await c().waitForOverview('three free slots', (o) => o['slots-available'] >= 2);
    const out = mkdtempSync(join(tmpdir(), 'flink-ts-at-least-once-'));
    const count = 1500;
    const submitted = await c().cli(
      'run', '-m', c().restAddress, '-p', '2', '-d', KEYED_SEQUENCE, '--out', out, '--count', String(count), '--rate', '150', '--mode', 'AT_LEAST_ONCE',
    );
    assert.equal(submitted.code, 0, describeResult(submitted));
    const id = submittedJobId(submitted.stdout);
    await c().waitForAllTasksRunning(id);
    await waitForCheckpointsAfter(id, 0, 2);
    const [victim] = await taskManagersOfJob(id);
    assert.ok(victim !== undefined);
    await kill([pidOfTaskManager(victim)]);
    await c().startTaskManager(1);
    await c().waitForJobState(id, 'FINISHED', 60_000);
    const output = readSequenceOutput(out);
    assert.deepEqual(lossProblems(output, count), []);
  });
});

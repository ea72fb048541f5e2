/**
 * A restart on a real cluster: the only TaskManager of a running job is killed with SIGKILL. With
 * a fixed-delay restart strategy the job goes RESTARTING instead of FAILED, requests its slots
 * again, and runs again with new attempts once a new TaskManager registers. REST tells all of it:
 * the job's state, `numRestarts`, the exception history and each subtask's attempt.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CLUSTER_JOBS, TestCluster, describeResult, isGone, submittedJobId, waitFor } from './cluster-harness.js';

const UNBOUNDED = join(CLUSTER_JOBS, 'unbounded.ts');

describe('restarts on 1 JobManager + 1 TaskManager (2 slots), fixed-delay restart strategy', () => {
  let cluster: TestCluster | undefined;
  const c = (): TestCluster => {
    assert.ok(cluster !== undefined, 'the cluster did not start');
    return cluster;
  };

  before(async () => {
    cluster = await TestCluster.start('restarts', [2], {
      config: () => ({
        'restart-strategy.type': 'fixed-delay',
        'restart-strategy.fixed-delay.attempts': 3,
        'restart-strategy.fixed-delay.delay': '200 ms',
      }),
    });
  });
  after(async () => {
    await cluster?.shutdown({ killedProcesses: true });
  });

  test('a lost TaskManager: RESTARTING until slots come back, then RUNNING with attempt 1, numRestarts 1, one exception entry', async () => {
    const [victim] = c().pids('taskexecutor');
    assert.ok(victim !== undefined);
    const [lostId] = await c().taskManagerIds();
    const submitted = await c().cli('run', '-m', c().restAddress, '-p', '2', '-d', UNBOUNDED, '--name', 'survivor');
    assert.equal(submitted.code, 0, describeResult(submitted));
    const id = submittedJobId(submitted.stdout);
    await c().waitForAllTasksRunning(id);

    process.kill(victim, 'SIGKILL');
    await waitFor(`TaskManager process ${victim} to be gone`, () => isGone(victim), 10_000);
    // No TaskManager is left: the job waits for slots in RESTARTING, and REST keeps serving it.
    const restarting = await c().waitForJobState(id, 'RESTARTING', 15_000);
    assert.equal(restarting.name, 'survivor');
    const metrics = await c().get<{ id: string; value: string }[]>(`/jobs/${id}/metrics?get=numRestarts`);
    assert.deepEqual(metrics, [{ id: 'numRestarts', value: '1' }]);

    await c().startTaskManager(2);
    const job = await c().waitForAllTasksRunning(id, 30_000);
    for (const vertex of job.vertices) {
      const { subtasks } = await c().get<{ subtasks: { attempt: number; 'taskmanager-id': string }[] }>(`/jobs/${id}/vertices/${vertex.id}`);
      for (const subtask of subtasks) {
        assert.equal(subtask.attempt, 1, `${vertex.name}: ${JSON.stringify(subtask)}`);
        assert.notEqual(subtask['taskmanager-id'], lostId);
      }
    }
    const exceptions = await c().get<{ exceptionHistory: { entries: { taskManagerId: string }[] } }>(`/jobs/${id}/exceptions`);
    assert.equal(exceptions.exceptionHistory.entries.length, 1, JSON.stringify(exceptions));
    assert.equal(exceptions.exceptionHistory.entries[0]?.taskManagerId, lostId);

    const cancel = await c().cli('cancel', '-m', c().restAddress, id);
    assert.equal(cancel.code, 0, describeResult(cancel));
    await c().waitForJobState(id, 'CANCELED');
  });
});

/**
 * `flink-ts run -t ssh-per-job`: a cluster on the sshd hosts 127.0.0.2 (master and worker) and
 * 127.0.0.3 (worker) for one job, gone when the job has ended, however it ended.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FAILING, UNBOUNDED, WORD_COUNT, WORD_COUNT_LINES, allTasksRunning, clusterIdIn, describeResult, exitWithin, getJson, waitFor, wordCountLines, useTargetsFixture } from './targets-harness.js';

describe('run -t ssh-per-job on two sshd hosts', () => {
  const fx = useTargetsFixture('per-job');

  test('a WordCount: exact output, exit 0, and afterwards nothing of its cluster on any host but logs', async () => {
    const result = await fx().cli('run', '-t', 'ssh-per-job', '-p', '2', WORD_COUNT);
    assert.equal(result.code, 0, describeResult(result));
    assert.deepEqual(wordCountLines(result.stdout), WORD_COUNT_LINES);
    assert.match(result.stdout, /^Job has been submitted with JobID [0-9a-f]{32}$/m);
    assert.match(result.stdout, /^Job with JobID [0-9a-f]{32} has finished\.$/m);
    const clusterId = clusterIdIn(result.stderr, 'Per-job');
    assert.match(clusterId, /^perjob-[0-9a-f]{8}$/);
    assert.match(result.stderr, new RegExp(`^Removed the per-job cluster '${clusterId}' from its hosts; logs are kept: 127\\.0\\.0\\.2:\\S+/log, 127\\.0\\.0\\.3:\\S+/log$`, 'm'));
    fx().assertRemoved(clusterId);
    // Its logs stay, on both hosts: the TaskManagers ran one on each.
    for (const address of ['127.0.0.2', '127.0.0.3']) {
      assert.ok(fx().launcher.remoteFiles(address, clusterId).some((f) => /^log\/flink-\S+-taskexecutor-0-\S+\.log$/.test(f)), address);
    }
    assert.deepEqual(fx().contexts().contexts, {}, 'a per-job cluster is no context');
  });

  test('a failing job: exit 1 with the cause, and the cluster is gone', async () => {
    const result = await fx().cli('run', '-t', 'ssh-per-job', '-p', '2', FAILING);
    assert.equal(result.code, 1, describeResult(result));
    assert.match(result.stderr, /record 42 is not allowed/);
    fx().assertRemoved(clusterIdIn(result.stderr, 'Per-job'));
  });

  test('Ctrl-C on an attached unbounded job: the job is CANCELED, exit 1, the cluster is gone', async () => {
    const run = fx().start(['run', '-t', 'ssh-per-job', '-p', '2', UNBOUNDED]);
    await run.waitForOutput(/Job has been submitted with JobID ([0-9a-f]{32})/, 60_000);
    const clusterId = clusterIdIn(run.stderr, 'Per-job');
    const jobId = /Job has been submitted with JobID ([0-9a-f]{32})/.exec(run.stdout)?.[1] ?? '';
    const rest = /JobManager Web Interface: (http:\S+)/.exec(run.stderr)?.[1] ?? '';
    // Interrupted once its tasks run on TaskManagers it started on demand.
    await waitFor('the job to run on two TaskManagers', async () => {
      const overview = await getJson<{ taskmanagers: number; 'slots-available': number }>(`${rest}/overview`);
      return (await allTasksRunning(rest, jobId)) && overview.taskmanagers === 2 && overview['slots-available'] === 0;
    }, 60_000);
    assert.equal(fx().daemons(clusterId).length, 3, 'a JobManager and two TaskManagers');
    run.signal('SIGINT');
    const result = await exitWithin(run);
    assert.equal(result.code, 1, describeResult(result));
    assert.match(result.stderr, /^Received SIGINT: cancelling the running job\(s\)\./m);
    assert.match(result.stderr, new RegExp(`^Job with JobID ${jobId} has been canceled \\(CANCELED\\)\\.$`, 'm'));
    assert.match(result.stderr, new RegExp(`^Removed the per-job cluster '${clusterId}' from its hosts`, 'm'));
    fx().assertRemoved(clusterId);
  });

  test('a worker the JobManager cannot log in to: the client says why, and Ctrl-C still takes the cluster down', async (t) => {
    // Nothing listens on port 1: the ssh driver cannot start a TaskManager there.
    fx().write({ workers: ['127.0.0.3:1'] });
    t.after(() => fx().write());
    const run = fx().start(['run', '-t', 'ssh-per-job', WORD_COUNT]);
    await run.waitForOutput(/Warning: the JobManager of 'perjob-[0-9a-f]{8}' could not start a TaskManager: Could not connect to 127\.0\.0\.3:1 over SSH: connection refused/, 60_000);
    const clusterId = clusterIdIn(run.stderr, 'Per-job');
    run.signal('SIGTERM');
    const result = await exitWithin(run);
    assert.equal(result.code, 1, describeResult(result));
    assert.match(result.stderr, /has been canceled \(CANCELED\)\./);
    // The unreachable host cannot be checked, and the client says so, with what to run later.
    assert.match(result.stderr, new RegExp(`^Remove what is left with: flink-ts stop-cluster -D high-availability\\.cluster-id=${clusterId}$`, 'm'));
    assert.equal(result.stderr.match(/could not start a TaskManager/g)?.length, 1, 'each reason is told once');
    fx().assertRemoved(clusterId);
  });

  test('-d is refused before anything is deployed', async () => {
    const result = await fx().cli('run', '-t', 'ssh-per-job', '-d', WORD_COUNT);
    assert.equal(result.code, 2, describeResult(result));
    assert.match(result.stderr, /Detached mode \(-d\) is not available for the 'ssh-per-job' target/);
    assert.deepEqual(fx().daemons(), []);
  });
});

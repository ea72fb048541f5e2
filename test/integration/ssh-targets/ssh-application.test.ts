/**
 * `flink-ts run -t ssh-application`: the JobManager on 127.0.0.2 runs the program's main, whose
 * jobs run on TaskManagers it starts on demand; the cluster ends with the application.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { THROWS_IN_MAIN, TWO_JOBS, UNBOUNDED, allTasksRunning, clusterIdIn, describeResult, exitWithin, waitFor, useTargetsFixture } from './targets-harness.js';

describe('run -t ssh-application on two sshd hosts', () => {
  const fx = useTargetsFixture('application');

  test('a program with two execute() calls: both jobs FINISHED, exit 0, the cluster is gone', async () => {
    const result = await fx().cli('run', '-t', 'ssh-application', TWO_JOBS);
    assert.equal(result.code, 0, describeResult(result));
    const submitted = [...result.stdout.matchAll(/^Job has been submitted with JobID ([0-9a-f]{32})$/gm)].map((m) => m[1]);
    assert.equal(submitted.length, 2, describeResult(result));
    for (const jobId of submitted) assert.match(result.stdout, new RegExp(`^Job with JobID ${jobId ?? ''} has finished\\.$`, 'm'));
    const clusterId = clusterIdIn(result.stderr, 'Application');
    assert.match(clusterId, /^application-[0-9a-f]{8}$/);
    // main ran in the JobManager, not here: its print() output is in the TaskManagers' .out files.
    assert.doesNotMatch(result.stdout, /first|^10$/m);
    assert.match(result.stderr, new RegExp(`^Removed the application cluster '${clusterId}' from its hosts`, 'm'));
    fx().assertRemoved(clusterId);
  });

  test('Ctrl-C on an attached application: its job is CANCELED, the cluster is gone, exit 1', async () => {
    const run = fx().start(['run', '-t', 'ssh-application', UNBOUNDED, '--name', 'endless']);
    await run.waitForOutput(/Job has been submitted with JobID [0-9a-f]{32}/, 60_000);
    const clusterId = clusterIdIn(run.stderr, 'Application');
    const jobId = /Job has been submitted with JobID ([0-9a-f]{32})/.exec(run.stdout)?.[1] ?? '';
    const rest = /JobManager Web Interface: (http:\S+)/.exec(run.stderr)?.[1] ?? '';
    await waitFor('the job to run', () => allTasksRunning(rest, jobId), 60_000);
    run.signal('SIGINT');
    const result = await exitWithin(run);
    assert.equal(result.code, 1, describeResult(result));
    assert.match(result.stderr, new RegExp(`^Job with JobID ${jobId} has been canceled \\(CANCELED\\)\\.$`, 'm'));
    assert.doesNotMatch(result.stderr, /main failed/, 'main failing on its canceled job is no news after Ctrl-C');
    assert.match(result.stderr, new RegExp(`^Removed the application cluster '${clusterId}' from its hosts`, 'm'));
    fx().assertRemoved(clusterId);
  });

  test("a main that throws: exit 1 with main's error from the JobManager, the cluster is gone", async () => {
    const result = await fx().cli('run', '-t', 'ssh-application', THROWS_IN_MAIN, '--bad');
    assert.equal(result.code, 1, describeResult(result));
    assert.match(result.stderr, /The application's main failed in the JobManager:/);
    assert.match(result.stderr, /Invalid arguments \[--bad\]: expected --input <path>/);
    fx().assertRemoved(clusterIdIn(result.stderr, 'Application'));
  });
  test('--timeout with --json on an unbounded application: its job is CANCELED, exit 124, one JSON object, the cluster is gone', async () => {
    const result = await fx().cli('run', '-t', 'ssh-application', '--timeout', '12 s', '--json', UNBOUNDED, '--name', 'endless');
    assert.equal(result.code, 124, describeResult(result));
    const clusterId = clusterIdIn(result.stderr, 'Application');
    const summary = JSON.parse(result.stdout) as { exitCode: number; clusterId: string; jobs: { jobId: string; jobName: string; state: string }[] };
    const jobId = summary.jobs[0]?.jobId ?? '';
    assert.deepEqual(
      { ...summary, jobs: summary.jobs.map((j) => ({ jobId: j.jobId, jobName: j.jobName, state: j.state })) },
      { exitCode: 124, clusterId, jobs: [{ jobId, jobName: 'endless', state: 'CANCELED' }] },
    );
    // The cluster ends right after its job: when it is gone before the client's last look, the
    // change to CANCELED is told from the job's result, without CANCELLING.
    assert.match(result.stderr, new RegExp(`^Job ${jobId} \\(endless\\) switched from state (CANCELLING|RUNNING) to CANCELED\\.$`, 'm'));
    assert.equal(result.stderr.trimEnd().split('\n').at(-1), `Timed out after 12 s: cancelled job(s) ${jobId}.`);
    fx().assertRemoved(clusterId);
  });
});

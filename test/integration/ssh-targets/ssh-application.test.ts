/**
 * `flink-ts run -t ssh-application`: the JobManager on 127.0.0.2 runs the program's main, whose
 * jobs run on TaskManagers it starts on demand; the cluster ends with the application.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SshdHosts } from '../../support/sshd.js';
import { startSshdHosts } from '../../support/sshd.js';
import { THROWS_IN_MAIN, TWO_JOBS, TargetsFixture, UNBOUNDED, allTasksRunning, clusterIdIn, describeResult, exitWithin, waitFor } from './targets-harness.js';

describe('run -t ssh-application on two sshd hosts', () => {
  let sshd: SshdHosts | undefined;
  let fixture: TargetsFixture | undefined;
  const fx = (): TargetsFixture => {
    assert.ok(fixture !== undefined, 'the sshd hosts did not start');
    return fixture;
  };

  before(async () => {
    sshd = await startSshdHosts({ count: 2 });
    fixture = new TargetsFixture(sshd, 'application');
    fixture.write();
  });

  after(async () => {
    try {
      await fixture?.cleanUp();
    } finally {
      await sshd?.stop();
    }
  });

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
});

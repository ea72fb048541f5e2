/**
 * Failures of TaskManager processes on a real cluster: a TaskManager killed with SIGKILL in the
 * middle of a job, and a TaskManager that presents the wrong cluster secret. The cluster is this
 * file's own (1 JobManager, 1 TaskManager with 2 slots), since the kill takes its TaskManager away.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { CLUSTER_JOBS, HOST, JOBS, TestCluster, describeResult, escapeRegExp, isGone, submittedJobId, waitFor } from './cluster-harness.js';

const UNBOUNDED = join(CLUSTER_JOBS, 'unbounded.ts');
const WORD_COUNT_COLLECT = join(JOBS, 'word-count-collect.ts');

describe('TaskManager failures on 1 JobManager + 1 TaskManager (2 slots)', () => {
  let cluster: TestCluster | undefined;
  const c = (): TestCluster => {
    assert.ok(cluster !== undefined, 'the cluster did not start');
    return cluster;
  };

  before(async () => {
    cluster = await TestCluster.start('tm-loss', [2]);
  });
  after(async () => {
    // The SIGKILLed TaskManager could not clean up its temporary files.
    await cluster?.shutdown({ killedProcesses: true });
  });

  test('kill -9 of the TaskManager mid-job: the job FAILS with the cause, its slots go, a new TaskManager runs the next job', async (t) => {
    const [jobManagerPid] = c().pids('standalonesession');
    const taskManagerPids = c().pids('taskexecutor');
    assert.equal(taskManagerPids.length, 1, 'one TaskManager');
    const victim = taskManagerPids[0] ?? -1;
    assert.notEqual(victim, jobManagerPid, 'the pid comes from the taskexecutor pid file');
    const [lostId] = await c().taskManagerIds();
    assert.ok(lostId !== undefined);
    const lost = escapeRegExp(lostId);

    const submitted = await c().cli('run', '-m', c().restAddress, '-p', '2', '-d', UNBOUNDED, '--name', 'doomed');
    assert.equal(submitted.code, 0, describeResult(submitted));
    const id = submittedJobId(submitted.stdout);
    await c().waitForAllTasksRunning(id);

    process.kill(victim, 'SIGKILL');
    await waitFor(`TaskManager process ${victim} to be gone`, () => isGone(victim), 10_000);
    const killedAt = Date.now();
    await c().waitForJobState(id, 'FAILED', 15_000);
    const detectedInMs = Date.now() - killedAt;

    const exceptions = await c().get<{ 'root-exception': string; exceptionHistory: { entries: { stacktrace: string; taskManagerId: string }[] } }>(
      `/jobs/${id}/exceptions`,
    );
    const lostPattern = new RegExp(
      `TaskManager with id ${lost} (is unreachable|timed out|.*lost)|Heartbeat of TaskManager with id ${lost} timed out|Connection unexpectedly closed by remote task manager`,
    );
    assert.match(exceptions['root-exception'], lostPattern);
    const [entry] = exceptions.exceptionHistory.entries;
    assert.ok(entry !== undefined);
    assert.equal(entry.taskManagerId, lostId);

    // The lost TaskManager and its slots are gone from the cluster.
    await c().waitForOverview('the lost TaskManager to be removed', (o) => o.taskmanagers === 0 && o['slots-total'] === 0 && o['slots-available'] === 0);
    assert.deepEqual(await c().taskManagerIds(), []);
    assert.match(
      c().readLog('standalonesession', jobManagerPid ?? -1),
      new RegExp(`TaskManager with id ${lost} is unreachable|Heartbeat of TaskManager with id ${lost} timed out`),
    );

    // A new TaskManager takes the next job.
    await c().startTaskManager(2);
    await c().waitForOverview('the new TaskManager to register', (o) => o.taskmanagers === 1 && o['slots-available'] === 2);
    const [newId] = await c().taskManagerIds();
    assert.ok(newId !== undefined && newId !== lostId);
    const next = await c().cli('run', '-m', c().restAddress, WORD_COUNT_COLLECT);
    assert.equal(next.code, 0, describeResult(next));
    const nextId = submittedJobId(next.stdout);
    assert.match(next.stdout, /\nbe=3\nis=1\nnot=1\nor=1\nquestion=1\nthat=1\nthe=1\nto=3\n$/);
    const job = await c().job(nextId);
    assert.equal(job.state, 'FINISHED');
    for (const vertex of job.vertices) {
      for (const subtask of await c().subtasks(nextId, vertex.id)) assert.equal(subtask['taskmanager-id'], newId);
    }
    // Part of the report: how long detection took with heartbeat.timeout 5 s.
    t.diagnostic(`the job FAILED ${detectedInMs} ms after the TaskManager was killed`);
  });

  test('a TaskManager with the wrong cluster secret is refused and never registers', async () => {
    const [jobManagerPid] = c().pids('standalonesession');
    const before = await c().waitForOverview('one registered TaskManager', (o) => o.taskmanagers === 1);
    const wrong = await c().startTaskManager(2, 'security.cluster-secret=0ther-s3cret-value');
    const tmLog = (): string => c().readLog('taskexecutor', wrong);

    // The TaskManager keeps retrying (100 ms, 200 ms, 400 ms, ...). For at least 3 s, and until it
    // has been refused three times, the JobManager must keep its count.
    const started = Date.now();
    let polls = 0;
    await waitFor(
      'three refused registration attempts over at least 3 s',
      async () => {
        const overview = await c().overview();
        polls++;
        assert.equal(overview.taskmanagers, before.taskmanagers, 'the TaskManager with the wrong secret must not register');
        assert.equal(overview['slots-total'], before['slots-total']);
        const failures = tmLog().match(/Registration at ResourceManager .* failed \(attempt \d+\)/g) ?? [];
        if (Date.now() - started < 3000 || failures.length < 3) {
          // Keep polling at a steady pace rather than at waitFor's shortest interval.
          await sleep(200);
          return false;
        }
        return true;
      },
      15_000,
    );
    assert.ok(polls >= 5, `polled ${polls} times`);

    const log = tmLog();
    assert.match(log, /the cluster secret does not match/);
    assert.doesNotMatch(log, /Successful registration at resource manager/);
    const jmLog = c().readLog('standalonesession', jobManagerPid ?? -1);
    assert.match(jmLog, /Refused RPC connection from 127\.0\.0\.1:\d+: wrong cluster secret \(security\.cluster-secret\)/);
    for (const text of [log, jmLog]) {
      assert.ok(!text.includes(c().secret) && !text.includes('0ther-s3cret-value'), 'no secret is ever logged');
    }

    // `stop` takes the newest TaskManager: the refused one. The registered one stays.
    const stop = await c().cli('taskmanager', 'stop');
    assert.equal(stop.code, 0, describeResult(stop));
    assert.equal(stop.stdout, `Stopping taskexecutor daemon (pid: ${wrong}) on host ${HOST}.\n`);
    await waitFor(`process ${wrong} to be gone`, () => isGone(wrong), 5000);
    assert.equal((await c().overview()).taskmanagers, 1);
  });

  test('a TaskManager waiting to retry its registration exits as soon as it has shut down', async () => {
    // The wrong secret fails the first attempt; the next one is due only in 60 s.
    const waiting = await c().startTaskManager(1, 'security.cluster-secret=0ther-s3cret-value', 'cluster.registration.initial-timeout=60 s', 'cluster.registration.max-timeout=60 s');
    await waitFor('the first refused registration', () => /failed \(attempt 1\).*Retrying in 60000 ms/.test(c().readLog('taskexecutor', waiting)));

    const stop = c().startCli('taskmanager', 'stop');
    // When the process disappears, seen by polling while `stop` runs.
    const goneAt = await waitFor(`process ${waiting} to exit`, () => (isGone(waiting) ? Date.now() : undefined), 15_000);
    const result = await stop.exited;
    assert.equal(result.code, 0, describeResult(result));
    const terminating = /^(\S+) INFO {2}TaskManagerRunner - Terminating TaskManagerRunner \(taskexecutor\) with exit code 0\.$/m.exec(c().readLog('taskexecutor', waiting));
    assert.ok(terminating?.[1] !== undefined, 'the TaskManager logged its exit code');
    // The pending retry must not keep the event loop alive: without it the process exits within
    // milliseconds of that line, with it only when the entrypoint's 2 s exit grace runs out.
    const lingeredMs = goneAt - Date.parse(terminating[1]);
    assert.ok(lingeredMs < 1000, `the process lived on for ${lingeredMs} ms after it had shut down`);
  });
});

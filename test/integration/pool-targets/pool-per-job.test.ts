/**
 * `run -t pool-per-job` and `run -t pool-application` against a real Redis and two real agents,
 * run as a CI pipeline runs them (no terminal, stdin closed): exit codes for FINISHED and FAILED,
 * `--json`, Ctrl-C, an application with two jobs, and afterwards nothing allocated or running.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FAILING, PoolFixture, TWO_JOBS, UNBOUNDED, WORD_COUNT, WORD_COUNT_LINES, allTasksRunning, applicationIdIn, describeResult, exitWithin, waitFor, wordCountLines } from './pool-harness.js';

describe('pool-per-job and pool-application with two agents', () => {
  const fx = new PoolFixture();

  before(() => fx.start());
  after(() => fx.stop());

  test('pool-per-job WordCount: exact output, state changes, exit 0, the application FINISHED and everything released', async () => {
    const result = await fx.cli('run', '-t', 'pool-per-job', '-p', '3', WORD_COUNT);
    assert.equal(result.code, 0, describeResult(result));
    assert.deepEqual(wordCountLines(result.stdout), WORD_COUNT_LINES);
    const id = applicationIdIn(result.stderr);
    assert.match(result.stderr, /^Job [0-9a-f]{32} \(spread-word-count\) switched from state RUNNING to FINISHED\.$/m);
    assert.match(result.stderr, new RegExp(`^Released the per-job cluster '${id}' \\(FINISHED\\); its logs: flink-ts logs ${id}$`, 'm'));
    const application = await fx.application(id);
    assert.deepEqual([application?.state, application?.type], ['FINISHED', 'per-job']);
    const containers = await fx.pool.containers(id);
    assert.deepEqual(containers.map((c) => c.kind).sort(), ['jobmanager', 'taskmanager', 'taskmanager', 'taskmanager']);
    await fx.assertNothingLeft();
    assert.deepEqual(fx.contexts().contexts, {}, 'a per-job cluster is no context');
  });

  test('pool-per-job of a failing job with --json: exit 1, one JSON object on stdout, the application FAILED', async () => {
    const result = await fx.cli('run', '-t', 'pool-per-job', '--json', '-p', '2', FAILING);
    assert.equal(result.code, 1, describeResult(result));
    const summary = JSON.parse(result.stdout) as { exitCode: number; clusterId: string; jobs: { jobId: string; jobName: string; state: string; error?: string }[] };
    assert.equal(summary.exitCode, 1);
    assert.match(summary.clusterId, /^application_\d+_\d{4}$/);
    assert.deepEqual(summary.jobs.map((j) => [j.jobName, j.state]), [['failing-map', 'FAILED']]);
    assert.match(summary.jobs[0]?.error ?? '', /record 42 is not allowed/);
    assert.equal((await fx.application(summary.clusterId))?.state, 'FAILED');
    await fx.assertNothingLeft();
  });

  test('pool-per-job interrupted with SIGTERM: the job is CANCELED, exit 1, the application KILLED and released', async () => {
    const run = fx.spawn(['run', '-t', 'pool-per-job', UNBOUNDED]);
    await run.waitForOutput(/switched from state \w+ to RUNNING/, 60_000);
    const id = applicationIdIn(run.stderr);
    const rest = (await fx.application(id))?.restAddress ?? '';
    const jobId = /JobID ([0-9a-f]{32})/.exec(run.stdout)?.[1] ?? '';
    await waitFor('every task of the job to run', () => allTasksRunning(rest, jobId));
    run.signal('SIGTERM');
    const result = await exitWithin(run);
    assert.equal(result.code, 1, describeResult(result));
    assert.match(result.stderr, new RegExp(`^Job with JobID ${jobId} has been canceled \\(CANCELED\\)\\.$`, 'm'));
    assert.equal((await fx.application(id))?.state, 'KILLED');
    await fx.assertNothingLeft();
  });

  test('pool-per-job --timeout: the job is canceled, exit 124, the application released', async () => {
    const result = await fx.cli('run', '-t', 'pool-per-job', '--timeout', '8 s', '--json', UNBOUNDED);
    assert.equal(result.code, 124, describeResult(result));
    const summary = JSON.parse(result.stdout) as { exitCode: number; clusterId: string; jobs: { state: string }[] };
    assert.deepEqual([summary.exitCode, summary.jobs.map((j) => j.state)], [124, ['CANCELED']]);
    assert.match(result.stderr.trimEnd().split('\n').at(-1) ?? '', /^Timed out after 8 s: cancelled job\(s\) [0-9a-f]{32}\.$/);
    assert.equal((await fx.application(summary.clusterId))?.state, 'KILLED');
    await fx.assertNothingLeft();
  });

  test('pool-application with execution.shutdown-on-application-finish: false: refused attached; detached, it outlives its jobs until killed', async () => {
    const refused = await fx.cli('run', '-t', 'pool-application', '-D', 'execution.shutdown-on-application-finish=false', TWO_JOBS);
    assert.equal(refused.code, 2, describeResult(refused));
    assert.match(refused.stderr, /an attached client would wait forever\. Run it detached \(-d\) and end it with flink-ts pool kill <application id>\./);

    const detached = await fx.cli('run', '-d', '-t', 'pool-application', '-D', 'execution.shutdown-on-application-finish=false', TWO_JOBS);
    assert.equal(detached.code, 0, describeResult(detached));
    const id = applicationIdIn(detached.stdout);
    assert.match(detached.stdout, new RegExp(`^  flink-ts pool kill ${id}$`, 'm'));
    const rest = (await fx.application(id))?.restAddress ?? '';
    await waitFor('both jobs to finish', async () => {
      const listed = await fx.cli('list', '-a', '-t', 'pool-application', '-D', `pool.application.id=${id}`);
      return (listed.stdout.match(/\(FINISHED\)/g) ?? []).length === 2;
    }, 60_000);
    assert.notEqual(rest, '');
    assert.equal((await fx.application(id))?.state, 'RUNNING', 'the application cluster stays after its jobs');
    const killed = await fx.cli('pool', 'kill', id);
    assert.equal(killed.code, 0, describeResult(killed));
    await fx.assertNothingLeft();
  });

  test('a JobManager the pool has no room for: the request waits, and Ctrl-C gives up, taking the application back', async () => {
    const run = fx.spawn(['run', '-t', 'pool-per-job', '-D', 'jobmanager.memory.process.size=100g', WORD_COUNT]);
    await run.waitForOutput(/^Submitted application application_\d+_\d{4} to /m, 60_000);
    const id = applicationIdIn(run.stderr);
    await waitFor('the request to wait for room', async () => (await fx.pool.status()).queues.some((q) => q.pendingRequests === 1));
    assert.equal((await fx.application(id))?.state, 'ACCEPTED');
    run.signal('SIGINT');
    const result = await exitWithin(run);
    assert.equal(result.code, 1, describeResult(result));
    assert.equal((await fx.application(id))?.state, 'KILLED');
    await fx.assertNothingLeft();
  });

  test('-d with pool-per-job is refused before anything is submitted', async () => {
    const result = await fx.cli('run', '-d', '-t', 'pool-per-job', WORD_COUNT);
    assert.equal(result.code, 2, describeResult(result));
    assert.match(result.stderr, /Detached mode \(-d\) is not available for the 'pool-per-job' target.*-t pool-application -d.*flink-ts pool-session -d/);
    assert.deepEqual((await fx.pool.applications({ includeFinished: true })).filter((a) => a.state !== 'FINISHED' && a.state !== 'FAILED' && a.state !== 'KILLED'), []);
  });

  test('pool-application with two jobs: main runs in the JobManager container, both jobs finish, exit 0', async () => {
    const result = await fx.cli('run', '-t', 'pool-application', TWO_JOBS);
    assert.equal(result.code, 0, describeResult(result));
    const jobs = [...result.stdout.matchAll(/^Job has been submitted with JobID ([0-9a-f]{32})$/gm)].map((m) => m[1]);
    assert.equal(jobs.length, 2, describeResult(result));
    for (const job of jobs) assert.match(result.stdout, new RegExp(`^Job with JobID ${job ?? ''} has finished\\.$`, 'm'));
    const id = applicationIdIn(result.stderr);
    const application = await fx.application(id);
    assert.deepEqual([application?.state, application?.type], ['FINISHED', 'application']);
    await fx.assertNothingLeft();
  });

  test('flink-ts logs <application id> prints the logs of its containers after they ended', async () => {
    const [last] = (await fx.pool.applications({ includeFinished: true })).filter((a) => a.type === 'application');
    assert.ok(last !== undefined);
    const result = await fx.cli('logs', last.id);
    assert.equal(result.code, 0, describeResult(result));
    assert.match(result.stdout, /Received JobGraph submission 'first-job'/);
    assert.match(result.stdout, /Received JobGraph submission 'second-job'/);
  });

  test('pool queues apply, then -qu: a per-job run in queue etl; an unknown queue is refused with the queues to choose from', async () => {
    writeFileSync(join(fx.dir, 'conf', 'pool-queues.yaml'), 'queues:\n  etl: { capacity: 60, maximum-capacity: 100 }\n  default: { capacity: 40 }\n');
    const applied = await fx.cli('pool', 'queues', 'apply');
    assert.equal(applied.code, 0, describeResult(applied));
    assert.match(applied.stdout, /^Applied 2 queue\(s\) to redis:\/\/127\.0\.0\.1:\d+ \(pool 'default'\): etl 60% \(max 100%\), default 40% \(max 100%\)\.$/m);
    const status = JSON.parse((await fx.cli('pool', 'status', '--json')).stdout) as { queues: { name: string; capacity: number }[] };
    assert.deepEqual(status.queues.map((q) => [q.name, q.capacity]), [['default', 40], ['etl', 60]]);

    const result = await fx.cli('run', '-t', 'pool-per-job', '-qu', 'etl', '--json', WORD_COUNT);
    assert.equal(result.code, 0, describeResult(result));
    const summary = JSON.parse(result.stdout) as { clusterId: string };
    assert.equal((await fx.application(summary.clusterId))?.queue, 'etl');

    const refused = await fx.cli('run', '-t', 'pool-per-job', '-qu', 'nope', WORD_COUNT);
    assert.equal(refused.code, 1, describeResult(refused));
    assert.match(refused.stderr, /The pool has no queue 'nope': see `flink-ts pool status` for its queues, or choose one with -qu\./);
    await fx.assertNothingLeft();
  });
});

/**
 * `flink-ts pool-session` against a real Redis and two real agents: a detached session saved as
 * a context, two jobs run on it without -m (TaskManager containers on demand), `list` and
 * `cancel` reaching it through the pool, `pool status|apps --json`, and `-id … stop` releasing
 * everything; an attached session whose client is killed with -9 (its lease expires, the pool
 * takes everything back); Redis restarted under a running job.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PoolFixture, allTasksRunning, UNBOUNDED, WORD_COUNT, WORD_COUNT_LINES, applicationIdIn, describeResult, exitWithin, getJson, waitFor, wordCountLines } from './pool-harness.js';

describe('pool-session with two agents', () => {
  const fx = new PoolFixture(['resourcemanager.taskmanager-timeout: 5 min']);
  let appId = '';
  let rest = '';

  before(() => fx.start());
  after(() => fx.stop());

  test('pool status --json lists both hosts with their capacity', async () => {
    const result = await fx.cli('pool', 'status', '--json');
    assert.equal(result.code, 0, describeResult(result));
    const status = JSON.parse(result.stdout) as { hosts: Record<string, unknown>[]; queues: Record<string, unknown>[] };
    assert.deepEqual(
      status.hosts.map((h) => [h.id, h.address, h.state, h['slots-total'], h['slots-free'], h.labels]),
      [
        ['127.0.0.2', '127.0.0.2', 'RUNNING', 2, 2, []],
        ['127.0.0.3', '127.0.0.3', 'RUNNING', 2, 2, []],
      ],
    );
    assert.deepEqual(status.queues.map((q) => [q.name, q.capacity, q['maximum-capacity']]), [['default', 100, 100]]);
  });

  test('pool-session -d starts a JobManager container and saves the session as the current context', async () => {
    const result = await fx.cli('pool-session', '-d', '-nm', 'analytics', '-s', '1');
    assert.equal(result.code, 0, describeResult(result));
    appId = applicationIdIn(result.stdout);
    rest = /^JobManager Web Interface: (http:\/\/127\.0\.0\.[23]:\d+)$/m.exec(result.stdout)?.[1] ?? '';
    assert.notEqual(rest, '', describeResult(result));
    assert.match(result.stdout, new RegExp(`^  echo stop \\| flink-ts pool-session -id ${appId}$`, 'm'));
    assert.match(result.stdout, new RegExp(`^or: flink-ts pool kill ${appId}$`, 'm'));
    const context = fx.contexts().contexts.analytics;
    assert.deepEqual([fx.contexts().current, context?.target, context?.restAddress, context?.clusterId, context?.properties?.['pool.application.id']], ['analytics', 'pool-session', rest, appId, appId]);
    const application = await fx.application(appId);
    assert.deepEqual([application?.state, application?.name, application?.type, application?.restAddress], ['RUNNING', 'analytics', 'session', rest]);
    const apps = JSON.parse((await fx.cli('pool', 'apps', '--json')).stdout) as { applications: Record<string, unknown>[] };
    assert.deepEqual(apps.applications.map((a) => [a.id, a.name, a.queue, a.state, a['rest-address']]), [[appId, 'analytics', 'default', 'RUNNING', rest]]);
    assert.equal(fx.containerProcesses().length, 1, 'only the JobManager runs: TaskManagers come on demand');
  });

  test('two jobs run on the session through its context; TaskManager containers start on demand on both hosts', async () => {
    for (let i = 0; i < 2; i++) {
      const result = await fx.cli('run', '-p', '3', WORD_COUNT);
      assert.equal(result.code, 0, describeResult(result));
      assert.match(result.stdout, new RegExp(`^Using context 'analytics' \\(pool-session at ${rest}\\)\\.`, 'm'));
      assert.deepEqual(wordCountLines(result.stdout), WORD_COUNT_LINES);
    }
    const containers = (await fx.pool.containers(appId)).filter((c) => c.kind === 'taskmanager' && c.state === 'RUNNING');
    assert.equal(containers.length, 3, 'three one-slot TaskManagers, kept for the next job (taskmanager-timeout 5 min)');
    assert.deepEqual([...new Set(containers.map((c) => c.hostId))].sort(), ['127.0.0.2', '127.0.0.3']);
    const { taskmanagers } = await getJson<{ taskmanagers: { id: string }[] }>(`${rest}/taskmanagers`);
    assert.deepEqual(taskmanagers.map((tm) => tm.id).sort(), containers.map((c) => c.id).sort());
  });

  test('list and cancel reach the session through the pool with -t pool-session -D pool.application.id', async () => {
    const run = fx.spawn(['run', '-d', UNBOUNDED]);
    const submitted = await exitWithin(run);
    assert.equal(submitted.code, 0, describeResult(submitted));
    const jobId = /Job has been submitted with JobID ([0-9a-f]{32})/.exec(submitted.stdout)?.[1] ?? '';
    await waitFor('the job to run', async () => (await getJson<{ state: string }>(`${rest}/jobs/${jobId}`)).state === 'RUNNING');
    const listed = await fx.cli('list', '-t', 'pool-session', '-D', `pool.application.id=${appId}`);
    assert.equal(listed.code, 0, describeResult(listed));
    assert.match(listed.stdout, new RegExp(` : ${jobId} : unbounded.* \\(RUNNING\\)`));
    const canceled = await fx.cli('cancel', '-t', 'pool-session', '-D', `pool.application.id=${appId}`, jobId);
    assert.equal(canceled.code, 0, describeResult(canceled));
    await waitFor('the job to be canceled', async () => (await getJson<{ state: string }>(`${rest}/jobs/${jobId}`)).state === 'CANCELED');
    const missing = await fx.cli('list', '-t', 'pool-session');
    assert.equal(missing.code, 2, describeResult(missing));
    assert.match(missing.stderr, /-t pool-session needs the application: -D pool\.application\.id=<application id>/);
  });

  test('echo stop | pool-session -id <application id> ends the application and releases every container', async () => {
    const attach = fx.spawn(['pool-session', '-id', appId], { stdin: true });
    attach.child.stdin?.end('stop\n');
    const result = await exitWithin(attach);
    assert.equal(result.code, 0, describeResult(result));
    assert.match(result.stdout, new RegExp(`^Attached to session cluster '${appId}' \\(context 'analytics'\\)`, 'm'));
    assert.match(result.stdout, new RegExp(`^Released the session cluster '${appId}' \\(FINISHED\\); its logs: flink-ts logs ${appId}$`, 'm'));
    assert.match(result.stdout, /^Removed context 'analytics'\.$/m);
    assert.equal((await fx.application(appId))?.state, 'FINISHED');
    await fx.assertNothingLeft();
    assert.deepEqual(fx.contexts().contexts, {});
  });

  test('yarn-session attached with -jm -tm -s -qu -D: the flags reach the application; SIGTERM stops it and removes its context', async () => {
    const session = fx.spawn(['yarn-session', '-jm', '1024', '-tm', '768', '-s', '2', '-qu', 'default', '-D', 'resourcemanager.taskmanager-timeout=1 s'], { stdin: true });
    await session.waitForOutput(/Type 'stop' or 'quit'/, 60_000);
    const id = applicationIdIn(session.stdout);
    const rest = /^JobManager Web Interface: (\S+)$/m.exec(session.stdout)?.[1] ?? '';
    assert.equal(fx.contexts().current, `pool-${id}`);
    const [jobManager] = await fx.pool.containers(id);
    assert.deepEqual([jobManager?.kind, jobManager?.memoryBytes], ['jobmanager', 1024 * 1024 * 1024]);
    const config = await getJson<{ key: string; value: string }[]>(`${rest}/jobmanager/config`);
    const value = (key: string): string | undefined => config.find((e) => e.key === key)?.value;
    assert.deepEqual([value('taskmanager.numberOfTaskSlots'), value('taskmanager.memory.process.size'), value('pool.application.queue')], ['2', '768 mb', 'default']);

    // A job on it: one TaskManager container with two slots, released again 1 s after the job ended.
    const run = await fx.cli('run', '-p', '2', WORD_COUNT);
    assert.equal(run.code, 0, describeResult(run));
    assert.deepEqual(wordCountLines(run.stdout), WORD_COUNT_LINES);
    const taskManagers = (await fx.pool.containers(id)).filter((c) => c.kind === 'taskmanager');
    assert.deepEqual(taskManagers.map((c) => [c.slots, c.memoryBytes]), [[2, 768 * 1024 * 1024]]);
    await waitFor('the idle TaskManager to be released (resourcemanager.taskmanager-timeout)', async () => (await fx.pool.containers(id)).filter((c) => c.kind === 'taskmanager').every((c) => c.state === 'KILLED' && c.exitCode !== undefined), 30_000);
    assert.equal((await fx.application(id))?.state, 'RUNNING', 'the session stays');

    session.signal('SIGTERM');
    const result = await exitWithin(session);
    assert.equal(result.code, 0, describeResult(result));
    assert.match(result.stderr, /^Received SIGTERM: stopping the session cluster\.$/m);
    assert.equal((await fx.application(id))?.state, 'FINISHED');
    assert.deepEqual(fx.contexts().contexts, {});
    await fx.assertNothingLeft();
  });

  test('a context whose session is gone is reported, never used', async () => {
    const started = await fx.cli('pool-session', '-d', '-nm', 'gone');
    assert.equal(started.code, 0, describeResult(started));
    const id = applicationIdIn(started.stdout);
    const killed = await fx.cli('pool', 'kill', id);
    assert.equal(killed.code, 0, describeResult(killed));
    await fx.assertNothingLeft();
    const run = await fx.cli('run', WORD_COUNT);
    assert.equal(run.code, 1, describeResult(run));
    assert.match(run.stderr, /The context 'gone' \(pool-session\) points at http:\/\/\S+, which does not answer .*remove the context with `flink-ts context remove gone`/);
    const apps = JSON.parse((await fx.cli('pool', 'apps', '-a', '--json')).stdout) as { applications: { id: string; state: string; diagnostics: string }[] };
    const ended = apps.applications.find((a) => a.id === id);
    assert.equal(ended?.state, 'KILLED');
    assert.match(ended?.diagnostics ?? '', /^Killed by \S+ with flink-ts pool kill\.$/);
    const removed = await fx.cli('context', 'remove', 'gone');
    assert.equal(removed.code, 0, describeResult(removed));
  });

  test('an attached session whose client is killed with -9: its lease expires and the pool takes everything back', async () => {
    const session = fx.spawn(['pool-session'], { stdin: true });
    await session.waitForOutput(/Type 'stop' or 'quit'/, 60_000);
    const id = applicationIdIn(session.stdout);
    assert.equal((await fx.application(id))?.state, 'RUNNING');
    session.signal('SIGKILL');
    await waitFor('the application to be killed', async () => (await fx.application(id))?.state === 'KILLED', 20_000);
    assert.equal((await fx.application(id))?.diagnostics, 'The client that owned it stopped heartbeating (pool.lease.ttl).');
    await fx.assertNothingLeft();
  });

  test('Redis restarted under a running job: the job goes on, and the pool works again afterwards', async () => {
    const started = await fx.cli('pool-session', '-d', '-nm', 'restart');
    assert.equal(started.code, 0, describeResult(started));
    const id = applicationIdIn(started.stdout);
    const address = /^JobManager Web Interface: (\S+)$/m.exec(started.stdout)?.[1] ?? '';
    const run = await fx.cli('run', '-d', UNBOUNDED);
    assert.equal(run.code, 0, describeResult(run));
    const jobId = /JobID ([0-9a-f]{32})/.exec(run.stdout)?.[1] ?? '';
    await waitFor('every task of the job to run', () => allTasksRunning(address, jobId));

    await fx.redis.stop();
    // Longer than pool.lease.ttl (3 s): no lease may expire for the time Redis was away.
    const downUntil = Date.now() + 4_000;
    await waitFor('Redis to have been down for 4 s', () => Date.now() > downUntil, 10_000);
    assert.equal((await getJson<{ state: string }>(`${address}/jobs/${jobId}`)).state, 'RUNNING', 'the job runs on while Redis is away');
    await fx.redis.start();

    await waitFor('the agents and the JobManager to heartbeat again', async () => {
      const { hosts } = await fx.pool.status();
      return hosts.every((h) => h.state === 'RUNNING' && Date.now() - h.lastHeartbeat < 1_000);
    }, 20_000);
    assert.equal((await fx.application(id))?.state, 'RUNNING');
    assert.equal((await getJson<{ state: string }>(`${address}/jobs/${jobId}`)).state, 'RUNNING');
    const killed = await fx.cli('pool', 'kill', id);
    assert.equal(killed.code, 0, describeResult(killed));
    assert.match(killed.stdout, new RegExp(`^Killed application ${id} \\(restart\\); its containers are released\\.$`, 'm'));
    assert.equal((await fx.application(id))?.state, 'KILLED');
    await fx.assertNothingLeft();
  });
});

/**
 * A pool host lost mid-job: its agent is killed with -9. Its containers die with it, the pool
 * marks them LOST once the host's lease expires, the job fails with the cause (restart
 * strategies come with checkpointing), the next job gets a TaskManager on the other host, and
 * nothing leaks.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { PoolFixture, UNBOUNDED, allTasksRunning, WORD_COUNT, WORD_COUNT_LINES, applicationIdIn, describeResult, exitWithin, getJson, isGone, waitFor, wordCountLines } from './pool-harness.js';

describe('a pool host lost mid-job', () => {
  const fx = new PoolFixture(['resourcemanager.taskmanager-timeout: 5 min', 'taskmanager.numberOfTaskSlots: 1']);

  before(() => fx.start());
  after(() => fx.stop());

  test('agent kill -9: containers LOST, the job fails with the cause, the next job runs on the other host', async () => {
    const started = await fx.cli('pool-session', '-d', '-nm', 'lossy');
    assert.equal(started.code, 0, describeResult(started));
    const id = applicationIdIn(started.stdout);
    const rest = /^JobManager Web Interface: (\S+)$/m.exec(started.stdout)?.[1] ?? '';
    const jobManagerHost = (await fx.pool.containers(id)).find((c) => c.kind === 'jobmanager')?.hostId;
    const victimHost = jobManagerHost === '127.0.0.2' ? '127.0.0.3' : '127.0.0.2';

    const run = fx.spawn(['run', '-p', '2', UNBOUNDED]);
    await run.waitForOutput(/switched from state \w+ to RUNNING/, 60_000);
    const jobId = /JobID ([0-9a-f]{32})/.exec(run.stdout)?.[1] ?? '';
    await waitFor('both TaskManagers to run the job', async () => (await getJson<{ taskmanagers: number }>(`${rest}/overview`)).taskmanagers === 2 && (await allTasksRunning(rest, jobId)));
    const taskManagers = (await fx.pool.containers(id)).filter((c) => c.kind === 'taskmanager');
    assert.deepEqual(taskManagers.map((c) => c.hostId).sort(), ['127.0.0.2', '127.0.0.3'], 'one TaskManager per host');
    const victim = taskManagers.find((c) => c.hostId === victimHost);
    assert.ok(victim?.pid !== undefined);

    // The agent of the host without the JobManager dies, and its TaskManager with it.
    const agentPid = await waitFor('the victim agent pid', () => fx.agentPids().find((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(victimHost);
      } catch {
        return false;
      }
    }));
    process.kill(agentPid, 'SIGKILL');
    await waitFor('its TaskManager to die with it', () => isGone(victim.pid ?? 0), 10_000);

    const result = await exitWithin(run);
    assert.equal(result.code, 1, describeResult(result));
    assert.match(result.stderr, new RegExp(`^Job ${jobId} \\(unbounded\\) switched from state FAILING to FAILED\\.$`, 'm'));
    assert.match(result.stderr, new RegExp(`^Caused by: FlinkTsError \\[ERR_TASK_MANAGER_LOST\\]: .* The task ran on TaskManager ${victim.id}\\.$`, 'm'));

    // The JobManager gives the dead TaskManager's container back at once (its connection broke);
    // the host is LOST once its lease expires, with nothing placed on it anymore.
    await waitFor('the host to be LOST', async () => (await fx.pool.status()).hosts.find((h) => h.id === victimHost)?.state === 'LOST', 15_000);
    const ended = (await fx.pool.containers(id)).find((c) => c.id === victim.id);
    assert.deepEqual([ended?.state, ended?.diagnostics], ['KILLED', 'Released by the ResourceManager.']);

    // The next job needs two slots again: the second TaskManager comes up on the host that is left.
    const next = await fx.cli('run', '-p', '2', WORD_COUNT);
    assert.equal(next.code, 0, describeResult(next));
    assert.deepEqual(wordCountLines(next.stdout), WORD_COUNT_LINES);
    const running = (await fx.pool.containers(id)).filter((c) => c.kind === 'taskmanager' && c.state === 'RUNNING');
    assert.deepEqual(running.map((c) => c.hostId), [jobManagerHost, jobManagerHost]);

    const killed = await fx.cli('pool', 'kill', id);
    assert.equal(killed.code, 0, describeResult(killed));
    await fx.assertNothingLeft();
    // The agent comes back: the host rejoins the pool with its full capacity.
    await fx.startAgent(victimHost);
    const host = (await fx.pool.status()).hosts.find((h) => h.id === victimHost);
    assert.deepEqual([host?.state, host?.slotsFree], ['RUNNING', 2]);
  });

  test("agent kill -9 on the JobManager's host: the JobManager container is LOST, the application FAILED, the other host's containers released", async () => {
    const started = await fx.cli('pool-session', '-d', '-nm', 'orphan');
    assert.equal(started.code, 0, describeResult(started));
    const id = applicationIdIn(started.stdout);
    const run = await fx.cli('run', '-d', '-p', '2', UNBOUNDED);
    assert.equal(run.code, 0, describeResult(run));
    await waitFor('two TaskManager containers to run', async () => (await fx.pool.containers(id)).filter((c) => c.kind === 'taskmanager' && c.state === 'RUNNING').length === 2, 30_000);
    const jobManager = (await fx.pool.containers(id)).find((c) => c.kind === 'jobmanager');
    assert.ok(jobManager !== undefined);
    const agentPid = await waitFor('the agent of the JobManager host', () =>
      fx.agentPids().find((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(jobManager.hostId);
        } catch {
          return false;
        }
      }),
    );
    process.kill(agentPid, 'SIGKILL');
    await waitFor('the application to fail', async () => (await fx.application(id))?.state === 'FAILED', 20_000);
    const containers = await fx.pool.containers(id);
    const lostJobManager = containers.find((c) => c.id === jobManager.id);
    assert.deepEqual([lostJobManager?.state, lostJobManager?.diagnostics], ['LOST', `Its host ${jobManager.hostId} stopped heartbeating (pool.lease.ttl).`], JSON.stringify(await fx.application(id)));
    assert.ok(containers.every((c) => c.state === 'LOST' || c.state === 'KILLED'), JSON.stringify(containers));
    await fx.assertNothingLeft();
    await fx.startAgent(jobManager.hostId);
  });

  test('with a restart strategy: after agent kill -9 the job restarts, its lost TaskManager replaced on the other host', async () => {
    const started = await fx.cli('pool-session', '-d', '-nm', 'restarting', '-D', 'restart-strategy.type=fixed-delay', '-D', 'restart-strategy.fixed-delay.delay=200 ms');
    assert.equal(started.code, 0, describeResult(started));
    const id = applicationIdIn(started.stdout);
    const rest = /^JobManager Web Interface: (\S+)$/m.exec(started.stdout)?.[1] ?? '';
    const jobManagerHost = (await fx.pool.containers(id)).find((c) => c.kind === 'jobmanager')?.hostId;
    const victimHost = jobManagerHost === '127.0.0.2' ? '127.0.0.3' : '127.0.0.2';
    const run = await fx.cli('run', '-d', '-p', '2', UNBOUNDED);
    assert.equal(run.code, 0, describeResult(run));
    const jobId = /JobID ([0-9a-f]{32})/.exec(run.stdout)?.[1] ?? '';
    // Every task running (a job counts as RUNNING while its tasks still wait for slots).
    await waitFor('the job to run on both hosts', async () => {
      const running = (await fx.pool.containers(id)).filter((c) => c.kind === 'taskmanager' && c.state === 'RUNNING');
      return running.length === 2 && (await allTasksRunning(rest, jobId));
    }, 60_000);
    assert.deepEqual((await fx.pool.containers(id)).filter((c) => c.kind === 'taskmanager').map((c) => c.hostId).sort(), ['127.0.0.2', '127.0.0.3']);
    const agentPid = await waitFor('the victim agent pid', () =>
      fx.agentPids().find((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(victimHost);
        } catch {
          return false;
        }
      }),
    );
    process.kill(agentPid, 'SIGKILL');

    // The job restarts once a TaskManager in place of the lost one registered, on the host that is left.
    let last = '';
    await waitFor('the job to run again with two TaskManagers on the remaining host', async () => {
      const running = (await fx.pool.containers(id)).filter((c) => c.kind === 'taskmanager' && c.state === 'RUNNING');
      const metrics = await getJson<{ id: string; value: string }[]>(`${rest}/jobs/${jobId}/metrics?get=numRestarts`);
      last = JSON.stringify({ containers: await fx.pool.containers(id), metrics });
      return running.length === 2 && running.every((c) => c.hostId === jobManagerHost) && metrics[0]?.value === '1' && (await allTasksRunning(rest, jobId));
    }, 60_000).catch((e: unknown) => {
      throw new Error(`${String(e)} Last seen: ${last}`);
    });

    const killed = await fx.cli('pool', 'kill', id);
    assert.equal(killed.code, 0, describeResult(killed));
    await fx.assertNothingLeft();
    await fx.startAgent(victimHost);
  });
});


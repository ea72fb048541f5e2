/**
 * Exactly-once on a `pool-per-job` cluster that loses a host mid-job: the keyed-sequence job
 * (checkpointing every second, checkpoints in a directory every container reaches) runs with
 * one TaskManager on each of the two hosts; after two completed checkpoints the agent of the host
 * without the JobManager is killed with -9, taking its TaskManager with it. The job restarts from
 * its latest checkpoint once a TaskManager in place of the lost one runs on the host that is left,
 * ends FINISHED, the attached `run` exits 0, and every number reached the committed part files
 * exactly once with per-key sequence numbers (keyed state) 1..k without gaps or repeats.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { exactlyOnceProblems, readSequenceOutput } from '../../support/sequence-output.js';
import { PoolFixture, allTasksRunning, applicationIdIn, describeResult, exitWithin, getJson, isGone, waitFor } from './pool-harness.js';

const KEYED_SEQUENCE = fileURLToPath(new URL('../../fixtures/jobs/checkpointing/keyed-sequence.ts', import.meta.url));

interface CheckpointingStatistics {
  readonly counts: { readonly restored: number; readonly completed: number; readonly failed: number };
  readonly latest: { readonly completed: { readonly id: number } | null };
}

describe('exactly-once on a pool-per-job cluster that loses a host', () => {
  const fx = new PoolFixture();

  before(() => fx.start());
  after(() => fx.stop());

  test('agent kill -9 mid-job: its TaskManager comes back on the other host, the job FINISHED, every number once', async () => {
    const out = join(fx.dir, 'out');
    const checkpoints = join(fx.dir, 'checkpoints');
    mkdirSync(out);
    const count = 2000;
    const run = fx.spawn([
      'run', '-t', 'pool-per-job', '-p', '2',
      '-D', `execution.checkpointing.dir=${checkpoints}`,
      '-D', 'restart-strategy.type=fixed-delay',
      '-D', 'restart-strategy.fixed-delay.attempts=10',
      '-D', 'restart-strategy.fixed-delay.delay=500 ms',
      KEYED_SEQUENCE, '--out', out, '--count', String(count), '--rate', '150', '--interval', '1000',
    ]);
    await run.waitForOutput(/JobID [0-9a-f]{32}/, 60_000);
    const id = applicationIdIn(run.stderr);
    const jobId = /JobID ([0-9a-f]{32})/.exec(run.stdout)?.[1] ?? '';
    assert.notEqual(jobId, '', describeResult({ code: null, signal: null, stdout: run.stdout, stderr: run.stderr }));
    const rest = (await fx.application(id))?.restAddress ?? '';
    assert.notEqual(rest, '');
    const statistics = (): Promise<CheckpointingStatistics> => getJson<CheckpointingStatistics>(`${rest}/jobs/${jobId}/checkpoints`);

    // Every task running, one TaskManager on each host, and two checkpoints completed.
    await waitFor('the job to run on both hosts', async () => {
      const running = (await fx.pool.containers(id)).filter((c) => c.kind === 'taskmanager' && c.state === 'RUNNING');
      return running.length === 2 && (await allTasksRunning(rest, jobId));
    }, 60_000);
    const jobManagerHost = (await fx.pool.containers(id)).find((c) => c.kind === 'jobmanager')?.hostId;
    const victimHost = jobManagerHost === '127.0.0.2' ? '127.0.0.3' : '127.0.0.2';
    const taskManagers = (await fx.pool.containers(id)).filter((c) => c.kind === 'taskmanager');
    assert.deepEqual(taskManagers.map((c) => c.hostId).sort(), ['127.0.0.2', '127.0.0.3'], 'one TaskManager per host');
    const victim = taskManagers.find((c) => c.hostId === victimHost);
    assert.ok(victim?.pid !== undefined);
    const beforeKill = await waitFor('two completed checkpoints', async () => {
      const stats = await statistics();
      return stats.counts.completed >= 2 ? stats : undefined;
    }, 30_000);

    // The agent of the host without the JobManager dies, and its TaskManager with it, mid-job.
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
    await waitFor('its TaskManager to die with it', () => isGone(victim.pid ?? 0), 10_000);
    assert.equal(readSequenceOutput(out).lines < count, true, 'the job was killed mid-job');

    // The job restarts from a checkpoint on two TaskManagers of the host that is left, and checkpoints again.
    let last = '';
    await waitFor('the job to run again on the remaining host and complete a checkpoint after the restore', async () => {
      const running = (await fx.pool.containers(id)).filter((c) => c.kind === 'taskmanager' && c.state === 'RUNNING');
      const stats = await statistics();
      const metrics = await getJson<{ id: string; value: string }[]>(`${rest}/jobs/${jobId}/metrics?get=numRestarts`);
      last = JSON.stringify({ containers: running, counts: stats.counts, metrics });
      return (
        running.length === 2 &&
        running.every((c) => c.hostId === jobManagerHost) &&
        metrics[0]?.value === '1' &&
        stats.counts.restored === 1 &&
        stats.counts.completed > beforeKill.counts.completed &&
        (await allTasksRunning(rest, jobId))
      );
    }, 60_000).catch((e: unknown) => {
      throw new Error(`${String(e)} Last seen: ${last}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
    });

    const result = await exitWithin(run, 90_000);
    assert.equal(result.code, 0, describeResult(result));
    assert.match(result.stderr, new RegExp(`^Job ${jobId} \\(keyed-sequence\\) switched from state RUNNING to FINISHED\\.$`, 'm'));
    // Released cleanly, although the lost TaskManager's container (released by the JobManager
    // before its host was found LOST) never got an exit code from its dead agent.
    assert.match(result.stderr, new RegExp(`^Released the per-job cluster '${id}' \\(FINISHED\\); its logs: flink-ts logs ${id}$`, 'm'));
    assert.equal((await fx.application(id))?.state, 'FINISHED');

    const output = readSequenceOutput(out);
    assert.deepEqual(exactlyOnceProblems(output, count), []);
    assert.equal(output.lines, count);

    await fx.assertNothingLeft();
    await fx.startAgent(victimHost);
  });
});

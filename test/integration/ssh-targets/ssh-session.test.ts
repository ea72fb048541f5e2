/**
 * `flink-ts ssh-session` on the sshd hosts 127.0.0.2 (master and worker) and 127.0.0.3 (worker):
 * a detached session recorded as a context, jobs run on it without -m, TaskManagers started on
 * demand by the JobManager's ssh driver (and a new one after a TaskManager was killed), the
 * session stopped through `-id … stop`; and an attached session stopped by SIGTERM.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { SshdHosts } from '../../support/sshd.js';
import { startSshdHosts } from '../../support/sshd.js';
import { TargetsFixture, UNBOUNDED, WORD_COUNT, WORD_COUNT_LINES, allTasksRunning, clusterIdIn, describeResult, exitWithin, getJson, isGone, waitFor, wordCountLines } from './targets-harness.js';

interface TaskManagerInfo {
  readonly id: string;
  readonly path: string;
  readonly slotsNumber: number;
}

describe('ssh-session on two sshd hosts', () => {
  let sshd: SshdHosts | undefined;
  let fixture: TargetsFixture | undefined;
  let clusterId = '';
  let rest = '';
  const fx = (): TargetsFixture => {
    assert.ok(fixture !== undefined, 'the sshd hosts did not start');
    return fixture;
  };
  const taskManagers = async (): Promise<TaskManagerInfo[]> => (await getJson<{ taskmanagers: TaskManagerInfo[] }>(`${rest}/taskmanagers`)).taskmanagers;

  before(async () => {
    sshd = await startSshdHosts({ count: 2 });
    fixture = new TargetsFixture(sshd, 'session');
    // Idle TaskManagers stay for the whole file, so that the tests see the ones they expect.
    fixture.write({ config: { 'resourcemanager.taskmanager-timeout': '5 min' } });
  });

  after(async () => {
    try {
      await fixture?.cleanUp();
    } finally {
      await sshd?.stop();
    }
  });

  test('ssh-session -d starts only the JobManager and saves the session as the current context', async () => {
    const result = await fx().cli('ssh-session', '-d', '-nm', 'analytics');
    assert.equal(result.code, 0, describeResult(result));
    clusterId = clusterIdIn(result.stdout, 'Session');
    assert.match(clusterId, /^session-[0-9a-f]{8}$/);
    rest = /^JobManager Web Interface: (http:\/\/127\.0\.0\.2:\d+)$/m.exec(result.stdout)?.[1] ?? '';
    assert.notEqual(rest, '', describeResult(result));
    assert.match(result.stdout, new RegExp(`^  echo stop \\| flink-ts ssh-session -id ${clusterId}$`, 'm'));
    assert.deepEqual(fx().contexts(), {
      current: 'analytics',
      contexts: { analytics: { name: 'analytics', target: 'ssh-session', restAddress: rest, clusterId, createdAt: fx().contexts().contexts.analytics?.createdAt } },
    });
    assert.deepEqual(fx().daemons(clusterId).map((d) => [d.host, d.role]), [['127.0.0.2', 'jobmanager']]);
    assert.deepEqual(await taskManagers(), [], 'TaskManagers start on demand');
  });

  test('run <job> without -m uses the context; the TaskManagers it needs start on both hosts', async () => {
    const result = await fx().cli('run', '-p', '2', WORD_COUNT);
    assert.equal(result.code, 0, describeResult(result));
    assert.match(result.stdout, new RegExp(`^Using context 'analytics' \\(ssh-session at ${rest}\\)\\.`, 'm'));
    assert.deepEqual(wordCountLines(result.stdout), WORD_COUNT_LINES);
    const registered = await taskManagers();
    assert.deepEqual(registered.map((tm) => tm.path.split(':')[0]).sort(), ['127.0.0.2', '127.0.0.3']);
    for (const tm of registered) assert.match(tm.id, new RegExp(`^${clusterId}-127\\.0\\.0\\.[23]-\\d+-[0-9a-f]{6}$`));
    assert.deepEqual(fx().daemons(clusterId).map((d) => [d.host, d.role]).sort(), [['127.0.0.2', 'jobmanager'], ['127.0.0.2', 'taskmanager'], ['127.0.0.3', 'taskmanager']]);
  });

  test('a TaskManager killed with SIGKILL mid-job fails the job; the driver starts a new one for the next job', async () => {
    const before = await taskManagers();
    const victim = before.find((tm) => tm.path.startsWith('127.0.0.3:'));
    assert.ok(victim !== undefined, JSON.stringify(before));
    const run = fx().start(['run', '-p', '2', UNBOUNDED]);
    await run.waitForOutput(/Job has been submitted with JobID [0-9a-f]{32}/, 60_000);
    const jobId = /Job has been submitted with JobID ([0-9a-f]{32})/.exec(run.stdout)?.[1] ?? '';
    await waitFor('the job to run on both TaskManagers', async () => {
      const overview = await getJson<{ 'slots-available': number }>(`${rest}/overview`);
      return (await allTasksRunning(rest, jobId)) && overview['slots-available'] === 0;
    }, 60_000);
    const pidFile = join(fx().launcher.clusterDir('127.0.0.3', clusterId), 'pid', `flink-${fx().sshd.user}-taskexecutor.pid`);
    const [pid, ...others] = readFileSync(pidFile, 'utf8').trim().split('\n').map(Number);
    assert.ok(pid !== undefined && others.length === 0, `one TaskManager on 127.0.0.3: ${pidFile}`);
    process.kill(pid, 'SIGKILL');

    // No restart strategy yet: the job fails, and the client says so.
    const result = await exitWithin(run);
    assert.equal(result.code, 1, describeResult(result));
    assert.equal((await getJson<{ state: string }>(`${rest}/jobs/${jobId}`)).state, 'FAILED');
    assert.ok(isGone(pid));

    // The next job needs two slots again: the driver starts a TaskManager in place of the lost one.
    const next = await fx().cli('run', '-p', '2', WORD_COUNT);
    assert.equal(next.code, 0, describeResult(next));
    assert.deepEqual(wordCountLines(next.stdout), WORD_COUNT_LINES);
    const after = await taskManagers();
    assert.ok(!after.some((tm) => tm.id === victim.id), 'the killed TaskManager is gone from the cluster');
    const replacement = after.find((tm) => !before.some((b) => b.id === tm.id));
    assert.ok(replacement !== undefined, `a new TaskManager: ${JSON.stringify(after)}`);
    assert.equal(after.length, 2);
    assert.equal(fx().daemons(clusterId).filter((d) => d.role === 'taskmanager').length, 2);
  });

  test('echo stop | ssh-session -id <id> removes every process, the context and the cluster files', async () => {
    const pids = fx().daemons(clusterId).map((d) => d.pid);
    assert.equal(pids.length, 3);
    const attach = fx().start(['ssh-session', '-id', clusterId], { stdin: true });
    attach.child.stdin?.end('help\nstop\n');
    const result = await exitWithin(attach);
    assert.equal(result.code, 0, describeResult(result));
    assert.match(result.stdout, new RegExp(`^Attached to session cluster '${clusterId}' \\(context 'analytics'\\)`, 'm'));
    assert.match(result.stdout, /^Commands: stop, quit/m);
    assert.match(result.stdout, new RegExp(`^Removed the session cluster '${clusterId}' from its hosts; logs are kept: `, 'm'));
    assert.match(result.stdout, /^Removed context 'analytics'\.$/m);
    for (const pid of pids) assert.ok(isGone(pid), `process ${pid} is gone`);
    fx().assertRemoved(clusterId);
    assert.deepEqual(fx().contexts(), { contexts: {} });
  });

  test('resourcemanager.ssh.max-taskmanagers-per-host=1: a job needing three slots gets one TaskManager per host and fails', async () => {
    const started = await fx().cli('ssh-session', '-d', '-nm', 'limited', '-D', 'resourcemanager.ssh.max-taskmanagers-per-host=1', '-D', 'slot.request.timeout=8 s');
    assert.equal(started.code, 0, describeResult(started));
    const id = clusterIdIn(started.stdout, 'Session');
    const address = /^JobManager Web Interface: (\S+)$/m.exec(started.stdout)?.[1] ?? '';
    try {
      // Two worker hosts, one slot per TaskManager, at most one TaskManager per host: two slots for three subtasks.
      const result = await fx().cli('run', '-p', '3', WORD_COUNT);
      assert.equal(result.code, 1, describeResult(result));
      assert.match(result.stderr, /Could not acquire the minimum required resources: the job needs 3 slots, 2 were offered within slot\.request\.timeout\./);
      const registered = (await getJson<{ taskmanagers: TaskManagerInfo[] }>(`${address}/taskmanagers`)).taskmanagers;
      assert.deepEqual(registered.map((tm) => tm.path.split(':')[0]).sort(), ['127.0.0.2', '127.0.0.3']);
      assert.deepEqual(fx().daemons(id).filter((d) => d.role === 'taskmanager').map((d) => d.host).sort(), ['127.0.0.2', '127.0.0.3']);
    } finally {
      const attach = fx().start(['ssh-session', '-id', id], { stdin: true });
      attach.child.stdin?.end('stop\n');
      const stopped = await exitWithin(attach);
      assert.equal(stopped.code, 0, describeResult(stopped));
    }
    fx().assertRemoved(id);
    assert.deepEqual(fx().contexts(), { contexts: {} });
  });

  test('an attached session: yarn-session flags reach the configuration; SIGTERM stops the cluster and removes its context', async () => {
    const session = fx().start(['ssh-session', '-s', '2', '-tm', '1024']);
    await session.waitForOutput(/Type 'stop' or 'quit'/, 60_000);
    const id = clusterIdIn(session.stdout, 'Session');
    assert.equal(fx().contexts().current, `ssh-${id}`);
    const written = readFileSync(join(fx().launcher.clusterDir('127.0.0.2', id), 'conf', 'config.yaml'), 'utf8');
    for (const line of ['taskmanager.numberOfTaskSlots: "2"', 'taskmanager.memory.process.size: "1 gb"', `high-availability.cluster-id: "${id}"`]) {
      assert.ok(written.includes(`\n${line}\n`), `${line} in:\n${written}`);
    }
    const address = /^JobManager Web Interface: (\S+)$/m.exec(session.stdout)?.[1] ?? '';
    assert.equal((await getJson<{ taskmanagers: number }>(`${address}/overview`)).taskmanagers, 0);
    session.signal('SIGTERM');
    const result = await exitWithin(session);
    assert.equal(result.code, 0, describeResult(result));
    assert.match(result.stderr, /^Received SIGTERM: stopping the session cluster\.$/m);
    assert.match(result.stdout, new RegExp(`^Removed the session cluster '${id}' from its hosts; logs are kept: `, 'm'));
    fx().assertRemoved(id);
    assert.deepEqual(fx().contexts(), { contexts: {} });
  });

  test('an attached session whose JobManager dies: the client notices, removes what is left, and exits 1', async () => {
    const session = fx().start(['ssh-session']);
    await session.waitForOutput(/Type 'stop' or 'quit'/, 60_000);
    const id = clusterIdIn(session.stdout, 'Session');
    const [jobManager] = fx().daemons(id);
    assert.ok(jobManager?.role === 'jobmanager', JSON.stringify(fx().daemons(id)));
    process.kill(jobManager.pid, 'SIGKILL');
    // Five failed checks, 2 s apart, then the process is seen gone on the master.
    const result = await exitWithin(session);
    assert.equal(result.code, 1, describeResult(result));
    assert.match(result.stderr, new RegExp(`^The session cluster '${id}' is gone \\(.*does not answer.*\\)\\. Removing what is left of it\\.$`, 'm'));
    fx().assertRemoved(id);
    assert.deepEqual(fx().contexts(), { contexts: {} });
  });

  test('-id of an unknown session: exit 2, with how to stop it anyway', async () => {
    const result = await fx().cli('ssh-session', '-id', 'session-00000000');
    assert.equal(result.code, 2, describeResult(result));
    assert.match(result.stderr, /No context records an ssh session 'session-00000000'.*flink-ts stop-cluster -D high-availability\.cluster-id=session-00000000/);
  });
});

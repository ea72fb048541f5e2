/**
 * The API an active ResourceManager uses to run TaskManagers on worker hosts (RemoteDaemons):
 * start one with a given resource id and -Ds and get its pid, see whether it is alive, read the
 * end of its log, stop it. Against real sshd hosts, from the TypeScript sources (the agent on
 * the hosts runs from the build, as on a real host).
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Configuration } from '../../../src/config/index.js';
import { clusterConfiguration } from '../../../src/launcher/remote-configuration.js';
import { RemoteDaemons } from '../../../src/launcher/remote-daemons.js';
import { RemoteExitError, SshConnectError } from '../../../src/launcher/launcher-errors.js';
import type { SshdHosts } from '../../support/sshd.js';
import { startSshdHosts } from '../../support/sshd.js';
import { LauncherFixture, freePort, isGone, waitFor } from './ssh-harness.js';

function get<T>(port: number, path: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const req = request({ host: '127.0.0.2', port, path, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(JSON.parse(text) as T));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('RemoteDaemons: TaskManagers on demand', () => {
  let sshd: SshdHosts | undefined;
  let fixture: LauncherFixture | undefined;
  let daemons: RemoteDaemons | undefined;
  let restPort = 0;

  const d = (): RemoteDaemons => {
    assert.ok(daemons !== undefined, 'setup failed');
    return daemons;
  };

  before(async () => {
    sshd = await startSshdHosts({ count: 2 });
    fixture = new LauncherFixture(sshd, 'daemons');
    restPort = await freePort('127.0.0.2');
    const launcher = Configuration.fromMap({
      'launcher.ssh.identity-file': sshd.identityFile,
      'launcher.ssh.known-hosts': sshd.knownHosts,
      'launcher.ssh.port': sshd.port,
      'jobmanager.rpc.port': await freePort('127.0.0.2'),
      'high-availability.cluster-id': 'on-demand',
    });
    daemons = RemoteDaemons.create(clusterConfiguration(launcher, { host: '127.0.0.2', webUiPort: restPort }, fixture.confDir), { env: fixture.env() });
    const jobManager = await daemons.startJobManager({ host: '127.0.0.2' }, { ensureNotRunning: true });
    assert.ok(jobManager.ok, jobManager.details.join('\n'));
  });

  after(async () => {
    const launcher = daemons;
    if (launcher !== undefined) {
      const reports = await Promise.all(['127.0.0.2', '127.0.0.3'].map((host) => launcher.stopAllAndCleanUp({ host }, { jobManager: true })));
      await launcher.close();
      for (const report of reports) assert.ok(report.cleanedUp, report.error?.message);
    }
    await fixture?.cleanUp();
    await sshd?.stop();
  });

  test('starts TaskManagers with a given resource id and -Ds, each with its pid; starts in one tick share a command', async () => {
    assert.equal(d().clusterId, 'on-demand');
    const [a, b] = await Promise.all([
      d().startTaskManager({ host: '127.0.0.3' }, { resourceId: 'tm-a', dynamicProperties: ['taskmanager.numberOfTaskSlots=2'] }),
      d().startTaskManager({ host: '127.0.0.3' }, { resourceId: 'tm-b' }),
    ]);
    assert.ok(!isGone(a.pid) && !isGone(b.pid) && a.pid !== b.pid);
    assert.equal(a.resourceId, 'tm-a');
    assert.match(a.logFile ?? '', /\/\.flink-ts\/clusters\/on-demand\/127\.0\.0\.3\/log\/flink-\S+-taskexecutor-\d-\S+\.log$/);
    const registered = await waitFor('both TaskManagers to register', async () => {
      const { taskmanagers } = await get<{ taskmanagers: { id: string; slotsNumber: number }[] }>(restPort, '/taskmanagers');
      return taskmanagers.length === 2 ? taskmanagers : undefined;
    });
    assert.deepEqual(registered.map((tm) => [tm.id, tm.slotsNumber]).sort(), [['tm-a', 2], ['tm-b', 1]]);
    assert.deepEqual((await d().alivePids({ host: '127.0.0.3' }, 'taskmanager')).sort(), [a.pid, b.pid].sort());

    // A TaskManager that dies is seen as gone, and its log can still be read.
    process.kill(b.pid, 'SIGKILL');
    await waitFor('the killed TaskManager to be gone', () => isGone(b.pid));
    assert.equal(await d().isAlive({ host: '127.0.0.3' }, 'taskmanager', b.pid), false);
    assert.equal(await d().isAlive({ host: '127.0.0.3' }, 'taskmanager', a.pid), true);
    const tails = await d().tail({ host: '127.0.0.3' }, [b.logFile ?? ''], 200);
    assert.ok((tails[b.logFile ?? ''] ?? []).some((line) => line.includes('tm-b')), 'the log names the resource id');

    const [stopped] = await Promise.all([d().stopTaskManager({ host: '127.0.0.3' }, a.pid)]);
    assert.deepEqual([stopped.pid, stopped.ok, stopped.summary], [a.pid, true, 'stopped']);
    assert.ok(isGone(a.pid));
    assert.deepEqual(await d().alivePids({ host: '127.0.0.3' }, 'taskmanager'), []);
    // Stopping it again is not an error: it is simply not running.
    assert.equal((await d().stopTaskManager({ host: '127.0.0.3' }, a.pid)).summary, 'not running');
  });

  test('a start on a host that cannot be reached rejects with the SSH error', async () => {
    await assert.rejects(d().startTaskManager({ host: '127.0.0.250' }, { resourceId: 'tm-x' }), (error: unknown) => error instanceof SshConnectError && error.code === 'ERR_SSH_CONNECT');
  });

  test('a start that fails on the host rejects with the exit code and the end of its logs', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.3', resolve));
    const address = busy.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const error = await d()
        .startTaskManager({ host: '127.0.0.3' }, { resourceId: 'tm-busy', dynamicProperties: [`taskmanager.rpc.port=${port}`] })
        .then(() => assert.fail('the start should fail'), (e: unknown) => e);
      assert.ok(error instanceof RemoteExitError, String(error));
      assert.equal(error.code, 'ERR_REMOTE_EXIT');
      assert.equal(error.exitCode, 1);
      assert.match(error.message, /^Error starting taskexecutor daemon on host \S+: the process exited with code 1\.$/);
      assert.ok(error.stderrLines.some((line) => /^Last lines of \S+taskexecutor-\d-\S+\.out:$/.test(line)), error.stderrLines.join('\n'));
      assert.ok(error.stderrLines.some((line) => line.includes(String(port))), error.stderrLines.join('\n'));
    } finally {
      await new Promise<void>((resolve) => busy.close(() => resolve()));
    }
  });
});

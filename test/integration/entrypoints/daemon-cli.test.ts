/**
 * `flink-ts jobmanager|taskmanager start|start-foreground|stop|stop-all` as a user runs them: the
 * built CLI, launching the built entrypoints with the real components, in a sandbox (pid and log
 * directories through -D, its own working directory, so the repository's conf/ is not read).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ProcessTracker, Sandbox, assertBuilt, cleanEnv, isGone, readPidFile, runCli, startCli, waitFor } from './daemon-harness.js';

const USER = 'cli-test';
const HOST = hostname();
const ENV = cleanEnv({ FLINK_IDENT_STRING: USER });

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function canConnect(port: number): Promise<boolean> {
  const { connect } = await import('node:net');
  return new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('flink-ts taskmanager (daemon)', () => {
  const tracker = new ProcessTracker();
  let sandbox: Sandbox;
  let pidFile: string;
  // A TaskManager finds no JobManager here; it must not give up during the test.
  let props: string[];
  const cli = (...args: string[]) => runCli(args, { cwd: sandbox.dir, env: ENV });
  const logFile = (id: number, ext: 'log' | 'out') => join(sandbox.logDir, `flink-${USER}-taskexecutor-${id}-${HOST}.${ext}`);

  before(() => {
    assertBuilt();
    sandbox = new Sandbox('tm-cli');
    pidFile = sandbox.pidFile(USER, 'taskexecutor');
    props = sandbox.propertyArgs('taskmanager.registration.timeout=10 min');
  });
  after(async () => {
    tracker.trackPidFile(pidFile);
    await tracker.cleanUp();
    sandbox.remove();
  });

  test('start, start, stop, stop: pids, instance ids, file names and LIFO order', async () => {
    const first = await cli('taskmanager', 'start', ...props);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, `Starting taskexecutor daemon on host ${HOST}.\n`);
    const [pid0] = tracker.trackPidFile(pidFile);
    assert.ok(pid0 !== undefined && !isGone(pid0));
    assert.ok(existsSync(logFile(0, 'log')) && existsSync(logFile(0, 'out')));
    assert.match(readFileSync(logFile(0, 'log'), 'utf8'), new RegExp(`PID: ${pid0}\\b`));

    const second = await cli('taskmanager', 'start', ...props);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, new RegExp(`^\\[INFO\\] 1 instance\\(s\\) of taskexecutor are already running on ${HOST}\\.$`, 'm'));
    const pids = tracker.trackPidFile(pidFile);
    assert.equal(pids.length, 2);
    assert.equal(pids[0], pid0);
    const pid1 = pids[1] ?? -1;
    assert.ok(existsSync(logFile(1, 'log')) && existsSync(logFile(1, 'out')));
    assert.match(readFileSync(logFile(1, 'log'), 'utf8'), new RegExp(`PID: ${pid1}\\b`));

    const stop1 = await cli('taskmanager', 'stop', ...props);
    assert.equal(stop1.code, 0, stop1.stderr);
    assert.equal(stop1.stdout, `Stopping taskexecutor daemon (pid: ${pid1}) on host ${HOST}.\n`);
    assert.ok(isGone(pid1), 'stop waits until the process is gone');
    assert.ok(!isGone(pid0));
    assert.deepEqual(readPidFile(pidFile), [pid0]);
    assert.match(readFileSync(logFile(1, 'log'), 'utf8'), /Received SIGTERM[\s\S]*with exit code 0/);

    const stop0 = await cli('taskmanager', 'stop', ...props);
    assert.equal(stop0.code, 0, stop0.stderr);
    assert.match(stop0.stdout, new RegExp(`pid: ${pid0}`));
    assert.ok(isGone(pid0));
    assert.ok(!existsSync(pidFile), 'the pid file is removed with its last pid');

    const none = await cli('taskmanager', 'stop', ...props);
    assert.equal(none.code, 0, none.stderr);
    assert.equal(none.stdout, `No taskexecutor daemon to stop on host ${HOST}.\n`);
  });

  test('stop-all stops every instance', async () => {
    for (let i = 0; i < 2; i++) {
      const started = await cli('taskmanager', 'start', ...props);
      assert.equal(started.code, 0, started.stderr);
    }
    const pids = tracker.trackPidFile(pidFile);
    assert.equal(pids.length, 2);
    const result = await cli('taskmanager', 'stop-all', ...props);
    assert.equal(result.code, 0, result.stderr);
    for (const pid of pids) {
      assert.match(result.stdout, new RegExp(`Stopping taskexecutor daemon \\(pid: ${pid}\\) on host ${HOST}\\.`));
      assert.ok(isGone(pid));
    }
    assert.ok(!existsSync(pidFile));
  });

  test('start-foreground logs to stdout, writes no pid file, and exits 0 on SIGTERM', async () => {
    const running = startCli(['taskmanager', 'start-foreground', ...props], { cwd: sandbox.dir, env: ENV });
    tracker.track(running.child.pid);
    await running.waitForOutput(/Started TaskManagerRunner \(taskexecutor\)/);
    assert.match(running.stdout, /Started TaskManagerRunner/, 'logs go to stdout');
    assert.ok(!existsSync(pidFile));
    running.signal('SIGTERM');
    const result = await running.exited;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /with exit code 0/);
  });
});

describe('flink-ts jobmanager (daemon)', () => {
  const tracker = new ProcessTracker();
  let sandbox: Sandbox;
  let pidFile: string;
  const cli = (...args: string[]) => runCli(args, { cwd: sandbox.dir, env: ENV });
  const ports = async () => ['-D', `jobmanager.rpc.port=${await freePort()}`];

  before(() => {
    assertBuilt();
    sandbox = new Sandbox('jm-cli');
    pidFile = sandbox.pidFile(USER, 'standalonesession');
  });
  after(async () => {
    tracker.trackPidFile(pidFile);
    await tracker.cleanUp();
    sandbox.remove();
  });

  test('--webui-port sets the REST port; stop releases it', async () => {
    const port = await freePort();
    const started = await cli('jobmanager', 'start', ...sandbox.propertyArgs(), ...(await ports()), '--webui-port', String(port), '--host', 'localhost');
    assert.equal(started.code, 0, started.stderr);
    assert.equal(started.stdout, `Starting standalonesession daemon on host ${HOST}.\n`);
    const [pid] = tracker.trackPidFile(pidFile);
    assert.ok(pid !== undefined);
    assert.ok(await canConnect(port), 'the JobManager listens on the --webui-port');
    const log = readFileSync(join(sandbox.logDir, `flink-${USER}-standalonesession-0-${HOST}.log`), 'utf8');
    assert.match(log, new RegExp(`rest\\.port: ${port}`));
    assert.match(log, /jobmanager\.rpc\.address: localhost/);

    const stopped = await cli('jobmanager', 'stop', ...sandbox.propertyArgs());
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.ok(isGone(pid));
    assert.equal(await waitFor('the REST port to be released', async () => !(await canConnect(port))), true);
    assert.ok(!existsSync(pidFile));
  });

  test('an invalid -D value: exit 1, the key on stderr, nothing started', async () => {
    const logsBefore = sandbox.logFiles();
    const result = await cli('jobmanager', 'start', ...sandbox.propertyArgs('rest.port=not-a-port'));
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /rest\.port/);
    assert.match(result.stderr, /not-a-port/);
    assert.ok(!existsSync(pidFile));
    assert.deepEqual(sandbox.logFiles(), logsBefore, 'not even a log rotation');
  });

  test('a REST port in use: exit 1 with the reason and the exit code, no pid left', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const result = await cli('jobmanager', 'start', ...sandbox.propertyArgs(), ...(await ports()), '--webui-port', String(port));
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, new RegExp(`Error starting standalonesession daemon on host ${HOST}: the process exited with code 1\\.`));
      assert.match(result.stderr, /in use|EADDRINUSE/i);
      assert.doesNotMatch(result.stdout, /Starting standalonesession daemon/);
      assert.ok(!existsSync(pidFile), 'no pid is left after a failed start');
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  test('start-foreground exits 0 on SIGINT', async () => {
    const running = startCli(['jobmanager', 'start-foreground', ...sandbox.propertyArgs(), ...(await ports()), '--webui-port', String(await freePort())], {
      cwd: sandbox.dir,
      env: ENV,
    });
    tracker.track(running.child.pid);
    await running.waitForOutput(/Started StandaloneSessionClusterEntrypoint \(standalonesession\)/);
    running.signal('SIGINT');
    const result = await running.exited;
    assert.equal(result.code, 0, result.stderr);
  });

  test('--help shows the examples', async () => {
    const result = await cli('jobmanager', 'start', '--help');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /--webui-port/);
    assert.match(result.stdout, /EXAMPLES/);
  });
});

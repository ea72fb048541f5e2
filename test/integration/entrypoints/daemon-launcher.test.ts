/**
 * The daemon launcher called in-process, from the sources (so it launches `.ts` mains through
 * tsx), with the fixture main for the failure paths and the TaskManager's own main once.
 */
import { eventually } from '../../support/eventually.js';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { DaemonCommandOptions } from '../../../src/entrypoints/daemon/daemon-launcher.js';
import { startDaemon, stopAllDaemons, stopDaemon } from '../../../src/entrypoints/daemon/daemon-launcher.js';
import { CapturedOutput, FIXTURE_DAEMON, ProcessTracker, Sandbox, cleanEnv, isGone, readPidFile, waitFor } from './daemon-harness.js';

const USER = 'launcher-test';
const HOST = hostname();
const DAEMON = 'taskexecutor';

describe('daemon launcher', () => {
  const tracker = new ProcessTracker();
  const sandboxes: Sandbox[] = [];

  after(async () => {
    for (const sandbox of sandboxes) tracker.trackPidFile(sandbox.pidFile(USER, DAEMON));
    await tracker.cleanUp();
    for (const sandbox of sandboxes) sandbox.remove();
  });

  function setUp(behaviour = 'run', ...properties: string[]) {
    const sandbox = new Sandbox('launcher');
    sandboxes.push(sandbox);
    const output = new CapturedOutput();
    const options: DaemonCommandOptions = {
      daemon: DAEMON,
      dynamicProperties: sandbox.properties(...properties),
      env: cleanEnv({ FLINK_IDENT_STRING: USER, FLINK_TS_FIXTURE_BEHAVIOUR: behaviour }),
      cwd: sandbox.dir,
      output,
      entrypoint: FIXTURE_DAEMON,
    };
    const pidFile = sandbox.pidFile(USER, DAEMON);
    const logFile = (id: number, ext: 'log' | 'out' = 'log') => join(sandbox.logDir, `flink-${USER}-${DAEMON}-${id}-${HOST}.${ext}`);
    return { sandbox, output, options, pidFile, logFile };
  }

  test('start waits for the fixture (a .ts main run through tsx) to report it started', async () => {
    const { options, output, pidFile, logFile } = setUp();
    assert.equal(await startDaemon(options), 0, output.stderr);
    const [pid] = tracker.trackPidFile(pidFile);
    assert.ok(pid !== undefined && !isGone(pid));
    assert.match(output.stdout, new RegExp(`^Starting ${DAEMON} daemon on host ${HOST}\\.$`, 'm'));
    // The component had started before the command returned.
    assert.match(readFileSync(logFile(0), 'utf8'), /fixture: started/);
    assert.equal(await stopDaemon(options), 0, output.stderr);
    assert.ok(isGone(pid));
    assert.ok(!existsSync(pidFile));
  });

  test("the TaskManager's own main starts from the sources", async () => {
    const { options, output, pidFile, logFile } = setUp('run', 'taskmanager.registration.timeout=10 min');
    const { entrypoint: _fixture, ...own } = options;
    assert.equal(await startDaemon(own), 0, output.stderr);
    const [pid] = tracker.trackPidFile(pidFile);
    assert.ok(pid !== undefined);
    assert.match(readFileSync(logFile(0), 'utf8'), /Started TaskManagerRunner \(taskexecutor\)/);
    assert.equal(await stopDaemon(own), 0, output.stderr);
    await waitFor(`TaskManager ${pid} to be gone`, () => isGone(pid));
    assert.match(readFileSync(logFile(0), 'utf8'), /with exit code 0/);
  });

  test('a failed start exits 1 with the exit code and the end of .out and .log, and leaves no pid', async () => {
    const { options, output, pidFile, logFile } = setUp('fail-start');
    assert.equal(await startDaemon(options), 1);
    assert.match(output.stderr, new RegExp(`Error starting ${DAEMON} daemon on host ${HOST}: the process exited with code 1\\.`));
    assert.match(output.stderr, new RegExp(`Last lines of ${logFile(0, 'out').replace(/[.]/g, '\\.')}:`));
    assert.match(output.stderr, /fixture: the port 1 is already in use/);
    assert.match(output.stderr, /Last lines of .*\.log:/);
    assert.doesNotMatch(output.stdout, /Starting/);
    assert.doesNotMatch(output.stdout, /stale/);
    assert.ok(!existsSync(pidFile), 'no pid file after a failed start');
  });

  test('a start that never completes is stopped after the start timeout', async () => {
    const { options, output, pidFile } = setUp('never-start');
    assert.equal(await startDaemon({ ...options, startTimeoutMs: 1500 }), 1);
    assert.match(output.stderr, /did not report that it started within 1\.5 s and was stopped/);
    assert.ok(!existsSync(pidFile));
  });

  test('concurrent starts get distinct instance ids', async () => {
    const { options, output, pidFile, logFile } = setUp();
    const codes = await Promise.all([startDaemon(options), startDaemon(options)]);
    assert.deepEqual(codes, [0, 0], output.stderr);
    const pids = tracker.trackPidFile(pidFile);
    assert.equal(pids.length, 2);
    assert.ok(existsSync(logFile(0)) && existsSync(logFile(1)));
    assert.match(output.stdout, new RegExp(`\\[INFO\\] 1 instance\\(s\\) of ${DAEMON} are already running on ${HOST}\\.`));
    assert.equal(await stopAllDaemons(options), 0, output.stderr);
    for (const pid of pids) assert.ok(isGone(pid));
    assert.ok(!existsSync(pidFile));
  });

  test('log files are rotated, keeping env.log.max copies', async () => {
    const { sandbox, options, output, pidFile } = setUp('run', 'env.log.max=2');
    const pids: number[] = [];
    for (let run = 0; run < 4; run++) {
      assert.equal(await startDaemon(options), 0, output.stderr);
      pids.push(...tracker.trackPidFile(pidFile));
      assert.equal(await stopDaemon(options), 0, output.stderr);
    }
    const prefix = `flink-${USER}-${DAEMON}-0-${HOST}`;
    assert.deepEqual(sandbox.logFiles(), [`${prefix}.log`, `${prefix}.log.1`, `${prefix}.log.2`, `${prefix}.out`, `${prefix}.out.1`, `${prefix}.out.2`]);
    // The newest run is in .log, the one before in .log.1, and so on.
    const logOf = (suffix: string) => readFileSync(join(sandbox.logDir, `${prefix}.log${suffix}`), 'utf8');
    assert.match(logOf(''), new RegExp(`PID: ${pids[3]}\\b`));
    assert.match(logOf('.1'), new RegExp(`PID: ${pids[2]}\\b`));
    assert.match(logOf('.2'), new RegExp(`PID: ${pids[1]}\\b`));
  });

  test('stale pids are dropped with a note, and an unrelated process with a recorded pid is left alone', async () => {
    const { options, output, pidFile } = setUp();
    const dead = spawn(process.execPath, ['-e', '']);
    const deadPid = dead.pid;
    await new Promise((resolve) => dead.on('exit', resolve));
    const unrelated = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    tracker.track(unrelated.pid);
    assert.ok(deadPid !== undefined && unrelated.pid !== undefined);
    mkdirSync(join(pidFile, '..'), { recursive: true });
    writeFileSync(pidFile, `${deadPid}\n${unrelated.pid}\n`);
    assert.equal(await stopDaemon(options), 0, output.stderr);
    assert.match(output.stdout, new RegExp(`Removed the stale pid ${deadPid} `));
    assert.match(output.stdout, new RegExp(`Removed the stale pid ${unrelated.pid} `));
    assert.match(output.stdout, new RegExp(`No ${DAEMON} daemon to stop on host ${HOST}\\.`));
    assert.ok(!isGone(unrelated.pid), 'stop must not kill a process that merely reuses a recorded pid');
    assert.ok(!existsSync(pidFile));
    unrelated.kill('SIGKILL');
  });

  test('a lock left by a crashed command is broken', async () => {
    const { options, output, pidFile } = setUp();
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => dead.on('exit', resolve));
    mkdirSync(join(pidFile, '..'), { recursive: true });
    writeFileSync(`${pidFile}.lock`, `${dead.pid}\n`);
    assert.equal(await startDaemon(options), 0, output.stderr);
    tracker.trackPidFile(pidFile);
    assert.match(output.stdout, /Removed the stale lock .*\.pid\.lock/);
    assert.equal(await stopDaemon(options), 0, output.stderr);
    assert.ok(!existsSync(`${pidFile}.lock`));
  });

  test('stop escalates to SIGKILL when the daemon does not stop in time', async () => {
    const { options, output, pidFile } = setUp('hang-shutdown');
    assert.equal(await startDaemon(options), 0, output.stderr);
    const [pid] = tracker.trackPidFile(pidFile);
    assert.ok(pid !== undefined);
    assert.equal(await stopDaemon({ ...options, stopTimeoutMs: 1000 }), 0, output.stderr);
    assert.match(output.stderr, new RegExp(`The ${DAEMON} daemon \\(pid: ${pid}\\) did not stop within 1 s after SIGTERM; killing it \\(SIGKILL\\)\\.`));
    // The launcher counts a killed process as stopped once it is a zombie; the kernel may take a
    // moment more to reap it, so wait for that with a deadline instead of checking once.
    await eventually(() => isGone(pid), `process ${pid} to be gone`, 5000);
  });

  test('an invalid -D fails before anything is started', async () => {
    const { options, output, pidFile, sandbox } = setUp('run', 'taskmanager.numberOfTaskSlots=0');
    assert.equal(await startDaemon(options), 1);
    assert.match(output.stderr, /taskmanager\.numberOfTaskSlots/);
    assert.ok(!existsSync(pidFile));
    assert.deepEqual(sandbox.logFiles(), []);
  });
});

describe('daemon launcher without FLINK_IDENT_STRING', () => {
  const tracker = new ProcessTracker();
  let sandbox: Sandbox;
  before(() => {
    sandbox = new Sandbox('ident');
  });
  after(async () => {
    await tracker.cleanUp();
    sandbox.remove();
  });

  test('names files after the OS user', async () => {
    const { currentUserName } = await import('../../../src/client/user-name.js');
    const output = new CapturedOutput();
    const options: DaemonCommandOptions = {
      daemon: DAEMON,
      dynamicProperties: sandbox.properties(),
      env: cleanEnv(),
      cwd: sandbox.dir,
      output,
      entrypoint: FIXTURE_DAEMON,
    };
    assert.equal(await startDaemon(options), 0, output.stderr);
    const pidFile = sandbox.pidFile(currentUserName(), DAEMON);
    tracker.track(...readPidFile(pidFile));
    assert.equal(readPidFile(pidFile).length, 1);
    assert.ok(existsSync(join(sandbox.logDir, `flink-${currentUserName()}-${DAEMON}-0-${HOST}.out`)));
    assert.equal(await stopDaemon(options), 0, output.stderr);
  });
});

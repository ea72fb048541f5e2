/**
 * The entrypoint as a supervisor sees it: exit codes, signals and what reaches stderr and the log.
 * Fixture mains run as real foreground processes (logs on stderr); a few cases that need exact
 * control over timing run the entrypoint in-process with a fake host.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Configuration } from '../../../src/config/index.js';
import { MemoryLogSink, rootLogger } from '../../../src/core/logger.js';
import type { ClusterComponent, ComponentTermination } from '../../../src/entrypoints/cluster-component.js';
import type { EntrypointHost, TerminationSignal } from '../../../src/entrypoints/cluster-entrypoint.js';
import { runClusterEntrypoint } from '../../../src/entrypoints/cluster-entrypoint.js';
import { ProcessTracker, Sandbox, isGone, startFixture } from './daemon-harness.js';

const STARTED = /fixture: started/;

describe('cluster entrypoint processes (foreground)', () => {
  const tracker = new ProcessTracker();
  let sandbox: Sandbox;

  before(() => {
    sandbox = new Sandbox('entrypoint');
  });
  after(async () => {
    await tracker.cleanUp();
    sandbox.remove();
  });

  const start = (behaviour: string, ...args: string[]) => {
    const fixture = startFixture(behaviour, args, { cwd: sandbox.dir });
    tracker.track(fixture.child.pid);
    return fixture;
  };

  test('SIGTERM shuts the component down and exits 0', async () => {
    const fixture = start('run');
    await fixture.waitForOutput(STARTED);
    fixture.signal('SIGTERM');
    const result = await fixture.exited;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /Received SIGTERM: shutting down TaskManagerRunner/);
    assert.match(result.stderr, /fixture: shut down/);
    assert.match(result.stderr, /with exit code 0/);
    assert.ok(isGone(fixture.pid));
  });

  test('SIGINT does the same', async () => {
    const fixture = start('run');
    await fixture.waitForOutput(STARTED);
    fixture.signal('SIGINT');
    const result = await fixture.exited;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /Received SIGINT/);
  });

  test('a second signal forces the exit (code 1) while the shutdown hangs', async () => {
    const fixture = start('hang-shutdown');
    await fixture.waitForOutput(STARTED);
    fixture.signal('SIGTERM');
    await fixture.waitForOutput(/fixture: shutdown called/);
    fixture.signal('SIGTERM');
    const result = await fixture.exited;
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /Received SIGTERM again: exiting without waiting for the shutdown to finish\./);
  });

  test('a component that terminates with a runtime failure exits 2 with the reason on stderr', async () => {
    const result = await start('terminate-2').exited;
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /terminated with a runtime failure: fixture: lost the leadership for good/);
    // The entrypoint still shuts the component down.
    assert.match(result.stderr, /fixture: shut down/);
  });

  test('a component that terminates cleanly exits 0', async () => {
    const result = await start('terminate-0').exited;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /terminated on request: fixture: shutdown requested over REST/);
  });

  test('a startup failure exits 1 with the reason on stderr', async () => {
    const result = await start('fail-start').exited;
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stderr,
      /Could not start TaskManagerRunner \(taskexecutor\): fixture: the port 1 is already in use \(caused by: EADDRINUSE\)/,
    );
  });

  test('an invalid -D value is a startup failure naming the key', async () => {
    const result = await start('run', '-D', 'env.log.max=many').exited;
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /Could not start TaskManagerRunner \(taskexecutor\):.*env\.log\.max/s);
  });

  test('an unknown argument is a startup failure', async () => {
    // --webui-port belongs to the JobManager only.
    const result = await start('run', '--webui-port', '8081').exited;
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /webui-port/);
  });

  test('an uncaught exception exits 2', async () => {
    const result = await start('uncaught').exited;
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /Fatal error \(uncaughtException\).*fixture: uncaught error in a timer/);
  });

  test('an unhandled rejection exits 2', async () => {
    const result = await start('unhandled-rejection').exited;
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /Fatal error \(unhandledRejection\).*nobody handles this rejection/);
  });

  test('a component that leaks a handle on shutdown does not keep the process alive', async () => {
    const fixture = start('leak-handle');
    await fixture.waitForOutput(STARTED);
    fixture.signal('SIGTERM');
    const result = await fixture.exited;
    assert.equal(result.code, 0, result.stderr);
  });

  test('the log shows the environment and the configuration, never the cluster secret', async () => {
    const fixture = start('run', '-D', 'security.cluster-secret=s3cr3t-value', '-Dsecurity.cluster-secret=0th3r-s3cr3t', '-D', 'taskmanager.numberOfTaskSlots=3');
    await fixture.waitForOutput(STARTED);
    fixture.signal('SIGTERM');
    const { stderr, code } = await fixture.exited;
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(stderr, /s3cr3t-value|0th3r-s3cr3t/);
    assert.match(stderr, /security\.cluster-secret: \*{6}/);
    assert.match(stderr, /-D security\.cluster-secret=\*{6}/);
    assert.match(stderr, /taskmanager\.numberOfTaskSlots: 3/);
    assert.match(stderr, /Version: flink-ts \d+\.\d+\.\d+/);
    assert.match(stderr, new RegExp(`PID: ${fixture.pid}`));
    assert.match(stderr, /Node: v\d+/);
  });
});

/** A host whose signals and exits the test drives and observes. */
class FakeHost implements EntrypointHost {
  readonly exits: number[] = [];
  readonly stderrLines: string[] = [];
  private signalListener: ((signal: TerminationSignal) => void) | undefined;

  onSignal(listener: (signal: TerminationSignal) => void): () => void {
    this.signalListener = listener;
    return () => (this.signalListener = undefined);
  }
  onUncaught(): () => void {
    return () => undefined;
  }
  exit(code: number): void {
    this.exits.push(code);
  }
  stderr(line: string): void {
    this.stderrLines.push(line);
  }
  send(signal: TerminationSignal): void {
    this.signalListener?.(signal);
  }
}

/** A component whose start, termination and shutdown the test controls. */
class ControlledComponent implements ClusterComponent {
  shutdownCalls = 0;
  readonly terminated: Promise<ComponentTermination>;
  terminate: (termination: ComponentTermination) => void = () => undefined;
  finishShutdown: () => void = () => undefined;
  private started: () => void = () => undefined;
  readonly whenStarted = new Promise<void>((resolve) => (this.started = resolve));

  constructor(private readonly shutdownGate: 'immediate' | 'manual' = 'immediate') {
    this.terminated = new Promise((resolve) => (this.terminate = resolve));
  }
  start(): Promise<void> {
    this.started();
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    this.shutdownCalls++;
    if (this.shutdownGate === 'immediate') return Promise.resolve();
    return new Promise((resolve) => (this.finishShutdown = resolve));
  }
}

describe('runClusterEntrypoint (in-process)', () => {
  const run = (component: ClusterComponent, host: FakeHost, extra: { onStarted?: () => void; shutdownTimeoutMs?: number } = {}) =>
    runClusterEntrypoint({
      daemonName: 'standalonesession',
      component,
      logger: rootLogger(new MemoryLogSink(), 'DEBUG'),
      configuration: Configuration.empty(),
      host,
      ...extra,
    });

  test('shuts down once when a signal and a termination race', async () => {
    const host = new FakeHost();
    const component = new ControlledComponent('manual');
    let started = 0;
    const code = run(component, host, { onStarted: () => started++ });
    await component.whenStarted;
    await new Promise<void>((resolve) => setImmediate(resolve));
    host.send('SIGTERM');
    component.terminate({ code: 2, reason: 'late failure' });
    await new Promise<void>((resolve) => setImmediate(resolve));
    component.finishShutdown();
    assert.equal(await code, 0, 'the first trigger (the signal) decides the exit code');
    assert.equal(component.shutdownCalls, 1);
    assert.equal(started, 1);
    assert.deepEqual(host.exits, []);
  });

  test('a second signal exits through the host with code 1', async () => {
    const host = new FakeHost();
    const component = new ControlledComponent('manual');
    const code = run(component, host);
    await component.whenStarted;
    host.send('SIGINT');
    host.send('SIGINT');
    assert.equal(await code, 1);
    assert.deepEqual(host.exits, [1]);
    assert.equal(component.shutdownCalls, 1);
  });

  test('a shutdown that exceeds its deadline ends with code 2', async () => {
    const host = new FakeHost();
    const component = new ControlledComponent('manual');
    const code = run(component, host, { shutdownTimeoutMs: 50 });
    await component.whenStarted;
    host.send('SIGTERM');
    assert.equal(await code, 2);
  });

  test('a failing shutdown turns a clean stop into code 2', async () => {
    const host = new FakeHost();
    const component: ClusterComponent = {
      start: () => Promise.resolve(),
      terminated: Promise.resolve({ code: 0, reason: 'done' }),
      shutdown: () => Promise.reject(new Error('port would not close')),
    };
    assert.equal(await run(component, host), 2);
  });
});

/**
 * The node agent against an in-memory pool, with the fixture daemon as its containers' main:
 * reconciliation from heartbeats, the inbox, reports, a rejected spec, Redis going away, a host
 * the pool lost, and the stop.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MemoryLogSink, rootLogger } from '../../../src/core/logger.js';
import type { NodeAgentSettings } from '../../../src/entrypoints/pool-agent/agent-settings.js';
import { EXIT_LAUNCH_FAILED } from '../../../src/entrypoints/pool-agent/container-exit-codes.js';
import { NodeAgent } from '../../../src/entrypoints/pool-agent/node-agent.js';
import type { ContainerLaunchSpec } from '../../../src/resourcemanager/pool/pool-model.js';
import { isGone, waitFor } from '../../integration/entrypoints/daemon-harness.js';
import { TestingResourcePool } from '../../support/testing-resource-pool.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/entrypoints/fixture-daemon.ts', import.meta.url));
const APP = 'application_1700000000000_0001';
const cid = (n: number): string => `container_1700000000000_0001_01_${String(n).padStart(6, '0')}`;

function spec(containerId: string, configuration: Record<string, string> = {}): ContainerLaunchSpec {
  return { containerId, applicationId: APP, kind: 'taskmanager', slots: 1, memoryBytes: 1 << 30, configuration, artifactSha256: undefined };
}

describe('NodeAgent', () => {
  let workDir = '';
  let pool: TestingResourcePool;
  let agent: NodeAgent;
  let logs: MemoryLogSink;

  beforeEach(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'flink-ts-agent-'));
    pool = new TestingResourcePool();
    logs = new MemoryLogSink();
    const settings: NodeAgentSettings = { hostId: '127.0.0.1', slots: 4, memoryBytes: 8 * 2 ** 30, labels: ['ssd'], workDir, restPort: 0, heartbeatIntervalMs: 50, killGraceMs: 5_000 };
    agent = new NodeAgent({ settings, connect: () => Promise.resolve(pool), logger: rootLogger(logs, 'DEBUG'), env: { ...process.env, FLINK_TS_FIXTURE_BEHAVIOUR: 'run' }, mainOverride: { taskmanager: FIXTURE }, inboxWaitMs: 50 });
    await agent.start();
  });
  afterEach(async () => {
    pool.reachable = true;
    await agent.shutdown();
    rmSync(workDir, { recursive: true, force: true });
  });

  const log = (): string => logs.lines.join('');

  /** Waits for the start report and for the container's entrypoint to run (a SIGTERM before that kills it unhandled). */
  async function running(containerId: string): Promise<{ pid: number }> {
    const started = await waitFor('the start report', () => pool.calls.started.find((s) => s.containerId === containerId));
    const logFile = join(workDir, 'containers', containerId, 'log', 'taskmanager.log');
    await waitFor('the container to run', () => existsSync(logFile) && readFileSync(logFile, 'utf8').includes('fixture: started'));
    return started;
  }

  test('registers its host with its capacity, labels and log endpoint', () => {
    assert.equal(pool.calls.registered.length, 1);
    const [registration] = pool.calls.registered;
    assert.deepEqual({ ...registration, agentRestAddress: undefined }, { hostId: '127.0.0.1', address: '127.0.0.1', slots: 4, memoryBytes: 8 * 2 ** 30, labels: ['ssd'], agentRestAddress: undefined });
    assert.match(registration?.agentRestAddress ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(registration?.agentRestAddress, agent.restAddress);
  });

  test('launches a container the heartbeat lists, reports its pid, and kills it once it is no longer listed', async () => {
    pool.specs.set(cid(1), spec(cid(1)));
    pool.wanted.add(cid(1));
    const started = await running(cid(1));
    assert.ok(!isGone(started.pid));
    assert.ok(existsSync(join(workDir, 'containers', cid(1), 'conf', 'config.yaml')));
    pool.wanted.delete(cid(1));
    const exited = await waitFor('the exit report', () => pool.calls.exited.find((e) => e.containerId === cid(1)));
    assert.equal(exited.exitCode, 0);
    assert.match(exited.diagnostics, /^The pool no longer lists it for this host \(released, or its application ended\)\. The process exited with code 0\.\nLast lines of .*taskmanager\.log:/);
    assert.ok(isGone(started.pid));
    // Never started twice, even if a late heartbeat lists it again.
    pool.wanted.add(cid(1));
    await waitFor('two more heartbeats', () => logs.lines.length > 0);
    assert.equal(pool.calls.started.filter((s) => s.containerId === cid(1)).length, 1);
  });

  test('launches from the inbox, and kills on a kill command', async () => {
    pool.specs.set(cid(2), spec(cid(2)));
    pool.wanted.add(cid(2));
    pool.inbox.push({ kind: 'launch', containerId: cid(2) });
    await running(cid(2));
    pool.inbox.push({ kind: 'kill', containerId: cid(2) });
    const exited = await waitFor('the exit report', () => pool.calls.exited.find((e) => e.containerId === cid(2)));
    assert.match(exited.diagnostics, /^Released by the pool\. The process exited with code 0\./);
  });

  test('a container the pool answers "no longer wanted" at its start is killed', async () => {
    pool.startAnswer = false;
    pool.specs.set(cid(3), spec(cid(3)));
    pool.wanted.add(cid(3));
    const exited = await waitFor('the exit report', () => pool.calls.exited.find((e) => e.containerId === cid(3)));
    assert.match(exited.diagnostics, /^The pool no longer wanted it when it started/);
  });

  test('a rejected spec is reported as the container\'s failure, naming the key, and nothing is started', async () => {
    pool.specs.set(cid(4), spec(cid(4), { 'launcher.ssh.user': 'root' }));
    pool.wanted.add(cid(4));
    const exited = await waitFor('the exit report', () => pool.calls.exited.find((e) => e.containerId === cid(4)));
    assert.equal(exited.exitCode, EXIT_LAUNCH_FAILED);
    assert.match(exited.diagnostics, /'launcher\.ssh\.user' is a launcher setting/);
    assert.equal(pool.calls.started.length, 0);
    assert.ok(!existsSync(join(workDir, 'containers', cid(4))));
  });

  test('Redis going away: containers keep running, reports wait, and everything resumes', async () => {
    pool.specs.set(cid(5), spec(cid(5)));
    pool.wanted.add(cid(5));
    const started = await running(cid(5));
    pool.reachable = false;
    await waitFor('the agent to notice', () => log().includes('Lost the connection to the pool'));
    assert.match(log(), /The 1 container\(s\) of this host keep running/);
    assert.ok(!isGone(started.pid));
    pool.reachable = true;
    await waitFor('the agent to resume', () => log().includes('The pool is reachable again'));
    assert.ok(!isGone(started.pid));
    assert.equal(pool.calls.exited.length, 0);
  });

  test('a host the pool lost: its containers are killed and it registers again', async () => {
    pool.specs.set(cid(6), spec(cid(6)));
    pool.wanted.add(cid(6));
    const started = await running(cid(6));
    pool.hostKnown = false;
    await waitFor('the second registration', () => pool.calls.registered.length === 2);
    assert.ok(isGone(started.pid));
    const exited = await waitFor('the exit report', () => pool.calls.exited.find((e) => e.containerId === cid(6)));
    assert.match(exited.diagnostics, /^The pool lost its host \(the host lease expired\)\./);
  });

  test('stop kills the containers, reports them and deregisters the host', async () => {
    pool.specs.set(cid(7), spec(cid(7)));
    pool.wanted.add(cid(7));
    const started = await running(cid(7));
    await agent.shutdown();
    assert.ok(isGone(started.pid));
    assert.deepEqual(pool.calls.exited.map((e) => [e.containerId, e.exitCode]), [[cid(7), 0]]);
    assert.match(pool.calls.exited[0]?.diagnostics ?? '', /^The agent stopped\./);
    assert.equal(pool.calls.deregistered, 1);
    const metadata = JSON.parse(readFileSync(join(workDir, 'containers', cid(7), 'container.json'), 'utf8')) as { state: string; exitCode: number };
    assert.deepEqual([metadata.state, metadata.exitCode], ['EXITED', 0]);
  });
});

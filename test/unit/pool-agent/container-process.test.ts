/**
 * Containers as real processes (the fixture daemon as their main): the directory layout and the
 * configuration the agent writes, exit codes, kill with and without a grace period, and a
 * container ending with its agent when the agent is killed with SIGKILL.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { containerConfiguration } from '../../../src/entrypoints/pool-agent/container-configuration.js';
import { containerPaths, prepareContainerDirectory } from '../../../src/entrypoints/pool-agent/container-directory.js';
import { ContainerProcess } from '../../../src/entrypoints/pool-agent/container-process.js';
import type { ValidatedLaunchSpec } from '../../../src/entrypoints/pool-agent/launch-spec-validation.js';
import { isContainerProcess } from '../../../src/entrypoints/pool-agent/leftover-containers.js';
import { isGone, waitFor } from '../../integration/entrypoints/daemon-harness.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/entrypoints/fixture-daemon.ts', import.meta.url));
const PARENT = fileURLToPath(new URL('../../fixtures/pool-agent/container-parent.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
let seq = 0;

function logHas(file: string, text: string): boolean {
  try {
    return readFileSync(file, 'utf8').includes(text);
  } catch {
    return false; // not written yet
  }
}

function spec(kind: 'jobmanager' | 'taskmanager', configuration: Record<string, string> = {}): ValidatedLaunchSpec {
  seq++;
  return {
    containerId: `container_1700000000000_0001_01_${String(seq).padStart(6, '0')}`,
    applicationId: 'application_1700000000000_0001',
    kind,
    slots: 1,
    memoryBytes: 1 << 30,
    configuration,
    artifactSha256: undefined,
  };
}

describe('container directories and processes', () => {
  let workDir = '';
  before(() => {
    workDir = mkdtempSync(join(tmpdir(), 'flink-ts-containers-'));
  });
  after(() => rmSync(workDir, { recursive: true, force: true }));

  function launch(behaviour: string): { process: ContainerProcess; logFile: string; outFile: string } {
    const s = spec('taskmanager');
    const paths = containerPaths(workDir, s.containerId);
    prepareContainerDirectory(paths, containerConfiguration(s, paths, '127.0.0.2', false), []);
    const process = ContainerProcess.spawn({ containerId: s.containerId, kind: 'taskmanager', paths, env: { ...globalThis.process.env, FLINK_TS_FIXTURE_BEHAVIOUR: behaviour }, mainOverride: { taskmanager: FIXTURE } });
    return { process, logFile: paths.logFile('taskmanager'), outFile: paths.outFile('taskmanager') };
  }

  test('a JobManager container: directories 0700, config.yaml 0600 with the agent\'s keys over the spec\'s', () => {
    const s = spec('jobmanager', { 'rest.port': '8081', 'rest.bind-port': '8081', 'env.log.dir': 'log', 'pipeline.name': 'wc' });
    const paths = containerPaths(workDir, s.containerId);
    prepareContainerDirectory(paths, containerConfiguration(s, paths, '127.0.0.2', true), ['header']);
    assert.equal(paths.dir, join(workDir, 'containers', s.containerId));
    for (const dir of [paths.dir, paths.conf, paths.log, paths.tmp]) assert.equal(statSync(dir).mode & 0o777, 0o700, dir);
    assert.equal(statSync(paths.configFile).mode & 0o777, 0o600);
    const written = parse(readFileSync(paths.configFile, 'utf8')) as Record<string, string>;
    assert.deepEqual(written, {
      '$internal.application.artifact': join(paths.dir, 'artifact', 'job.mjs'),
      '$internal.pool.container.id': s.containerId,
      '$internal.resourcemanager.driver': 'pool',
      'blob.server.port': '0',
      'env.log.dir': paths.log,
      'env.pid.dir': paths.dir,
      'io.tmp.dirs': paths.tmp,
      'jobmanager.bind-host': '127.0.0.2',
      'jobmanager.rpc.address': '127.0.0.2',
      'jobmanager.rpc.port': '0',
      'pipeline.name': 'wc',
      'pool.application.id': 'application_1700000000000_0001',
      'rest.address': '127.0.0.2',
      'rest.bind-address': '127.0.0.2',
      'rest.port': '0',
    });
  });

  test('a TaskManager container binds and advertises the host, on free ports', () => {
    const s = spec('taskmanager', { 'taskmanager.rpc.port': '6122', 'jobmanager.rpc.address': '10.0.0.1' });
    const paths = containerPaths(workDir, s.containerId);
    const configuration = containerConfiguration(s, paths, '127.0.0.3', false);
    assert.equal(configuration['taskmanager.host'], '127.0.0.3');
    assert.equal(configuration['taskmanager.bind-host'], '127.0.0.3');
    assert.equal(configuration['taskmanager.rpc.port'], '0');
    assert.equal(configuration['taskmanager.data.port'], '0');
    assert.equal(configuration['jobmanager.rpc.address'], '10.0.0.1');
    assert.equal(configuration['$internal.resourcemanager.driver'], undefined);
  });

  test('the process\'s exit code is reported, with its log and .out in the container\'s log dir', async () => {
    const { process, logFile, outFile } = launch('terminate-2');
    assert.deepEqual(await process.exited, { exitCode: 2, signal: null });
    assert.match(readFileSync(logFile, 'utf8'), /fixture: lost the leadership for good/);
    assert.match(readFileSync(outFile, 'utf8'), /terminated with a runtime failure/);
  });

  test('a start failure exits 1', async () => {
    const { process } = launch('fail-start');
    assert.deepEqual(await process.exited, { exitCode: 1, signal: null });
  });

  test('kill sends SIGTERM: the entrypoint shuts down and exits 0', async () => {
    const { process, logFile } = launch('run');
    await waitFor('the fixture to start', () => logHas(logFile, 'fixture: started'));
    assert.deepEqual(await process.kill(10_000), { exitCode: 0, signal: null });
    assert.match(readFileSync(logFile, 'utf8'), /fixture: shut down/);
  });

  test('kill escalates to SIGKILL after the grace period: exit code 137', async () => {
    const { process, logFile } = launch('hang-shutdown');
    await waitFor('the fixture to start', () => logHas(logFile, 'fixture: started'));
    assert.deepEqual(await process.kill(300), { exitCode: 137, signal: 'SIGKILL' });
  });

  test('a container ends when its agent is killed with SIGKILL', async () => {
    const parent = spawn(globalThis.process.execPath, ['--import', TSX, PARENT, workDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    parent.stdout.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    const pid = await waitFor('the container pid', () => (/^\d+\n/.test(text) ? Number(text.trim()) : undefined));
    const containerId = 'container_1700000000000_0001_01_000009';
    const logFile = join(containerPaths(workDir, containerId).log, 'taskmanager.log');
    await waitFor('the container to start', () => logHas(logFile, 'fixture: started'));
    assert.ok(isContainerProcess(pid, containerId), 'its command line names the container');
    parent.kill('SIGKILL');
    await waitFor('the container to end with its agent', () => isGone(pid), 20_000);
    assert.match(readFileSync(logFile, 'utf8'), /fixture: shut down/);
  });
});

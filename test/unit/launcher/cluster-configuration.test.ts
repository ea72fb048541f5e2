import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Configuration, loadConfiguration } from '../../../src/config/index.js';
import { HOST_KEYS_KEY } from '../../../src/launcher/agent/agent-protocol.js';
import { renderConfigYaml } from '../../../src/launcher/agent/config-yaml.js';
import { clusterConfiguration, clusterConfigurationMap, clusterIdOf, hostDirName, taskManagerHostProperties } from '../../../src/launcher/remote-configuration.js';
import { summaryTable } from '../../../src/launcher/summary-table.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'flink-ts-launcher-conf-'));
  dirs.push(dir);
  return dir;
}

describe("the cluster's configuration", () => {
  test('puts the JobManager at the master, with its web UI port, and defaults bind addresses to it', () => {
    const dir = tempDir();
    const configuration = clusterConfiguration(Configuration.fromMap({ 'jobmanager.rpc.address': 'elsewhere', 'rest.bind-address': '0.0.0.0' }), { host: 'jm1', webUiPort: 8082 }, dir);
    const map = configuration.toMap();
    assert.equal(map['jobmanager.rpc.address'], 'jm1');
    assert.equal(map['rest.port'], '8082');
    assert.equal(map['rest.address'], 'jm1');
    assert.equal(map['jobmanager.bind-host'], 'jm1');
    // What the user set explicitly stays.
    assert.equal(map['rest.bind-address'], '0.0.0.0');
    assert.equal(map['high-availability.cluster-id'], '/default');
  });

  test('resolves the cluster secret once, in the launcher conf dir, so that every host gets the same', () => {
    const dir = tempDir();
    const first = clusterConfiguration(Configuration.empty(), { host: 'jm1' }, dir).toMap()['security.cluster-secret'];
    const second = clusterConfiguration(Configuration.empty(), { host: 'jm1' }, dir).toMap()['security.cluster-secret'];
    assert.match(first ?? '', /^[0-9a-f]{64}$/);
    assert.equal(second, first);
    assert.equal(statSync(join(dir, '.cluster-secret')).mode & 0o777, 0o600);
    const configured = clusterConfiguration(Configuration.fromMap({ 'security.cluster-secret': 'mine' }), { host: 'jm1' }, tempDir());
    assert.equal(configured.toMap()['security.cluster-secret'], 'mine');
  });

  test('leaves out process-internal keys and the directories a host file was written with', () => {
    const read = Configuration.fromMap({
      'env.pid.dir': '/h/pid',
      'env.log.dir': '/h/log',
      'env.log.level': 'DEBUG',
      '$internal.deployment.config-dir': '/h/conf',
      [HOST_KEYS_KEY]: 'env.pid.dir,env.log.dir',
    });
    assert.deepEqual(clusterConfigurationMap(read), { 'env.log.level': 'DEBUG' });
  });

  test('places TaskManagers on their host unless taskmanager.host / bind-host are set', () => {
    assert.deepEqual(taskManagerHostProperties(Configuration.empty(), { host: '127.0.0.3', port: 22 }), ['taskmanager.host=127.0.0.3', 'taskmanager.bind-host=127.0.0.3']);
    assert.deepEqual(taskManagerHostProperties(Configuration.fromMap({ 'taskmanager.bind-host': '0.0.0.0' }), { host: 'w1' }), ['taskmanager.host=w1']);
  });

  test('names cluster and host directories safely', () => {
    assert.equal(clusterIdOf(Configuration.empty()), 'default');
    assert.equal(clusterIdOf(Configuration.fromMap({ 'high-availability.cluster-id': '/prod/cluster 1/' })), 'prod_cluster_1');
    assert.equal(clusterIdOf(Configuration.fromMap({ 'high-availability.cluster-id': '/../x' })), '__x');
    assert.equal(hostDirName({ host: 'fe80::1' }), 'fe80__1');
  });

  test('is written as YAML that loads back into the same configuration', () => {
    const dir = tempDir();
    const configuration = Configuration.fromMap({
      'jobmanager.rpc.port': 6123,
      'io.tmp.dirs': '/a;/b',
      'heartbeat.interval': '1 s',
      'taskmanager.memory.process.size': '1g',
      'pipeline.global-job-parameters.weird': "a: b # c 'd' \"e\"\nf",
      'launcher.ship-distribution': true,
    });
    const map = clusterConfigurationMap(configuration);
    writeFileSync(join(dir, 'config.yaml'), renderConfigYaml(map, ['a header']));
    assert.match(readFileSync(join(dir, 'config.yaml'), 'utf8'), /^# a header\n/);
    assert.deepEqual(loadConfiguration({ confDir: dir, env: {} }).toMap(), configuration.toMap());
  });
});

describe('the summary table', () => {
  test('pads columns and shows a missing pid as -', () => {
    assert.deepEqual(
      summaryTable([
        { host: '127.0.0.2', role: 'jobmanager', pid: 4242, result: 'started' },
        { host: 'flink@worker-with-a-long-name:2222', role: 'taskmanager', result: 'failed: Could not connect' },
      ]),
      [
        'HOST                                ROLE         PID   RESULT',
        '127.0.0.2                           jobmanager   4242  started',
        'flink@worker-with-a-long-name:2222  taskmanager  -     failed: Could not connect',
      ],
    );
  });
});

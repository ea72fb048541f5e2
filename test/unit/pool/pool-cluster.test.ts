import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Configuration } from '../../../src/config/index.js';
import { applicationConfiguration, poolShutdownLines } from '../../../src/client/pool/pool-cluster.js';

test("an application's configuration is the client's, without what describes the client's call or machine", () => {
  const client = Configuration.fromMap({
    'parallelism.default': '4',
    'pool.redis-url': 'redis://10.0.0.5:6379',
    'execution.target': 'pool-per-job',
    'execution.attached': 'true',
    'rest.address': 'localhost',
    'rest.port': '8081',
    'pool.application.id': 'application_1_0001',
    'env.pid.dir': '/home/me/pid',
    'env.log.dir': '/home/me/log',
    'io.tmp.dirs': '/home/me/tmp',
    '$internal.deployment.config-dir': '/home/me/conf',
  });
  assert.deepEqual(applicationConfiguration(client, { '$internal.application.args': '["a"]' }), {
    'parallelism.default': '4',
    'pool.redis-url': 'redis://10.0.0.5:6379',
    '$internal.application.args': '["a"]',
  });
});

test('shutdown lines: where the logs are when released, what is left and how to check otherwise', () => {
  assert.deepEqual(poolShutdownLines({ ok: true, applicationId: 'application_1_0002', state: 'FINISHED', stillRunning: [] }, 'per-job cluster'), {
    ok: true,
    out: ["Released the per-job cluster 'application_1_0002' (FINISHED); its logs: flink-ts logs application_1_0002"],
    err: [],
  });
  assert.deepEqual(poolShutdownLines({ ok: false, applicationId: 'application_1_0003', state: 'KILLED', stillRunning: ['container_1_0003_01_000002 on h1 (pid 42)'] }, 'session cluster'), {
    ok: false,
    out: [],
    err: [
      "The session cluster 'application_1_0003' was not released cleanly:",
      '  container_1_0003_01_000002 on h1 (pid 42)',
      'Its agents kill what is left when its leases expire; check with: flink-ts pool apps -a',
    ],
  });
});

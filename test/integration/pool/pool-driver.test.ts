/**
 * The pool ResourceManager driver against a real Redis, with the test playing the hosts (their
 * heartbeats) and the ResourceManager (the event handler): TaskManager containers requested and
 * handed out in order, a lost host's container reported terminated, releases, deregistration,
 * and an application ended from outside.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Configuration } from '../../../src/config/index.js';
import { rootLogger } from '../../../src/core/logger.js';
import type { PoolWorker } from '../../../src/resourcemanager/pool/pool-resource-manager-driver.js';
import { PoolResourceManagerDriver } from '../../../src/resourcemanager/pool/pool-resource-manager-driver.js';
import { ResourcePool } from '../../../src/resourcemanager/pool/resource-pool.js';
import type { RedisServer } from '../../support/redis.js';
import { startRedis } from '../../support/redis.js';
import { eventually } from '../../support/eventually.js';

const GB = 1024 ** 3;
let redis: RedisServer;
let pool: ResourcePool;
const silent = rootLogger({ write: () => undefined }, 'ERROR');

before(async () => {
  redis = await startRedis();
  pool = await ResourcePool.connect(Configuration.fromMap({ 'pool.redis-url': redis.url, 'pool.lease.ttl': '400 ms' }), { mode: 'service' });
});
after(async () => {
  await pool.close();
  await redis.destroy();
});

test('the pool driver: requests, a lost host, releases, deregistration and an application ended from outside', async () => {
  await pool.registerHost({ hostId: 'h1', address: '10.0.0.1', slots: 2, memoryBytes: 8 * GB, labels: [], agentRestAddress: '' });
  await pool.registerHost({ hostId: 'h2', address: '10.0.0.2', slots: 1, memoryBytes: 8 * GB, labels: [], agentRestAddress: '' });
  const applicationId = await pool.submitApplication({ name: 'driver', user: 'test', queue: 'default', type: 'session', configuration: {}, clientLease: false });
  const terminated: string[] = [];
  const ended: string[] = [];
  let alive = new Set(['h1', 'h2']);
  // The hosts that are alive heartbeat; one that stops is lost when its lease expires.
  const beating = setInterval(() => {
    for (const host of alive) void pool.heartbeatHost(host).catch(() => undefined);
  }, 50);
  const driver = new PoolResourceManagerDriver(
    () => ResourcePool.connect(Configuration.fromMap({ 'pool.redis-url': redis.url, 'pool.lease.ttl': '400 ms' }), { mode: 'service' }),
    { applicationId, heartbeatIntervalMs: 50, pendingIntervalMs: 20, taskManagerProperties: () => ({ 'jobmanager.rpc.port': '6123' }), onApplicationEnded: (why) => ended.push(why) },
    silent,
  );
  try {
    await driver.initialize({ onPreviousAttemptWorkersRecovered: () => undefined, onWorkerTerminated: (id, why) => terminated.push(`${id}: ${why}`), onError: () => undefined });
    await driver.registerApplicationMaster('http://10.0.0.1:8081');
    assert.deepEqual([(await pool.application(applicationId))?.state, (await pool.application(applicationId))?.restAddress], ['RUNNING', 'http://10.0.0.1:8081']);

    const workers: PoolWorker[] = await Promise.all([driver.requestResource({ numberOfSlots: 1, memoryBytes: GB }), driver.requestResource({ numberOfSlots: 1, memoryBytes: GB })]);
    assert.equal(new Set(workers.map((w) => w.resourceId)).size, 2, 'each request gets a container of its own');
    const containers = await pool.containers(applicationId);
    for (const worker of workers) {
      const container = containers.find((c) => c.id === worker.containerId);
      assert.equal(container?.kind, 'taskmanager');
      assert.equal(worker.host, container?.hostAddress);
    }
    const launch = await pool.launchSpec(workers[0]?.containerId ?? '');
    assert.deepEqual(launch?.configuration, { 'jobmanager.rpc.port': '6123', 'taskmanager.numberOfTaskSlots': '1' });

    // h2's agent stops heartbeating: its container is LOST and reported terminated, once.
    const onH2 = workers.find((w) => w.host === '10.0.0.2');
    assert.ok(onH2 !== undefined, JSON.stringify(workers));
    alive = new Set(['h1']);
    await eventually(() => terminated.length > 0, 'the lost container to be reported', 5_000, 20);
    assert.deepEqual(terminated, [`${onH2.containerId}: container ${onH2.containerId} on h2 is LOST: Its host h2 stopped heartbeating (pool.lease.ttl).`]);

    // A release gives the capacity back at once and is not reported as a termination.
    const onH1 = workers.find((w) => w.host === '10.0.0.1') as PoolWorker;
    await driver.releaseResource(onH1);
    assert.equal((await pool.containers(applicationId)).find((c) => c.id === onH1.containerId)?.state, 'KILLED');
    assert.equal((await pool.status()).hosts.find((h) => h.id === 'h1')?.slotsFree, 2);

    // UNKNOWN (the JobManager's agent is gone) leaves the application to its lease.
    await driver.deregisterApplication('UNKNOWN', 'The agent of its host is gone.');
    assert.equal((await pool.application(applicationId))?.state, 'RUNNING');

    // Killed from outside: the driver says so once.
    await pool.finishApplication(applicationId, 'KILLED', 'Killed by test.');
    await eventually(() => ended.length > 0, 'the end to be noticed', 5_000, 20);
    assert.deepEqual(ended, [`The pool ended application ${applicationId} (KILLED: Killed by test.).`]);
    // Deregistering an ended application is no error.
    await driver.deregisterApplication('SUCCEEDED', 'done');
    assert.equal((await pool.application(applicationId))?.state, 'KILLED');
  } finally {
    clearInterval(beating);
    await driver.terminate();
  }
});

test('deregistration maps how the cluster ended to the application state', async () => {
  const states: string[] = [];
  for (const status of ['SUCCEEDED', 'FAILED', 'CANCELED'] as const) {
    const applicationId = await pool.submitApplication({ name: status, user: 'test', queue: 'default', type: 'per-job', configuration: {}, clientLease: true });
    const driver = new PoolResourceManagerDriver(() => ResourcePool.connect(Configuration.fromMap({ 'pool.redis-url': redis.url }), { mode: 'service' }), { applicationId, heartbeatIntervalMs: 1000, pendingIntervalMs: 100, taskManagerProperties: () => ({}), onApplicationEnded: () => undefined }, silent);
    await driver.initialize({ onPreviousAttemptWorkersRecovered: () => undefined, onWorkerTerminated: () => undefined, onError: () => undefined });
    await driver.deregisterApplication(status, `${status} by test`);
    await driver.terminate();
    const application = await pool.application(applicationId);
    states.push(`${application?.state ?? '?'} ${application?.diagnostics ?? ''}`);
  }
  assert.deepEqual(states, ['FINISHED SUCCEEDED by test', 'FAILED FAILED by test', 'KILLED CANCELED by test']);
});

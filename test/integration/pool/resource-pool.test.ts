/**
 * The pool's Lua scripts against a real redis-server: placement, concurrent requests that must
 * never over-allocate, fair shares between queues, leases that expire, and a Redis restart
 * that must not expire anyone's lease.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { Configuration } from '../../../src/config/index.js';
import type { ContainerRequest, HostRegistration } from '../../../src/resourcemanager/pool/pool-model.js';
import { PoolError } from '../../../src/resourcemanager/pool/pool-errors.js';
import { ResourcePool } from '../../../src/resourcemanager/pool/resource-pool.js';
import type { RedisServer } from '../../support/redis.js';
import { startRedis } from '../../support/redis.js';
import { eventually } from '../../support/eventually.js';

const GB = 1024 ** 3;

describe('ResourcePool on a real Redis', () => {
  let redis: RedisServer;
  let poolCounter = 0;
  let poolName = '';
  const pools: ResourcePool[] = [];

  const connect = async (extra: Record<string, string> = {}): Promise<ResourcePool> => {
    const pool = await ResourcePool.connect(Configuration.fromMap({ 'pool.redis-url': redis.url, 'pool.name': poolName, ...extra }), { mode: 'service' });
    pools.push(pool);
    return pool;
  };
  const host = (id: string, slots: number, memoryGb: number, labels: string[] = []): HostRegistration => ({
    hostId: id,
    address: id,
    slots,
    memoryBytes: memoryGb * GB,
    labels,
    agentRestAddress: `http://${id}:1`,
  });
  const tm = (applicationId: string, slots = 1, memoryGb = 1): ContainerRequest => ({ applicationId, kind: 'taskmanager', slots, memoryBytes: memoryGb * GB, properties: {} });
  const submit = (pool: ResourcePool, queue = 'default', clientLease = true): Promise<string> =>
    pool.submitApplication({ name: 'test', user: 'tester', queue, type: 'per-job', configuration: { 'parallelism.default': '2' }, clientLease });

  before(async () => {
    redis = await startRedis();
  });
  beforeEach(() => {
    // Each test gets a pool of its own in the same Redis (pool.name), as teams sharing one Redis do.
    poolName = `t${++poolCounter}`;
  });
  after(async () => {
    await Promise.all(pools.map((p) => p.close()));
    await redis.destroy();
  });

  test('hosts register with their capacity; containers go to the host with the most free slots', async () => {
    const pool = await connect();
    await pool.registerHost(host('h1', 2, 4, ['ssd']));
    await pool.registerHost(host('h2', 4, 8));
    // Listening on the hosts' commands channels, as their agents do (nothing was said yet).
    assert.equal(await pool.nextHostCommand('h1', 1), undefined);
    assert.equal(await pool.nextHostCommand('h2', 1), undefined);
    const app = await submit(pool);
    assert.match(app, /^application_\d{13}_0001$/);
    await pool.requestContainers(tm(app), 3);
    const containers = await pool.containers(app);
    assert.equal(containers.length, 3);
    for (const c of containers) assert.match(c.id, /^container_\d{13}_0001_01_\d{6}$/);
    // h2 has 4 free slots, h1 2: h2, then h2 (3 vs 2), then either (2 vs 2; h2 has more memory).
    assert.deepEqual(containers.map((c) => c.hostId).sort(), ['h2', 'h2', 'h2']);
    const status = await pool.status();
    assert.deepEqual(
      status.hosts.map((h) => [h.id, h.state, h.slotsTotal, h.slotsFree, h.memoryFree / GB, h.labels]),
      [
        ['h1', 'RUNNING', 2, 2, 4, ['ssd']],
        ['h2', 'RUNNING', 4, 1, 5, []],
      ],
    );
    assert.deepEqual(await pool.heartbeatHost('h2').then((ids) => ids.sort()), containers.map((c) => c.id).sort());
    const commands = [await pool.nextHostCommand('h2', 100), await pool.nextHostCommand('h2', 100), await pool.nextHostCommand('h2', 100)];
    assert.deepEqual(commands.map((c) => c?.kind), ['launch', 'launch', 'launch']);
    assert.equal(await pool.nextHostCommand('h1', 50), undefined);
  });

  test('a JobManager container takes memory and no slot, and gives it back', async () => {
    const pool = await connect();
    await pool.registerHost(host('h1', 2, 4));
    const app = await submit(pool);
    await pool.requestContainers({ applicationId: app, kind: 'jobmanager', slots: 0, memoryBytes: GB, properties: {} }, 1);
    const [jobManager] = await pool.containers(app);
    assert.deepEqual([jobManager?.kind, jobManager?.state, jobManager?.slots], ['jobmanager', 'ALLOCATED', 0]);
    assert.deepEqual((await pool.status()).hosts.map((h) => [h.slotsFree, h.memoryFree / GB]), [[2, 3]]);
    await pool.finishApplication(app, 'FINISHED', '');
    assert.deepEqual((await pool.status()).hosts.map((h) => [h.slotsFree, h.memoryFree / GB]), [[2, 4]]);
    assert.deepEqual((await pool.status()).queues.map((q) => [q.usedMemory, q.usedSlots, q.runningContainers]), [[0, 0, 0]]);
  });

  test('a request that does not fit waits, and is placed when a release frees room', async () => {
    const pool = await connect();
    await pool.registerHost(host('h1', 2, 4));
    const app = await submit(pool);
    await pool.requestContainers(tm(app), 3);
    let containers = await pool.containers(app);
    assert.equal(containers.length, 2);
    assert.equal((await pool.status()).queues[0]?.pendingRequests, 1);
    await pool.releaseContainer(app, containers[0]?.id ?? '', 'not needed');
    containers = await pool.containers(app);
    assert.deepEqual(containers.map((c) => c.state).sort(), ['ALLOCATED', 'ALLOCATED', 'KILLED']);
    assert.equal((await pool.status()).queues[0]?.pendingRequests, 0);
    assert.equal((await pool.status()).hosts[0]?.slotsFree, 0);
  });

  test('concurrent requests from many clients never allocate more than the pool has', async () => {
    const clients = await Promise.all(Array.from({ length: 6 }, () => connect()));
    await clients[0]?.registerHost(host('h1', 10, 64));
    await clients[0]?.registerHost(host('h2', 7, 64));
    const apps = await Promise.all(clients.map((c) => submit(c)));
    await Promise.all(clients.flatMap((c, i) => Array.from({ length: 8 }, () => c.requestContainers(tm(apps[i] ?? ''), 1))));
    const first = clients[0] as ResourcePool;
    const all = (await Promise.all(apps.map((a) => first.containers(a)))).flat();
    assert.equal(all.length, 17);
    const perHost = new Map<string, number>();
    for (const c of all) perHost.set(c.hostId, (perHost.get(c.hostId) ?? 0) + c.slots);
    assert.deepEqual([...perHost.entries()].sort(), [['h1', 10], ['h2', 7]]);
    const status = await clients[0]?.status();
    assert.deepEqual(status?.hosts.map((h) => h.slotsFree), [0, 0]);
    assert.equal(status?.queues[0]?.pendingRequests, 6 * 8 - 17);
  });

  test('two queues with equal shares split a full pool evenly; a queue never exceeds its maximum', async () => {
    const pool = await connect();
    await pool.setQueues([
      { name: 'etl', capacity: 50, maximumCapacity: 100 },
      { name: 'adhoc', capacity: 50, maximumCapacity: 100 },
    ]);
    await pool.registerHost(host('h1', 100, 10));
    const etl = await submit(pool, 'etl');
    const adhoc = await submit(pool, 'adhoc');
    // Both ask for far more than the pool has, etl first: the scheduler alternates by share.
    await pool.requestContainers(tm(etl), 10);
    await pool.requestContainers(tm(adhoc), 10);
    // etl took the whole pool while it was alone; adhoc gets what etl releases.
    assert.equal((await pool.containers(etl)).length, 10);
    for (const c of (await pool.containers(etl)).slice(0, 6)) await pool.releaseContainer(etl, c.id, 'done');
    const running = async (app: string): Promise<number> => (await pool.containers(app)).filter((c) => c.state === 'ALLOCATED').length;
    // 6 freed: adhoc is below its share and gets all of them... up to half the pool.
    assert.equal(await running(adhoc), 6);
    assert.equal(await running(etl), 4);

    await pool.setQueues([
      { name: 'etl', capacity: 30, maximumCapacity: 40 },
      { name: 'adhoc', capacity: 70, maximumCapacity: 100 },
    ]);
    const capped = await submit(pool, 'etl');
    await pool.finishApplication(adhoc, 'FINISHED', '');
    await pool.finishApplication(etl, 'FINISHED', '');
    await pool.requestContainers(tm(capped), 10);
    // 40 % of 10 GB: 4 containers of 1 GB, though the pool is empty.
    assert.equal(await running(capped), 4);
    const etlQueue = (await pool.status()).queues.find((q) => q.name === 'etl');
    assert.deepEqual([etlQueue?.usedMemory, etlQueue?.pendingRequests], [4 * GB, 6]);
  });

  test('the scheduler serves the queue furthest below its share first', async () => {
    const pool = await connect();
    await pool.setQueues([
      { name: 'a', capacity: 50, maximumCapacity: 100 },
      { name: 'b', capacity: 50, maximumCapacity: 100 },
    ]);
    await pool.registerHost(host('h1', 8, 8));
    const holder = await submit(pool, 'a');
    await pool.requestContainers(tm(holder, 1, 8), 1);
    const a = await submit(pool, 'a');
    const b = await submit(pool, 'b');
    await pool.requestContainers(tm(a), 8);
    await pool.requestContainers(tm(b), 8);
    assert.equal((await pool.containers(a)).length, 0);
    // The pool frees up at once: b (using nothing) and a (using its holder's 8 GB, then less) share it.
    await pool.finishApplication(holder, 'FINISHED', '');
    assert.deepEqual([(await pool.containers(a)).length, (await pool.containers(b)).length], [4, 4]);
  });

  test('a client that stops heartbeating loses its application: containers killed, capacity back', async () => {
    const pool = await connect({ 'pool.lease.ttl': '300 ms' });
    await pool.registerHost(host('h1', 4, 8));
    assert.equal(await pool.nextHostCommand('h1', 1), undefined);
    const app = await submit(pool);
    await pool.requestContainers(tm(app), 2);
    assert.equal((await pool.status()).hosts[0]?.slotsFree, 2);
    // The host keeps heartbeating; the client does not.
    await eventually(async () => {
      await pool.heartbeatHost('h1');
      return (await pool.application(app))?.state === 'KILLED';
    }, 'the application to be killed', 5_000, 50);
    const application = await pool.application(app);
    assert.equal(application?.diagnostics, 'The client that owned it stopped heartbeating (pool.lease.ttl).');
    assert.deepEqual((await pool.containers(app)).map((c) => c.state), ['KILLED', 'KILLED']);
    assert.equal((await pool.status()).hosts[0]?.slotsFree, 4);
    assert.deepEqual(await pool.heartbeatHost('h1'), []);
    const kills = [];
    for (;;) {
      const command = await pool.nextHostCommand('h1', 50);
      if (command === undefined) break;
      if (command.kind === 'kill') kills.push(command.containerId);
    }
    assert.equal(kills.length, 2);
    await assert.rejects(pool.heartbeatApplication(app, 'client'), (e: unknown) => e instanceof PoolError && e.poolCode === 'APPLICATION_ENDED');
  });

  test('a host that stops heartbeating is LOST with its containers; the JobManager sees them LOST', async () => {
    const pool = await connect({ 'pool.lease.ttl': '300 ms' });
    await pool.registerHost(host('h1', 2, 8));
    await pool.registerHost(host('h2', 2, 8));
    const app = await submit(pool);
    await pool.registerApplicationMaster(app, 'http://h1:8081');
    await pool.requestContainers(tm(app), 4);
    await eventually(async () => {
      await pool.heartbeatHost('h1');
      const { containers } = await pool.heartbeatApplication(app, 'am');
      await pool.heartbeatApplication(app, 'client');
      return containers.filter((c) => c.state === 'LOST').length === 2;
    }, 'h2 to be lost', 5_000, 50);
    const status = await pool.status();
    assert.deepEqual(status.hosts.map((h) => [h.id, h.state]), [['h1', 'RUNNING'], ['h2', 'LOST']]);
    const lost = (await pool.containers(app)).filter((c) => c.state === 'LOST');
    assert.deepEqual(lost.map((c) => [c.hostId, c.diagnostics]), [
      ['h2', 'Its host h2 stopped heartbeating (pool.lease.ttl).'],
      ['h2', 'Its host h2 stopped heartbeating (pool.lease.ttl).'],
    ]);
    await assert.rejects(pool.heartbeatHost('h2'), (e: unknown) => e instanceof PoolError && e.poolCode === 'HOST_UNKNOWN');
    // The agent comes back: the host is empty again, and takes new containers.
    await pool.registerHost(host('h2', 2, 8));
    await pool.requestContainers(tm(app), 2);
    assert.equal((await pool.containers(app)).filter((c) => c.state === 'ALLOCATED' && c.hostId === 'h2').length, 2);
  });

  test('Redis restarted: state survives, and no lease expires for the time Redis was down', async () => {
    const pool = await connect({ 'pool.lease.ttl': '1 s' });
    await pool.registerHost(host('h1', 2, 8));
    const app = await submit(pool);
    await pool.requestContainers(tm(app), 1);
    await redis.stop();
    // Down for longer than the TTL: without the restart rule every lease would expire.
    const downUntil = Date.now() + 1_500;
    await eventually(() => Date.now() > downUntil, 'Redis to have been down for 1.5 s', 3_000, 100);
    await redis.start();
    // The service connection reconnects by itself; the first call after the restart keeps the leases.
    assert.deepEqual((await pool.heartbeatHost('h1')).length, 1);
    assert.equal((await pool.heartbeatApplication(app, 'client')).application.state, 'ACCEPTED');
    assert.equal((await pool.status()).hosts[0]?.state, 'RUNNING');
  });

  test('bad input: unknown queue, unknown or ended application, invalid queues, unreachable Redis', async () => {
    const pool = await connect();
    await assert.rejects(submit(pool, 'nope'), /The pool has no queue 'nope': see `flink-ts pool status` for its queues, or choose one with -qu\./);
    await assert.rejects(pool.requestContainers(tm('application_1_0042'), 1), /The pool has no application 'application_1_0042': see `flink-ts pool apps -a`\./);
    const app = await submit(pool);
    await pool.finishApplication(app, 'KILLED', 'by test');
    await assert.rejects(pool.requestContainers(tm(app), 1), (e: unknown) => e instanceof PoolError && e.poolCode === 'APPLICATION_ENDED');
    await assert.rejects(pool.setQueues([{ name: 'a', capacity: 60, maximumCapacity: 100 }]), /capacities must add up to 100/);
    await assert.rejects(pool.setQueues([{ name: 'a', capacity: 100, maximumCapacity: 50 }]), /maximum-capacity must be between its capacity and 100/);
    await assert.rejects(
      ResourcePool.connect(Configuration.fromMap({ 'pool.redis-url': 'redis://:secret@127.0.0.1:1' })),
      /^PoolError: Could not reach the pool's Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1 \(.*\)\. Start it, or point pool\.redis-url at it\.$/,
    );
    await assert.rejects(ResourcePool.connect(Configuration.fromMap({ 'pool.redis-url': 'http://x' })), /pool\.redis-url 'http:\/\/x\/?' is not a Redis URL/);
    await assert.rejects(ResourcePool.connect(Configuration.fromMap({ 'pool.redis-url': redis.url, 'pool.name': 'a b' })), /Invalid pool\.name 'a b'/);
  });

  test('a password-protected Redis: the right password works, a wrong one is refused clearly', async () => {
    const admin = new Redis(redis.port, '127.0.0.1');
    await admin.config('SET', 'requirepass', 's3cret');
    try {
      const pool = await connect({ 'pool.redis-password': 's3cret' });
      await pool.registerHost(host('h1', 1, 1));
      assert.equal((await pool.status()).hosts.length, 1);
      await assert.rejects(
        ResourcePool.connect(Configuration.fromMap({ 'pool.redis-url': redis.url, 'pool.redis-password': 'wrong' })),
        /Could not reach the pool's Redis at redis:\/\/127\.0\.0\.1:\d+ \(.*(WRONGPASS|invalid).*\)/,
      );
    } finally {
      await admin.auth('s3cret');
      await admin.config('SET', 'requirepass', '');
      await admin.quit();
    }
  });

  test('launch specs carry the configuration with the container properties over it; artifacts by hash', async () => {
    const pool = await connect();
    await pool.registerHost(host('h1', 2, 8));
    const sha = await pool.putArtifact(Buffer.from('export {};\n'));
    assert.match(sha, /^[0-9a-f]{64}$/);
    const app = await pool.submitApplication({ name: 'a', user: 'u', queue: 'default', type: 'application', configuration: { 'parallelism.default': '2', 'taskmanager.numberOfTaskSlots': '1' }, artifactSha256: sha, clientLease: true });
    await pool.requestContainers({ applicationId: app, kind: 'taskmanager', slots: 2, memoryBytes: GB, properties: { 'taskmanager.numberOfTaskSlots': '2' } }, 1);
    const [container] = await pool.containers(app);
    const spec = await pool.launchSpec(container?.id ?? '');
    assert.deepEqual(spec, {
      containerId: container?.id,
      applicationId: app,
      kind: 'taskmanager',
      slots: 2,
      memoryBytes: GB,
      configuration: { 'parallelism.default': '2', 'taskmanager.numberOfTaskSlots': '2' },
      artifactSha256: sha,
    });
    assert.equal((await pool.artifact(sha))?.toString(), 'export {};\n');
    assert.equal(await pool.launchSpec('container_0_0_01_000000'), undefined);
    assert.equal(await pool.containerStarted('h1', container?.id ?? '', 4242), true);
    assert.equal(await pool.containerStarted('h1', container?.id ?? '', 4242), false);
    await pool.containerExited('h1', container?.id ?? '', 1, 'boom');
    assert.deepEqual((await pool.containers(app)).map((c) => [c.state, c.pid, c.exitCode, c.diagnostics]), [['FAILED', 4242, 1, 'boom']]);
    assert.equal((await pool.status()).hosts[0]?.slotsFree, 2);
  });

  test('a TLS Redis (rediss://): reached with pool.redis-tls.ca-file; without the CA the certificate is refused clearly', async () => {
    const secure = await startRedis({ tls: true });
    try {
      const caFile = secure.tls?.caFile ?? '';
      const pool = await ResourcePool.connect(Configuration.fromMap({ 'pool.redis-url': secure.url, 'pool.redis-tls.ca-file': caFile }));
      try {
        await pool.registerHost(host('h1', 1, 1));
        assert.deepEqual((await pool.status()).hosts.map((h) => h.id), ['h1']);
      } finally {
        await pool.close();
      }
      await assert.rejects(
        ResourcePool.connect(Configuration.fromMap({ 'pool.redis-url': secure.url })),
        /Could not reach the pool's Redis at rediss:\/\/127\.0\.0\.1:\d+ \(.*(self[- ]signed|unable to verify|certificate).*\)/i,
      );
      await assert.rejects(
        ResourcePool.connect(Configuration.fromMap({ 'pool.redis-url': secure.url, 'pool.redis-tls.ca-file': '/nonexistent/ca.crt' })),
        /pool\.redis-tls\.ca-file '\/nonexistent\/ca\.crt' cannot be read/,
      );
    } finally {
      await secure.destroy();
    }
  });
});


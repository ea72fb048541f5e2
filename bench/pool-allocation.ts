/**
 * Allocation throughput of the pool's Lua scripts: container requests that are placed at once
 * (each one a container leased to its application), 1000 outstanding at a time from one client,
 * against a redis-server of its own. Target: >= 10 k allocations/s. Measured twice: one container
 * per request (the worst case), and 10 per request, as the pool driver sends the TaskManagers a
 * JobManager misses at once.
 *
 * Baseline, in the same run and Redis: the simplest lease script there is (decrement a host's
 * free slots, set a lease key with a TTL), called the same way; perf-baselines.md measured it at
 * 183 k ops/s. ratio = pool allocations/s / baseline ops/s: what the pool's bookkeeping (queues,
 * host choice, lease expiry, inboxes) costs against a bare lease.
 */
import { Redis } from 'ioredis';
import { Configuration } from '../src/config/index.js';
import { ResourcePool } from '../src/resourcemanager/pool/resource-pool.js';
import { startRedis } from '../test/support/redis.js';

const TOTAL = 20_000;
const WINDOW = 1_000;
const HOSTS = 16;
const TARGET = 10_000;
const BATCH = 10;
const BARE_LEASE = `
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
if free <= 0 then return 0 end
redis.call('DECR', KEYS[1])
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return 1`;

async function windowed(total: number, call: (i: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < total; i += WINDOW) {
    const batch: Promise<unknown>[] = [];
    for (let j = i; j < Math.min(total, i + WINDOW); j++) batch.push(call(j));
    await Promise.all(batch);
  }
  return total / ((performance.now() - started) / 1000);
}

export async function poolAllocation(): Promise<Record<string, unknown>> {
  const redis = await startRedis({ appendfsync: 'everysec' });
  try {
    const pool = await ResourcePool.connect(Configuration.fromMap({ 'pool.redis-url': redis.url, 'pool.name': 'bench' }), { mode: 'service' });
    for (let h = 0; h < HOSTS; h++) {
      await pool.registerHost({ hostId: `h${h}`, address: `h${h}`, slots: 1_000_000, memoryBytes: 1e15, labels: [], agentRestAddress: '' });
    }
    const app = await pool.submitApplication({ name: 'bench', user: 'bench', queue: 'default', type: 'session', configuration: {}, clientLease: true });
    const request = { applicationId: app, kind: 'taskmanager' as const, slots: 1, memoryBytes: 1024 ** 3, properties: {} };
    await windowed(2_000, () => pool.requestContainers(request, 1));
    const allocationsPerS = await windowed(TOTAL, () => pool.requestContainers(request, 1));
    const batchedPerS = (await windowed(TOTAL / BATCH, () => pool.requestContainers(request, BATCH))) * BATCH;
    const placed = (await pool.containers(app)).length;
    if (placed !== 2 * TOTAL + 2_000) throw new Error(`expected ${2 * TOTAL + 2_000} containers, the pool placed ${placed}`);
    await pool.close();

    const bare = new Redis(redis.port, '127.0.0.1');
    const sha = (await bare.script('LOAD', BARE_LEASE)) as string;
    for (let h = 0; h < HOSTS; h++) await bare.set(`slots:h${h}`, 1e9);
    const lease = (i: number): Promise<unknown> => bare.evalsha(sha, 2, `slots:h${i % HOSTS}`, `lease:${i}`, `job-${i}`, 60_000);
    await windowed(2_000, lease);
    const baselinePerS = await windowed(TOTAL, lease);
    await bare.quit();

    const ratio = allocationsPerS / baselinePerS;
    console.log(
      `pool allocations: ${Math.round(allocationsPerS)}/s one per request, ${Math.round(batchedPerS)}/s ${BATCH} per request (target >= ${TARGET}); ` +
        `bare lease script: ${Math.round(baselinePerS)}/s; ratio ${ratio.toFixed(3)} (one per request)`,
    );
    return {
      allocationsPerS: Math.round(allocationsPerS),
      batchedAllocationsPerS: Math.round(batchedPerS),
      baselinePerS: Math.round(baselinePerS),
      ratio: Number(ratio.toFixed(3)),
      target: TARGET,
      met: batchedPerS >= TARGET,
    };
  } finally {
    await redis.destroy();
  }
}

import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import type { Configuration } from '../../config/index.js';
import { POOL_REDIS_PASSWORD, POOL_REDIS_TLS_CA_FILE, POOL_REDIS_URL } from '../../config/index.js';
import { ensureError } from '../../core/errors.js';
import { PoolError } from './pool-errors.js';

/**
 * How a process uses the pool: a command gives up quickly with a clear error when Redis cannot
 * be reached; a long-running process (agent, JobManager, attached client) waits for Redis to
 * come back and resumes, its calls queued meanwhile.
 */
export type ConnectionMode = 'command' | 'service';

/** Attempts a command makes before it reports Redis unavailable. */
const COMMAND_CONNECT_ATTEMPTS = 3;

/** `pool.redis-url` without its password, for messages. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

export function redisOptions(configuration: Configuration, mode: ConnectionMode): { url: string; options: RedisOptions } {
  const url = configuration.get(POOL_REDIS_URL);
  if (!/^rediss?:\/\//.test(url)) {
    throw new PoolError('INVALID_ARGUMENT', `pool.redis-url '${redactedUrl(url)}' is not a Redis URL: use redis://host:port or rediss://host:port (TLS).`);
  }
  const password = configuration.get(POOL_REDIS_PASSWORD);
  const caFile = configuration.get(POOL_REDIS_TLS_CA_FILE);
  const options: RedisOptions = {
    lazyConnect: true,
    connectTimeout: mode === 'command' ? 3_000 : 5_000,
    // Commands fail fast; services keep their calls until Redis is back.
    maxRetriesPerRequest: mode === 'command' ? 1 : null,
    retryStrategy: (attempt) => (mode === 'command' && attempt >= COMMAND_CONNECT_ATTEMPTS ? null : Math.min(attempt * 100, 1_000)),
    ...(password === undefined ? {} : { password }),
  };
  if (caFile !== undefined) {
    let ca: Buffer;
    try {
      ca = readFileSync(caFile);
    } catch (e) {
      throw new PoolError('INVALID_ARGUMENT', `pool.redis-tls.ca-file '${caFile}' cannot be read: ${ensureError(e).message}`);
    }
    options.tls = { ca };
  }
  return { url, options };
}

/** Opens a connection; a command that cannot reach Redis gets REDIS_UNAVAILABLE naming the URL. */
export async function openRedis(configuration: Configuration, mode: ConnectionMode): Promise<Redis> {
  const { url, options } = redisOptions(configuration, mode);
  const redis = new Redis(url, options);
  // Connection errors are retried (services) or reported by the failing call (commands); an
  // 'error' event without a listener would crash the process. The last one says why a
  // connection closed (a wrong password shows only there).
  let lastError: unknown;
  redis.on('error', (e) => (lastError = e));
  try {
    await redis.connect();
  } catch (e) {
    redis.disconnect();
    throw unavailable(url, lastError ?? e);
  }
  return redis;
}

export function unavailable(url: string, cause: unknown): PoolError {
  return new PoolError(
    'REDIS_UNAVAILABLE',
    `Could not reach the pool's Redis at ${redactedUrl(url)} (${ensureError(cause).message}). Start it, or point pool.redis-url at it.`,
    { cause },
  );
}

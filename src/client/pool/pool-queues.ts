/**
 * Queue definitions (YARN capacity-scheduler style) from `conf/pool-queues.yaml`:
 *
 *     queues:
 *       etl:   { capacity: 60, maximum-capacity: 100 }
 *       adhoc: { capacity: 40, maximum-capacity: 50 }
 *
 * `capacity` is a queue's guaranteed share of the pool's memory in percent (the shares add up to
 * 100); `maximum-capacity` (default 100) caps what it may take when others leave room.
 * `flink-ts pool queues apply [file]` loads them into the pool, for everyone.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Configuration } from '../../config/index.js';
import type { QueueDefinition } from '../../resourcemanager/pool/pool-model.js';
import type { ClientOutput } from '../cli-output.js';
import { POOL_QUEUES_FILE, resolveConfDir } from '../../config/index.js';
import { FlinkTsError, ensureError } from '../../core/errors.js';
import { ResourcePool } from '../../resourcemanager/pool/resource-pool.js';
import { EXIT_OK, reportError } from '../client-errors.js';

const QUEUE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Parses a queues file. @throws FlinkTsError naming the file and what is wrong. */
export function parseQueues(text: string, file: string): QueueDefinition[] {
  const fail = (what: string): never => {
    throw new FlinkTsError('ERR_INVALID_ARGUMENT', `${file}: ${what}`);
  };
  let document: unknown;
  try {
    document = parse(text);
  } catch (e) {
    return fail(`not valid YAML (${ensureError(e).message}).`);
  }
  const queues = (document as { queues?: unknown } | null)?.queues;
  if (typeof queues !== 'object' || queues === null || Array.isArray(queues)) return fail("expected a map 'queues:' of queue name to { capacity, maximum-capacity }.");
  const definitions: QueueDefinition[] = [];
  for (const [name, raw] of Object.entries(queues as Record<string, unknown>)) {
    if (!QUEUE_NAME.test(name)) fail(`invalid queue name '${name}': use letters, digits, '.', '_' and '-'.`);
    const entry = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    for (const key of Object.keys(entry)) if (key !== 'capacity' && key !== 'maximum-capacity') fail(`queue '${name}': unknown key '${key}' (expected capacity, maximum-capacity).`);
    const capacity = entry.capacity;
    const maximum = entry['maximum-capacity'] ?? 100;
    if (typeof capacity !== 'number' || capacity < 0 || capacity > 100) fail(`queue '${name}': capacity must be a number of percent between 0 and 100.`);
    if (typeof maximum !== 'number' || maximum < (capacity as number) || maximum > 100) fail(`queue '${name}': maximum-capacity must be between its capacity and 100.`);
    definitions.push({ name, capacity: capacity as number, maximumCapacity: maximum as number });
  }
  if (definitions.length === 0) fail('no queues defined.');
  const sum = definitions.reduce((total, q) => total + q.capacity, 0);
  if (Math.abs(sum - 100) > 0.001) fail(`the capacities add up to ${sum}, not 100.`);
  return definitions;
}

/** `pool.queues-file`, else `pool-queues.yaml` in the conf dir. */
export function queuesFile(configuration: Configuration, env: NodeJS.ProcessEnv): string {
  return configuration.get(POOL_QUEUES_FILE) ?? join(resolveConfDir({ env }).dir, 'pool-queues.yaml');
}

export async function applyQueues(options: { configuration: Configuration; file: string; output: ClientOutput }): Promise<number> {
  let pool: ResourcePool | undefined;
  try {
    if (!existsSync(options.file)) throw new FlinkTsError('ERR_INVALID_ARGUMENT', `No queues file at ${options.file}: write one (see docs/deployment-pool.md) or name it with pool.queues-file.`);
    const queues = parseQueues(readFileSync(options.file, 'utf8'), options.file);
    pool = await ResourcePool.connect(options.configuration);
    await pool.setQueues(queues);
    options.output.out(`Applied ${queues.length} queue(s) to ${pool.describe()}: ${queues.map((q) => `${q.name} ${q.capacity}% (max ${q.maximumCapacity}%)`).join(', ')}.`);
    return EXIT_OK;
  } catch (error) {
    return reportError(error, options.output);
  } finally {
    await pool?.close();
  }
}

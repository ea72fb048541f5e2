/**
 * `flink-ts pool status` and `pool apps`: what the pool has and who uses it, as tables for people
 * and as JSON (`--json`) for scripts, with the field names of `yarn node -list` / `yarn
 * application -list` where they exist, in Flink's REST style (kebab-case).
 */
import type { Configuration } from '../../config/index.js';
import type { ApplicationStatus, PoolStatus } from '../../resourcemanager/pool/pool-model.js';
import type { ClientOutput } from '../cli-output.js';
import { formatMemorySize } from '../../config/index.js';
import { reportError, EXIT_OK } from '../client-errors.js';
import { ResourcePool } from '../../resourcemanager/pool/resource-pool.js';
import { formatTable } from './text-table.js';

export interface PoolViewOptions {
  readonly configuration: Configuration;
  readonly json: boolean;
  readonly output: ClientOutput;
}

export function statusJson(status: PoolStatus): unknown {
  return {
    hosts: status.hosts.map((h) => ({
      id: h.id,
      address: h.address,
      state: h.state,
      'slots-total': h.slotsTotal,
      'slots-free': h.slotsFree,
      'memory-total': h.memoryTotal,
      'memory-free': h.memoryFree,
      labels: h.labels,
      'agent-address': h.agentRestAddress,
      'last-heartbeat': h.lastHeartbeat,
    })),
    queues: status.queues.map((q) => ({
      name: q.name,
      capacity: q.capacity,
      'maximum-capacity': q.maximumCapacity,
      'used-memory': q.usedMemory,
      'used-slots': q.usedSlots,
      containers: q.runningContainers,
      'pending-requests': q.pendingRequests,
    })),
  };
}

export function applicationsJson(applications: readonly ApplicationStatus[]): unknown {
  return {
    applications: applications.map((a) => ({
      id: a.id,
      name: a.name,
      user: a.user,
      queue: a.queue,
      type: a.type,
      state: a.state,
      'rest-address': a.restAddress ?? null,
      diagnostics: a.diagnostics,
      'start-time': a.submittedAt,
      'end-time': a.finishedAt ?? null,
    })),
  };
}

async function withPool(options: PoolViewOptions, action: (pool: ResourcePool) => Promise<void>): Promise<number> {
  let pool: ResourcePool | undefined;
  try {
    pool = await ResourcePool.connect(options.configuration);
    await action(pool);
    return EXIT_OK;
  } catch (error) {
    return reportError(error, options.output);
  } finally {
    await pool?.close();
  }
}

export function showPoolStatus(options: PoolViewOptions): Promise<number> {
  return withPool(options, async (pool) => {
    const status = await pool.status();
    if (options.json) {
      options.output.out(JSON.stringify(statusJson(status), null, 2));
      return;
    }
    const running = status.hosts.filter((h) => h.state === 'RUNNING');
    options.output.out(`Pool ${pool.describe()}: ${running.length} host(s) running, ${running.reduce((n, h) => n + h.slotsFree, 0)} of ${running.reduce((n, h) => n + h.slotsTotal, 0)} slots free.`);
    options.output.out('');
    for (const line of formatTable(
      ['HOST', 'ADDRESS', 'STATE', 'SLOTS FREE/TOTAL', 'MEMORY FREE/TOTAL', 'LABELS'],
      status.hosts.map((h) => [h.id, h.address, h.state, `${h.slotsFree}/${h.slotsTotal}`, `${formatMemorySize(h.memoryFree)}/${formatMemorySize(h.memoryTotal)}`, h.labels.join(',')]),
    )) {
      options.output.out(line);
    }
    options.output.out('');
    for (const line of formatTable(
      ['QUEUE', 'CAPACITY', 'MAX CAPACITY', 'USED MEMORY', 'USED SLOTS', 'CONTAINERS', 'PENDING'],
      status.queues.map((q) => [q.name, `${q.capacity}%`, `${q.maximumCapacity}%`, formatMemorySize(q.usedMemory), String(q.usedSlots), String(q.runningContainers), String(q.pendingRequests)]),
    )) {
      options.output.out(line);
    }
  });
}

export function showPoolApplications(options: PoolViewOptions & { readonly all: boolean }): Promise<number> {
  return withPool(options, async (pool) => {
    const applications = await pool.applications({ includeFinished: options.all });
    if (options.json) {
      options.output.out(JSON.stringify(applicationsJson(applications), null, 2));
      return;
    }
    if (applications.length === 0) {
      options.output.out(options.all ? 'The pool has no applications.' : 'No application is running (-a shows ended ones too).');
      return;
    }
    for (const line of formatTable(
      ['APPLICATION ID', 'NAME', 'TYPE', 'USER', 'QUEUE', 'STATE', 'REST ADDRESS'],
      applications.map((a) => [a.id, a.name, a.type, a.user, a.queue, a.state, a.restAddress ?? '-']),
    )) {
      options.output.out(line);
    }
  });
}

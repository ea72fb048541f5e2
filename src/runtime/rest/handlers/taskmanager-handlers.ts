/** TaskManager endpoints: list, details, log listing and log files. */
import type { MemoryComponent, ResourceProfile, TaskManagerDetail, TaskManagerSummary } from '../rest-cluster-facade.js';
import type { HandlerContext, HandlerRouter, RestRequest } from '../rest-handler.js';
import { taskManagerNotFound } from '../rest-errors.js';
import { jsonResponse, textResponse } from '../rest-handler.js';
import { checkLogFileName, logListJson } from './render.js';

const MEMORY_COMPONENTS: readonly MemoryComponent[] = [
  'frameworkHeap',
  'taskHeap',
  'frameworkOffHeap',
  'taskOffHeap',
  'networkMemory',
  'managedMemory',
  'jvmMetaspace',
  'jvmOverhead',
  'totalFlinkMemory',
  'totalProcessMemory',
];

/** Flink's TaskManagerMetricsInfo fields; missing values are reported as 0. */
const TASK_MANAGER_METRICS = [
  'heapUsed',
  'heapCommitted',
  'heapMax',
  'nonHeapUsed',
  'nonHeapCommitted',
  'nonHeapMax',
  'directCount',
  'directUsed',
  'directMax',
  'mappedCount',
  'mappedUsed',
  'mappedMax',
  'memorySegmentsAvailable',
  'memorySegmentsTotal',
  'nettyShuffleMemorySegmentsAvailable',
  'nettyShuffleMemorySegmentsUsed',
  'nettyShuffleMemorySegmentsTotal',
  'nettyShuffleMemoryAvailable',
  'nettyShuffleMemoryUsed',
  'nettyShuffleMemoryTotal',
] as const;

const NO_RESOURCES: ResourceProfile = { cpuCores: 0, taskHeapMemoryMb: 0, taskOffHeapMemoryMb: 0, managedMemoryMb: 0, networkMemoryMb: 0 };

export function registerTaskManagerHandlers(router: HandlerRouter, ctx: HandlerContext): void {
  const { facade } = ctx;
  const tmId = (request: RestRequest): string => request.params.taskmanagerid as string;

  router.add('GET', '/taskmanagers', async () => {
    const taskManagers = [...(await facade.listTaskManagers())].sort((a, b) => a.id.localeCompare(b.id));
    return jsonResponse({ taskmanagers: taskManagers.map(taskManagerJson) });
  });

  router.add('GET', '/taskmanagers/:taskmanagerid', async (request) => {
    const id = tmId(request);
    const tm = await facade.getTaskManagerDetails(id);
    if (tm === undefined) throw taskManagerNotFound(id);
    return jsonResponse(taskManagerDetailJson(tm));
  });

  router.add('GET', '/taskmanagers/:taskmanagerid/logs', async (request) => {
    const id = tmId(request);
    const logs = await facade.listTaskManagerLogs(id);
    if (logs === undefined) throw taskManagerNotFound(id);
    return jsonResponse(logListJson(logs));
  });

  router.add('GET', '/taskmanagers/:taskmanagerid/logs/:filename', async (request) => {
    const id = tmId(request);
    const name = request.params.filename as string;
    const logs = await facade.listTaskManagerLogs(id);
    if (logs === undefined) throw taskManagerNotFound(id);
    checkLogFileName(name, logs, `TaskManager ${id}`);
    const content = await facade.readTaskManagerLog(id, name);
    if (content === undefined) throw taskManagerNotFound(id);
    return textResponse(content);
  });
}

function resourceJson(r: ResourceProfile | undefined): Record<string, unknown> {
  const p = r ?? NO_RESOURCES;
  return {
    cpuCores: p.cpuCores,
    taskHeapMemory: p.taskHeapMemoryMb,
    taskOffHeapMemory: p.taskOffHeapMemoryMb,
    managedMemory: p.managedMemoryMb,
    networkMemory: p.networkMemoryMb,
    extendedResources: {},
  };
}

function taskManagerJson(tm: TaskManagerSummary): Record<string, unknown> {
  const memory: Record<string, number> = {};
  for (const component of MEMORY_COMPONENTS) memory[component] = tm.memoryConfiguration?.[component] ?? 0;
  return {
    id: tm.id,
    path: tm.rpcAddress,
    dataPort: tm.dataPort,
    // No JMX in Node; Flink reports -1 when JMX is off.
    jmxPort: -1,
    timeSinceLastHeartbeat: tm.lastHeartbeat,
    slotsNumber: tm.slotsTotal,
    freeSlots: tm.slotsFree,
    totalResource: resourceJson(tm.totalResource),
    freeResource: resourceJson(tm.freeResource),
    hardware: {
      cpuCores: tm.hardware.cpuCores,
      physicalMemory: tm.hardware.physicalMemory,
      freeMemory: tm.hardware.freeMemory,
      managedMemory: tm.hardware.managedMemory,
    },
    memoryConfiguration: memory,
    blocked: tm.blocked ?? false,
  };
}

function taskManagerDetailJson(tm: TaskManagerDetail): Record<string, unknown> {
  const metrics: Record<string, unknown> = {};
  for (const name of TASK_MANAGER_METRICS) metrics[name] = tm.metrics[name] ?? 0;
  metrics.garbageCollectors = (tm.garbageCollectors ?? []).map((gc) => ({ name: gc.name, count: gc.count, time: gc.timeMs }));
  return {
    ...taskManagerJson(tm),
    allocatedSlots: tm.allocatedSlots.map((slot) => ({ jobId: slot.jobId, resource: resourceJson(slot.resource) })),
    metrics,
  };
}

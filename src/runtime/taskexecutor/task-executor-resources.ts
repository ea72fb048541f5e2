import { cpus, freemem, totalmem } from 'node:os';
import type { Configuration } from '../../config/index.js';
import type { HardwareDescription } from '../../resourcemanager/resource-manager-gateway.js';
import { TASK_HEAP_SIZE, TASK_MANAGER_PROCESS_SIZE } from '../../config/index.js';

const MIN_SLOT_HEAP_MB = 256;

/** A slot's share of the task heap: explicit, or 60% of the TaskManager's process size. */
export function slotHeapMb(config: Configuration, slots: number): number {
  const taskHeap = config.get(TASK_HEAP_SIZE) ?? config.get(TASK_MANAGER_PROCESS_SIZE) * 0.6;
  return Math.max(MIN_SLOT_HEAP_MB, Math.floor(taskHeap / slots / (1024 * 1024)));
}

export function hardwareDescription(): HardwareDescription {
  return { cpuCores: cpus().length, physicalMemory: totalmem(), freeMemory: freemem() };
}

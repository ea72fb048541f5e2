import type { JobId } from '../core/ids.js';
import type { AllocationId } from '../core/ids.js';
import type { JobMasterReference } from './resource-manager-gateway.js';
import { newAllocationId } from '../core/ids.js';

export interface SlotAllocation {
  readonly resourceId: string;
  readonly slotIndex: number;
  readonly allocationId: AllocationId;
  readonly jobId: JobId;
  readonly jobMaster: JobMasterReference;
}

interface Requirement {
  readonly jobMaster: JobMasterReference;
  required: number;
}

/**
 * Matches declared slot requirements to the free slots of registered TaskExecutors (Flink's
 * declarative SlotManager). It only decides; the ResourceManager carries the allocations out.
 */
export class SlotManager {
  private readonly slots = new Map<string, (SlotAllocation | undefined)[]>();
  private readonly requirements = new Map<JobId, Requirement>();

  registerTaskExecutor(resourceId: string, numberOfSlots: number): void {
    if (!this.slots.has(resourceId)) this.slots.set(resourceId, new Array<SlotAllocation | undefined>(numberOfSlots).fill(undefined));
  }

  /** Forgets a TaskExecutor and returns the allocations it held. */
  unregisterTaskExecutor(resourceId: string): SlotAllocation[] {
    const held = (this.slots.get(resourceId) ?? []).filter((s): s is SlotAllocation => s !== undefined);
    this.slots.delete(resourceId);
    return held;
  }

  isRegistered(resourceId: string): boolean {
    return this.slots.has(resourceId);
  }

  declare(jobId: JobId, jobMaster: JobMasterReference, required: number): void {
    if (required <= 0) this.requirements.delete(jobId);
    else this.requirements.set(jobId, { jobMaster, required });
  }

  freeSlot(resourceId: string, slotIndex: number): void {
    const list = this.slots.get(resourceId);
    if (list !== undefined) list[slotIndex] = undefined;
  }

  /** New allocations that bring every job closer to its requirement, in declaration order. */
  allocate(): SlotAllocation[] {
    const made: SlotAllocation[] = [];
    for (const [jobId, req] of this.requirements) {
      let missing = req.required - this.allocatedTo(jobId);
      for (const [resourceId, list] of this.slots) {
        for (let i = 0; i < list.length && missing > 0; i++) {
          if (list[i] !== undefined) continue;
          const allocation = { resourceId, slotIndex: i, allocationId: newAllocationId(), jobId, jobMaster: req.jobMaster };
          list[i] = allocation;
          made.push(allocation);
          missing--;
        }
      }
    }
    return made;
  }

  /** Slots declared but not allocated, over all jobs: what an active ResourceManager must start. */
  missingSlots(): number {
    let missing = 0;
    for (const [jobId, req] of this.requirements) missing += Math.max(0, req.required - this.allocatedTo(jobId));
    return missing;
  }

  /** True when no slot of the TaskExecutor is allocated. */
  isIdle(resourceId: string): boolean {
    return (this.slots.get(resourceId) ?? []).every((s) => s === undefined);
  }

  allocationsOf(resourceId: string): readonly (SlotAllocation | undefined)[] {
    return this.slots.get(resourceId) ?? [];
  }

  freeSlots(): number {
    let free = 0;
    for (const list of this.slots.values()) for (const s of list) if (s === undefined) free++;
    return free;
  }

  totalSlots(): number {
    let total = 0;
    for (const list of this.slots.values()) total += list.length;
    return total;
  }

  taskExecutorCount(): number {
    return this.slots.size;
  }

  private allocatedTo(jobId: JobId): number {
    let n = 0;
    for (const list of this.slots.values()) for (const s of list) if (s?.jobId === jobId) n++;
    return n;
  }
}

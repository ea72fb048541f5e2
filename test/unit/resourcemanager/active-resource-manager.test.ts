import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JobId } from '../../../src/core/ids.js';
import type { ResourceEventHandler, ResourceManagerDriver, Worker, WorkerResourceSpec } from '../../../src/resourcemanager/active/resource-manager-driver.js';
import { ActiveResourceManager } from '../../../src/resourcemanager/active/active-resource-manager.js';
import { LocalRpcService } from '../../../src/runtime/rpc/rpc-service.js';
import { Logger, MemoryLogSink } from '../../../src/core/logger.js';
import { eventually } from '../../support/eventually.js';

/** A driver double: "starting" a worker registers a fake TaskExecutor unless told not to. */
class TestingDriver implements ResourceManagerDriver<Worker> {
  events!: ResourceEventHandler<Worker>;
  requested: string[] = [];
  released: string[] = [];
  registerOnStart = true;
  private next = 0;

  constructor(
    private readonly rpc: LocalRpcService,
    private readonly rm: () => ActiveResourceManager<Worker>,
  ) {}

  initialize(events: ResourceEventHandler<Worker>): Promise<void> {
    this.events = events;
    return Promise.resolve();
  }
  requestResource(spec: WorkerResourceSpec): Promise<Worker> {
    const resourceId = `tm-${this.next++}`;
    this.requested.push(resourceId);
    const slots: string[] = [];
    this.rpc.register(`te/${resourceId}`, {
      requestSlot: (slotIndex: number) => {
        slots.push(`slot ${slotIndex}`);
        return Promise.resolve();
      },
      heartbeatFromResourceManager: () => Promise.resolve([]),
      freeSlot: () => Promise.resolve(),
    });
    if (this.registerOnStart) {
      setImmediate(() => {
        void this.rm().registerTaskExecutor({
          location: { resourceId, rpcAddress: `te/${resourceId}`, dataAddress: undefined, host: 'test' },
          numberOfSlots: spec.numberOfSlots,
          hardware: { cpuCores: 1, physicalMemory: 1, freeMemory: 1 },
          memoryBytes: spec.memoryBytes,
        });
      });
    }
    return Promise.resolve({ resourceId, host: 'test' });
  }
  releaseResource(worker: Worker): Promise<void> {
    this.released.push(worker.resourceId);
    return Promise.resolve();
  }
  deregisterApplication(): Promise<void> {
    return Promise.resolve();
  }
  terminate(): Promise<void> {
    return Promise.resolve();
  }
}

function setup(settings: { taskManagerTimeoutMs?: number; registrationTimeoutMs?: number } = {}) {
  const rpc = new LocalRpcService();
  const jobMaster = { disconnected: [] as string[] };
  rpc.register('jm', {
    disconnectTaskManager: (id: string) => {
      jobMaster.disconnected.push(id);
      return Promise.resolve();
    },
  });
  const holder: { rm?: ActiveResourceManager<Worker> } = {};
  const driver = new TestingDriver(rpc, () => holder.rm as ActiveResourceManager<Worker>);
  const rm = new ActiveResourceManager(rpc, new Logger('test', new MemoryLogSink(), 'DEBUG'), undefined, driver, {
    workerSpec: { numberOfSlots: 2, memoryBytes: 1 },
    taskManagerTimeoutMs: settings.taskManagerTimeoutMs ?? 60_000,
    registrationTimeoutMs: settings.registrationTimeoutMs ?? 60_000,
    maxStartFailuresPerMinute: 10,
    startRetryIntervalMs: 1000,
  });
  holder.rm = rm;
  return { rpc, rm, driver, jobMaster };
}

const job = 'a'.repeat(32) as JobId;

test('starts as many TaskManagers as the missing slots need and allocates their slots', async () => {
  const { rm, driver } = setup();
  await rm.start();
  await rm.declareRequiredResources(job, { address: 'jm', id: 'x' }, 3);
  await eventually(async () => (await rm.requestSlotCounts()).total === 4, 'two TaskManagers of two slots');
  assert.deepEqual(driver.requested, ['tm-0', 'tm-1']);
  assert.equal((await rm.requestSlotCounts()).free, 1);
  assert.equal(rm.pendingWorkers, 0);
  await rm.stop('SUCCEEDED', 'done');
  assert.deepEqual([...driver.released].sort(), ['tm-0', 'tm-1']);
});

test('replaces a TaskManager whose process ended while its slots are still needed, and tells the JobMaster', async () => {
  const { rm, driver, jobMaster } = setup();
  await rm.start();
  await rm.declareRequiredResources(job, { address: 'jm', id: 'x' }, 2);
  await eventually(async () => (await rm.requestSlotCounts()).total === 2, 'the first TaskManager');
  driver.events.onWorkerTerminated('tm-0', 'killed');
  await eventually(() => driver.requested.length === 2, 'a replacement');
  await eventually(async () => (await rm.requestSlotCounts()).total === 2, 'the replacement registered');
  assert.deepEqual(jobMaster.disconnected, ['tm-0']);
  await rm.stop('SUCCEEDED', 'done');
});

test('releases TaskManagers idle for resourcemanager.taskmanager-timeout once nothing needs them', async () => {
  const { rm, driver } = setup({ taskManagerTimeoutMs: 200 });
  await rm.start();
  await rm.declareRequiredResources(job, { address: 'jm', id: 'x' }, 2);
  await eventually(async () => (await rm.requestSlotCounts()).total === 2, 'a TaskManager');
  // The JobMaster's order at job end: clear the requirement, then hand the slots back.
  await rm.declareRequiredResources(job, { address: 'jm', id: 'x' }, 0);
  await rm.notifySlotAvailable('tm-0', 0);
  await rm.notifySlotAvailable('tm-0', 1);
  await eventually(() => driver.released.includes('tm-0'), 'the idle TaskManager to be released');
  assert.equal((await rm.requestSlotCounts()).total, 0);
  await rm.stop('SUCCEEDED', 'done');
});

test('gives up on a TaskManager that does not register in time and starts another', async () => {
  const { rm, driver } = setup({ registrationTimeoutMs: 100 });
  driver.registerOnStart = false;
  await rm.start();
  await rm.declareRequiredResources(job, { address: 'jm', id: 'x' }, 1);
  await eventually(() => driver.released.includes('tm-0'), 'the silent TaskManager to be released');
  driver.registerOnStart = true;
  await eventually(async () => (await rm.requestSlotCounts()).total === 2, 'a TaskManager that registers');
  assert.ok(driver.requested.length >= 2);
  await rm.stop('SUCCEEDED', 'done');
});

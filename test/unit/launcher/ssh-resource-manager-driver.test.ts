import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RemoteDaemons } from '../../../src/launcher/remote-daemons.js';
import type { HostSpec } from '../../../src/launcher/host-spec.js';
import { SshResourceManagerDriver } from '../../../src/launcher/ssh-resource-manager-driver.js';
import { Logger, MemoryLogSink } from '../../../src/core/logger.js';
import { isFlinkTsError } from '../../../src/core/errors.js';

/** A RemoteDaemons double: records starts and stops, and reports which pids are alive. */
function daemonsDouble(): { daemons: RemoteDaemons; started: string[]; stopped: number[]; alive: Set<number> } {
  const started: string[] = [];
  const stopped: number[] = [];
  const alive = new Set<number>();
  let pid = 100;
  const daemons = {
    clusterId: 'c1',
    startTaskManager: (host: HostSpec) => {
      started.push(host.host);
      const p = pid++;
      alive.add(p);
      return Promise.resolve({ host, role: 'taskmanager', pid: p });
    },
    stopTaskManager: (host: HostSpec, p: number) => {
      stopped.push(p);
      alive.delete(p);
      return Promise.resolve({ host, pid: p, ok: true, summary: 'stopped' });
    },
    alivePids: (_host: HostSpec, _role: string, pids: number[]) => Promise.resolve(pids.filter((p) => alive.has(p))),
    close: () => Promise.resolve(),
  } as unknown as RemoteDaemons;
  return { daemons, started, stopped, alive };
}

const hosts: HostSpec[] = [{ host: '127.0.0.2' }, { host: '127.0.0.3' }];
const logger = new Logger('test', new MemoryLogSink(), 'DEBUG');
const spec = { numberOfSlots: 1, memoryBytes: 1 };

test('spreads TaskManagers over the hosts and never exceeds resourcemanager.ssh.max-taskmanagers-per-host', async () => {
  const { daemons, started } = daemonsDouble();
  const driver = new SshResourceManagerDriver(daemons, { hosts, maxPerHost: 2, checkIntervalMs: 60_000 }, logger);
  await driver.initialize({ onPreviousAttemptWorkersRecovered: () => undefined, onWorkerTerminated: () => undefined, onError: () => undefined });
  const workers = await Promise.all([1, 2, 3, 4].map(() => driver.requestResource(spec)));
  assert.deepEqual([...started].sort(), ['127.0.0.2', '127.0.0.2', '127.0.0.3', '127.0.0.3']);
  assert.equal(new Set(workers.map((w) => w.resourceId)).size, 4);
  await assert.rejects(driver.requestResource(spec), (e: unknown) => isFlinkTsError(e) && e.code === 'ERR_NO_RESOURCE' && /max-taskmanagers-per-host \(2\)/.test(e.message));
  // Releasing one frees its host's place.
  await driver.releaseResource(workers[0] as (typeof workers)[number]);
  const again = await driver.requestResource(spec);
  assert.equal(again.spec.host, (workers[0] as (typeof workers)[number]).spec.host);
  await driver.terminate();
});

test('a TaskManager whose process is gone is reported terminated once; a released one is not', async () => {
  const { daemons, alive } = daemonsDouble();
  const terminated: string[] = [];
  const driver = new SshResourceManagerDriver(daemons, { hosts, maxPerHost: 4, checkIntervalMs: 20 }, logger);
  await driver.initialize({ onPreviousAttemptWorkersRecovered: () => undefined, onWorkerTerminated: (id) => terminated.push(id), onError: () => undefined });
  const a = await driver.requestResource(spec);
  const b = await driver.requestResource(spec);
  await driver.releaseResource(b);
  alive.delete(a.pid);
  const deadline = Date.now() + 5000;
  while (terminated.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(terminated, [a.resourceId]);
  await driver.terminate();
});

test('without worker hosts the driver refuses to start, naming conf/workers', () => {
  const { daemons } = daemonsDouble();
  assert.throws(() => new SshResourceManagerDriver(daemons, { hosts: [], maxPerHost: 1, checkIntervalMs: 1000 }, logger), /list them in conf\/workers/);
});

/**
 * The heartbeat monitor declares a target lost once `heartbeat.timeout` passed without an answer,
 * also when the target hangs (its request never settles): a frozen TaskManager must be found
 * after one timeout, not after the hung request plus another timeout.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HeartbeatMonitor } from '../../../src/runtime/heartbeat/heartbeat-monitor.js';
import { Logger, MemoryLogSink } from '../../../src/core/logger.js';

test('a target whose heartbeat request hangs is lost after one timeout', async (t) => {
  t.mock.timers.enable({ apis: ['setInterval', 'setTimeout', 'Date'] });
  const monitor = new HeartbeatMonitor<number>({ intervalMs: 100, timeoutMs: 500, rpcFailureThreshold: -1 }, (id) => `TaskManager ${id}`, new Logger('test', new MemoryLogSink(), 'INFO'));
  let answered = 2;
  const lost: { at: number; cause: string }[] = [];
  monitor.monitor(
    'tm-1',
    // Answers twice, then hangs for good (a frozen process keeps its connection open).
    () => (answered-- > 0 ? Promise.resolve(1) : new Promise<number>(() => undefined)),
    () => undefined,
    (cause) => lost.push({ at: Date.now(), cause }),
  );
  for (let elapsed = 0; elapsed < 2000 && lost.length === 0; elapsed += 100) {
    t.mock.timers.tick(100);
    await Promise.resolve();
  }
  monitor.close();
  assert.equal(lost.length, 1);
  assert.match(lost[0]?.cause ?? '', /Heartbeat of TaskManager tm-1 timed out/);
  // Last answer at 200 ms: lost exactly one timeout later.
  assert.equal(lost[0]?.at, 700);
});

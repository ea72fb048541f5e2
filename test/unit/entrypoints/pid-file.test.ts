/**
 * PidFile and its directory: starts create the pid directory (the first start after a reboot
 * cleared /tmp), while reads and stops never do, so that a stop that arrives after the cluster's
 * directories were removed leaves nothing behind.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { PidFile, pidFilePath } from '../../../src/entrypoints/daemon/pid-file.js';

const root = mkdtempSync(join(tmpdir(), 'flink-ts-pid-file-test-'));
after(() => rmSync(root, { recursive: true, force: true }));

function pidFileIn(dir: string): PidFile {
  return new PidFile(pidFilePath(dir, 'tester', 'taskexecutor'), 'taskexecutor', () => undefined);
}

test('stop, stop-all and reads on a removed pid directory find nothing and do not create it again', async () => {
  const dir = join(root, 'removed', 'pid');
  const pidFile = pidFileIn(dir);
  assert.deepEqual(await pidFile.takeAll(), []);
  assert.equal(await pidFile.popLast(), undefined);
  assert.deepEqual(await pidFile.running(), []);
  await pidFile.remove(4242);
  assert.deepEqual(await pidFile.update((live) => ({ pids: live, value: live.length })), 0);
  assert.equal(existsSync(dir), false, 'the pid directory stays removed');
  assert.equal(existsSync(join(root, 'removed')), false);
});

test('a start creates the missing pid directory and records its pid', async () => {
  const dir = join(root, 'fresh', 'pid');
  const pidFile = pidFileIn(dir);
  // This process stands in for the daemon: it is alive, though not a taskexecutor, so append
  // (which keeps the pid it is given) is the operation to check.
  await pidFile.append(process.pid);
  assert.equal(readFileSync(pidFile.path, 'utf8'), `${process.pid}\n`);
  await pidFile.update(() => ({ pids: [], value: undefined }), new Set(), { createDirectory: true });
  assert.equal(existsSync(pidFile.path), false, 'an emptied pid file is removed');
  assert.equal(existsSync(dir), true, 'the directory itself stays');
});

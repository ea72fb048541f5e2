import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContextStore, checkContextAlive } from '../../../src/client/contexts.js';

function store(): { store: ContextStore; file: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'flink-ts-contexts-'));
  const file = join(dir, 'contexts.json');
  return { store: new ContextStore(file), file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test('a saved context becomes current; use switches; remove forgets and clears current', () => {
  const { store: s, file, cleanup } = store();
  try {
    assert.equal(s.current(), undefined);
    s.save({ name: 'a', target: 'ssh-session', restAddress: 'http://127.0.0.1:1', createdAt: 1 });
    s.save({ name: 'b', target: 'pool-session', restAddress: 'http://127.0.0.1:2', createdAt: 2 });
    assert.equal(s.current()?.name, 'b');
    assert.equal(s.use('a').name, 'a');
    assert.equal(s.current()?.restAddress, 'http://127.0.0.1:1');
    assert.deepEqual(s.list().contexts.map((c) => c.name), ['a', 'b']);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(s.remove('a'), true);
    assert.equal(s.current(), undefined);
    assert.equal(s.remove('a'), false);
    assert.throws(() => s.use('nope'), /No context named 'nope'\. Known contexts: b\./);
  } finally {
    cleanup();
  }
});

test('invalid names and a corrupt file are clear errors', () => {
  const { store: s, file, cleanup } = store();
  try {
    assert.throws(() => s.save({ name: '../x', target: 'remote', restAddress: 'http://x:1', createdAt: 0 }), /Invalid context name/);
    writeFileSync(file, '{not json');
    assert.throws(() => s.list(), /is not valid JSON.*Fix or delete it/);
  } finally {
    cleanup();
  }
});

test('a context whose cluster answers passes; a dead one is reported with how to clean up', async () => {
  const server = createServer((_req, res) => res.end('{}'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  try {
    await checkContextAlive({ name: 'live', target: 'remote', restAddress: `http://127.0.0.1:${port}`, createdAt: 0 });
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
  await assert.rejects(
    checkContextAlive({ name: 'dead', target: 'ssh-session', restAddress: `http://127.0.0.1:${port}`, createdAt: 0 }, 1000),
    /The context 'dead' \(ssh-session\) points at http:\/\/127\.0\.0\.1:\d+, which does not answer .*flink-ts context remove dead/,
  );
});

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { RemoteRpcError, RpcAuthenticationError, RpcConnectionError } from '../../../src/runtime/rpc/rpc-errors.js';
import { SECRET, TestServices, eventually, withDeadline } from './rpc-test-support.js';

interface PeerGateway {
  echo<T>(value: T): Promise<T>;
  pid(): Promise<number>;
  hang(): Promise<never>;
  fail(message: string): Promise<never>;
  callBack<T>(address: string, value: T): Promise<T>;
}

const PEER = fileURLToPath(new URL('../../fixtures/rpc/rpc-peer.ts', import.meta.url));

interface Peer {
  readonly child: ChildProcess;
  readonly port: number;
  readonly stderr: () => string;
}

const children: ChildProcess[] = [];
const services = new TestServices();
after(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  await services.closeAll();
});

/** Starts the peer fixture in its own process and waits until it prints its port. */
async function startPeer(secret: string): Promise<Peer> {
  const child = spawn(process.execPath, ['--import', 'tsx', PEER, secret], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  let stdout = '';
  const port = new Promise<number>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
      const m = /PORT (\d+)/.exec(stdout);
      if (m !== null) resolve(Number(m[1]));
    });
    child.on('exit', (code, signal) => reject(new Error(`rpc-peer exited (${code ?? signal ?? '?'}) before listening:\n${stderr}`)));
  });
  return { child, port: await withDeadline(port, 60_000, 'the peer process to listen'), stderr: () => stderr };
}

test('calls cross processes in both directions', async () => {
  const peer = await startPeer(SECRET);
  const { service } = await services.start({ name: 'test' });
  service.register('back', { echo: (v: unknown) => Promise.resolve(v) });
  const gateway = service.connect<PeerGateway>(`127.0.0.1:${peer.port}/peer`);

  assert.equal(await gateway.pid(), peer.child.pid);
  const value = { id: 'slot-1', bytes: new Uint8Array([1, 2, 3]), nested: { list: [1, 'two', null] }, gone: undefined };
  assert.deepStrictEqual(await gateway.echo(value), value);
  // The peer calls this process back over its own connection.
  assert.deepStrictEqual(await gateway.callBack(service.addressOf('back'), value), value);

  await assert.rejects(gateway.fail('no slot left'), (e: unknown) => {
    assert.ok(e instanceof RemoteRpcError);
    assert.equal(e.remoteClass, 'RangeError');
    assert.equal(e.remoteMessage, 'no slot left');
    return true;
  });
});

test('a peer process with another secret is refused', async () => {
  const peer = await startPeer('not-the-cluster-secret');
  const { service } = await services.start();
  await assert.rejects(service.connect<PeerGateway>(`127.0.0.1:${peer.port}/peer`).pid(), RpcAuthenticationError);
  await eventually(() => peer.stderr().includes('wrong cluster secret (security.cluster-secret)'), 30_000, 'the peer’s log line');
});

test('kill -9 of the peer fails a pending call with RpcConnectionError and fires onDisconnect, long before the timeout', async () => {
  const peer = await startPeer(SECRET);
  const { service } = await services.start();
  const disconnects: string[] = [];
  service.onDisconnect((a) => disconnects.push(a));
  // The timeout is far away: failing with a connection error (not a timeout) shows that the
  // broken connection, not the deadline, ended the call.
  const gateway = service.connect<PeerGateway>(`127.0.0.1:${peer.port}/peer`, { timeoutMs: 60_000 });
  assert.equal(await gateway.pid(), peer.child.pid);

  const pending = gateway.hang();
  // The call must have left before the kill, or it would fail as "could not connect" instead.
  await gateway.echo('in flight');
  peer.child.kill('SIGKILL');

  await assert.rejects(withDeadline(pending, 30_000, 'the pending call to fail'), (e: unknown) => {
    assert.ok(e instanceof RpcConnectionError, String(e));
    assert.match(e.message, /was lost while invoking hang/);
    return true;
  });
  await eventually(() => disconnects.length > 0, 30_000, 'onDisconnect');
  assert.deepStrictEqual(disconnects, [`127.0.0.1:${peer.port}`]);

  // The next call tries a new connection, and fails fast too: nobody listens there any more.
  await assert.rejects(withDeadline(gateway.pid(), 30_000, 'the next call to fail'), RpcConnectionError);
});

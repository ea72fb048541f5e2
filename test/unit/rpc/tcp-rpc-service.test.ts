import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect as netConnect } from 'node:net';
import type { Server, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

import { FlinkTsError, isFlinkTsError } from '../../../src/core/errors.js';
import {
  FencingTokenMismatchError,
  RemoteRpcError,
  RpcAuthenticationError,
  RpcBindError,
  RpcConnectionError,
  RpcEndpointNotFoundError,
  RpcMethodNotFoundError,
  RpcSerializationError,
  RpcTimeoutError,
} from '../../../src/runtime/rpc/rpc-errors.js';
import { FrameDecoder, encodeFrame } from '../../../src/runtime/rpc/rpc-framing.js';
import type { TcpRpcService } from '../../../src/runtime/rpc/tcp-rpc-service.js';
import { SECRET, TestServices, eventually, never, withDeadline } from './rpc-test-support.js';

interface TestGateway {
  add(a: number, b: number): Promise<number>;
  echo<T>(value: T): Promise<T>;
  hang(): Promise<never>;
  fail(message: string): Promise<never>;
  count(): Promise<number>;
  noSuchMethod(): Promise<void>;
  toString(): Promise<string>;
}

class SlotTakenError extends Error {
  readonly code = 'SLOT_TAKEN';
}
Object.defineProperty(SlotTakenError.prototype, 'name', { value: 'SlotTakenError' });

type TestEndpoint = Omit<TestGateway, 'noSuchMethod' | 'toString'> & { calls: number };

/** A test endpoint; `calls` counts invocations so tests can tell whether a method ran. */
function createEndpoint(): TestEndpoint {
  return {
    calls: 0,
    add(a: number, b: number) {
      this.calls++;
      return Promise.resolve(a + b);
    },
    echo<T>(value: T) {
      this.calls++;
      return Promise.resolve(value);
    },
    hang() {
      this.calls++;
      return never();
    },
    fail(message: string) {
      this.calls++;
      return Promise.reject(new SlotTakenError(message));
    },
    count() {
      return Promise.resolve(this.calls);
    },
  };
}

const services = new TestServices();
const openServers: Server[] = [];
const openSockets: Socket[] = [];
after(async () => {
  for (const socket of openSockets) socket.destroy();
  await Promise.all(openServers.map((s) => new Promise((resolve) => s.close(resolve))));
  await services.closeAll();
});

async function startPair(): Promise<{
  server: TcpRpcService;
  client: TcpRpcService;
  endpoint: TestEndpoint;
  serverLog: string[];
  clientLog: string[];
}> {
  const server = await services.start({ name: 'server' });
  const client = await services.start({ name: 'client' });
  const endpoint = createEndpoint();
  server.service.register('test', endpoint);
  return { server: server.service, client: client.service, endpoint, serverLog: server.sink.lines, clientLog: client.sink.lines };
}

test('a call returns the value of the remote method', async () => {
  const { server, client } = await startPair();
  const gateway = client.connect<TestGateway>(server.addressOf('test'));
  assert.equal(await gateway.add(2, 3), 5);
  assert.equal(await gateway.add(-1, 1), 0);
});

test('addressOf names the advertised host, the port and the endpoint', async () => {
  const { service } = await services.start({ advertisedHost: 'jobmanager.example' });
  assert.equal(service.addressOf('resourcemanager'), `jobmanager.example:${service.port}/resourcemanager`);
  assert.ok(service.port > 0);
});

test('arguments and results round-trip nested objects, byte arrays and undefined fields', async () => {
  const { server, client } = await startPair();
  const gateway = client.connect<TestGateway>(server.addressOf('test'));
  const value = {
    text: 'héllo ✓',
    int: 42,
    negative: -7,
    float: 0.25,
    big: Number.MAX_SAFE_INTEGER,
    flags: [true, false, null],
    missing: undefined,
    bytes: new Uint8Array([0, 1, 254, 255]),
    nested: { deeper: { list: [{ a: 1 }, { b: [2, 3] }], empty: {}, none: [] }, also: undefined },
  };
  const back = await gateway.echo(value);
  assert.deepStrictEqual(back, value);
  assert.ok('missing' in back, 'a field holding undefined is kept');
  assert.equal(Object.getPrototypeOf(back.bytes), Uint8Array.prototype, 'a Uint8Array stays a Uint8Array');
  assert.deepStrictEqual(await gateway.echo(undefined), undefined);
  assert.deepStrictEqual(await gateway.echo(null), null);
  assert.deepStrictEqual(await gateway.echo([undefined, 1]), [undefined, 1]);
});

test('an error thrown remotely arrives as RemoteRpcError with the remote class, code, message and stack', async () => {
  const { server, client } = await startPair();
  const address = server.addressOf('test');
  const gateway = client.connect<TestGateway>(address);
  await assert.rejects(gateway.fail('slot 3 is taken'), (e: unknown) => {
    assert.ok(e instanceof RemoteRpcError);
    assert.equal(e.code, 'ERR_RPC_REMOTE');
    assert.equal(e.remoteClass, 'SlotTakenError');
    assert.equal(e.remoteCode, 'SLOT_TAKEN');
    assert.equal(e.remoteMessage, 'slot 3 is taken');
    assert.match(e.message, /fail/);
    assert.ok(e.message.includes(address), e.message);
    assert.match(e.message, /SlotTakenError: slot 3 is taken/);
    assert.match(e.remoteStack, /at Object\.fail|fail/);
    assert.ok(e.cause instanceof Error);
    assert.equal(e.cause.stack, e.remoteStack);
    return true;
  });
});

test('a FlinkTsError thrown remotely keeps its code', async () => {
  const { server, client } = await startPair();
  server.register('flinkish', {
    act: () => Promise.reject(new FlinkTsError('ERR_ILLEGAL_STATE', 'not now')),
  });
  const gateway = client.connect<{ act(): Promise<void> }>(server.addressOf('flinkish'));
  await assert.rejects(gateway.act(), (e: unknown) => {
    assert.ok(e instanceof RemoteRpcError);
    assert.equal(e.remoteClass, 'FlinkTsError');
    assert.equal(e.remoteCode, 'ERR_ILLEGAL_STATE');
    return true;
  });
});

test('a call without an answer fails with RpcTimeoutError once its timeout has passed', async () => {
  const { server, client } = await startPair();
  const address = server.addressOf('test');
  const gateway = client.connect<TestGateway>(address, { timeoutMs: 200 });
  const start = performance.now();
  await assert.rejects(gateway.hang(), (e: unknown) => {
    assert.ok(e instanceof RpcTimeoutError);
    assert.equal(e.code, 'ERR_RPC_TIMEOUT');
    assert.equal(
      e.message,
      `Invocation of hang at ${address} timed out after 200 ms: the remote process may be overloaded, dead or unreachable.`,
    );
    return true;
  });
  assert.ok(performance.now() - start >= 200, 'the call fails no earlier than its timeout');
  // The connection survives a timeout.
  assert.equal(await gateway.add(1, 1), 2);
});

test('without a timeout of its own, a call uses the ask timeout of the service', async () => {
  const { service: server } = await services.start();
  server.register('test', createEndpoint());
  const { service: client } = await services.start({ askTimeoutMs: 150 });
  const gateway = client.connect<TestGateway>(server.addressOf('test'));
  const start = performance.now();
  await assert.rejects(gateway.hang(), RpcTimeoutError);
  assert.ok(performance.now() - start >= 150);
});

test('a call with the current fencing token runs; another or a missing token is rejected without running', async () => {
  const { server, client } = await startPair();
  let leaderToken: string | undefined = 'leader-1';
  const fenced = createEndpoint();
  server.register('fenced', fenced, { fencingToken: () => leaderToken });
  const address = server.addressOf('fenced');

  assert.equal(await client.connect<TestGateway>(address, { fencingToken: 'leader-1' }).add(1, 2), 3);
  assert.equal(fenced.calls, 1);

  await assert.rejects(client.connect<TestGateway>(address, { fencingToken: 'leader-0' }).add(1, 2), (e: unknown) => {
    assert.ok(e instanceof FencingTokenMismatchError);
    assert.equal(e.code, 'ERR_FENCING_MISMATCH');
    assert.equal(
      e.message,
      'Fencing token mismatch: ignoring add because the fencing token leader-0 did not match the expected token leader-1.',
    );
    return true;
  });
  await assert.rejects(client.connect<TestGateway>(address).add(1, 2), FencingTokenMismatchError);
  assert.equal(fenced.calls, 1, 'rejected calls do not run');

  // A new leader makes the old token stale.
  leaderToken = 'leader-2';
  await assert.rejects(client.connect<TestGateway>(address, { fencingToken: 'leader-1' }).add(1, 2), FencingTokenMismatchError);
  // Without leadership, every call is rejected.
  leaderToken = undefined;
  await assert.rejects(client.connect<TestGateway>(address, { fencingToken: 'leader-2' }).add(1, 2), FencingTokenMismatchError);
  assert.equal(fenced.calls, 1);
});

test('an endpoint without a fencing token accepts calls with or without one', async () => {
  const { server, client } = await startPair();
  assert.equal(await client.connect<TestGateway>(server.addressOf('test'), { fencingToken: 'any' }).add(1, 1), 2);
});

test('a call to an unknown endpoint or method is rejected with a clear error', async () => {
  const { server, client } = await startPair();
  await assert.rejects(client.connect<TestGateway>(server.addressOf('nobody')).add(1, 2), (e: unknown) => {
    assert.ok(e instanceof RpcEndpointNotFoundError);
    assert.equal(e.code, 'ERR_RPC_ENDPOINT_NOT_FOUND');
    assert.match(e.message, /No RPC endpoint 'nobody' at 127\.0\.0\.1:\d+/);
    return true;
  });
  const gateway = client.connect<TestGateway>(server.addressOf('test'));
  await assert.rejects(gateway.noSuchMethod(), RpcMethodNotFoundError);
  // Object.prototype's members are not callable methods.
  await assert.rejects(gateway.toString(), RpcMethodNotFoundError);
  // Unregistering takes the endpoint away.
  server.unregister('test');
  await assert.rejects(gateway.add(1, 2), RpcEndpointNotFoundError);
});

test('a process with another cluster secret is refused, and the server logs why', async () => {
  const { service: server, sink } = await services.start({ name: 'server' });
  server.register('test', createEndpoint());
  const { service: intruder } = await services.start({ secret: 'another-secret' });
  const gateway = intruder.connect<TestGateway>(server.addressOf('test'));

  // Both calls are pending while the handshake runs.
  const results = await Promise.allSettled([gateway.add(1, 2), gateway.add(3, 4)]);
  for (const result of results) {
    assert.equal(result.status, 'rejected');
    const e: unknown = result.reason;
    assert.ok(e instanceof RpcAuthenticationError, String(e));
    assert.equal(e.code, 'ERR_RPC_AUTHENTICATION');
    assert.match(e.message, /cluster secret does not match/);
    assert.match(e.message, /Set the same security\.cluster-secret on every/);
  }
  // Later calls fail the same way.
  await assert.rejects(gateway.add(1, 2), RpcAuthenticationError);

  const refused = sink.lines.filter((l) => l.includes('Refused RPC connection from'));
  assert.ok(refused.length >= 1, sink.lines.join(''));
  assert.match(refused[0] ?? '', /WARN .*Refused RPC connection from 127\.0\.0\.1:\d+: wrong cluster secret \(security\.cluster-secret\)/);
});

test('a server that cannot prove the cluster secret is not trusted by the client', async () => {
  // A fake server that sends a proper challenge but answers the client's with garbage.
  const fake = createServer((socket) => {
    openSockets.push(socket);
    const decoder = new FrameDecoder();
    socket.write(encodeFrame({ t: 'hello', v: 1, nonce: new Uint8Array(32) }, 1024));
    socket.on('data', (chunk: Buffer) => {
      for (const message of decoder.push(chunk)) {
        if ((message as { t?: unknown }).t === 'auth') {
          socket.write(encodeFrame({ t: 'welcome', proof: new Uint8Array(32), address: 'fake:1' }, 1024));
        }
      }
    });
  });
  openServers.push(fake);
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  const port = (fake.address() as { port: number }).port;
  const { service: client } = await services.start();
  await assert.rejects(client.connect<TestGateway>(`127.0.0.1:${port}/test`).add(1, 2), (e: unknown) => {
    assert.ok(e instanceof RpcAuthenticationError);
    assert.match(e.message, /could not prove/);
    return true;
  });
});

test('concurrent first calls to a service share one connection', async () => {
  const { server, client, serverLog } = await startPair();
  const gateway = client.connect<TestGateway>(server.addressOf('test'));
  const sums = await Promise.all(Array.from({ length: 20 }, (_, i) => gateway.add(i, 1)));
  assert.deepStrictEqual(sums, Array.from({ length: 20 }, (_, i) => i + 1));
  // Another gateway to the same service reuses the connection too.
  assert.equal(await client.connect<TestGateway>(server.addressOf('test')).add(1, 1), 2);
  assert.equal(serverLog.filter((l) => l.includes('Accepted RPC connection')).length, 1);
});

test('the service listens on the first free port of a range', async () => {
  const blocker = createServer();
  openServers.push(blocker);
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const taken = (blocker.address() as { port: number }).port;
  const last = Math.min(taken + 50, 65535);
  const { service } = await services.start({ port: `${taken}-${last}` });
  assert.ok(service.port > taken && service.port <= last, `port ${service.port} in ${taken + 1}-${last}`);

  // The range's ports given as a list work too.
  const { service: listed } = await services.start({ port: `${taken}, ${service.port}, ${taken + 1}-${last}` });
  assert.ok(listed.port > taken && listed.port !== service.port);
});

test('a range with every port in use fails with a message naming the host and ports', async () => {
  const blocker = createServer();
  openServers.push(blocker);
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const taken = (blocker.address() as { port: number }).port;
  await assert.rejects(services.start({ port: `${taken}-${taken}` }), (e: unknown) => {
    assert.ok(e instanceof RpcBindError);
    assert.equal(e.code, 'ERR_RPC_BIND');
    assert.ok(e.message.includes(`127.0.0.1 port ${taken}-${taken}`), e.message);
    assert.match(e.message, /in use/);
    return true;
  });
  await assert.rejects(services.start({ port: taken }), (e: unknown) => {
    assert.ok(e instanceof RpcBindError);
    assert.match(e.message, new RegExp(`port ${taken} is already in use`));
    return true;
  });
});

test('invalid options are rejected before listening', async () => {
  for (const port of ['abc', '50200-50100', '0-10', '70000', -1]) {
    await assert.rejects(services.start({ port }), (e: unknown) => isFlinkTsError(e) && e.code === 'ERR_INVALID_ARGUMENT');
  }
  await assert.rejects(services.start({ secret: '' }), /security\.cluster-secret/);
  await assert.rejects(services.start({ askTimeoutMs: 0 }), /pekko\.ask\.timeout/);
});

test('close() fails pending calls at once, and later calls too', async () => {
  const { server } = await startPair();
  const { service: client } = await services.start();
  client.register('local', createEndpoint());
  const remote = client.connect<TestGateway>(server.addressOf('test'), { timeoutMs: 60_000 });
  const local = client.connect<TestGateway>(client.addressOf('local'), { timeoutMs: 60_000 });
  assert.equal(await remote.add(1, 1), 2);
  const pendingRemote = remote.hang();
  const pendingLocal = local.hang();
  await client.close();
  await assert.rejects(withDeadline(pendingRemote, 30_000, 'the remote call to fail'), RpcConnectionError);
  await assert.rejects(withDeadline(pendingLocal, 30_000, 'the local call to fail'), RpcConnectionError);
  await assert.rejects(remote.add(1, 1), RpcConnectionError);
  await assert.rejects(local.add(1, 1), RpcConnectionError);
  // close() is idempotent.
  await client.close();
});

test('when the remote service goes away, pending calls fail at once, onDisconnect fires, and the next call reconnects', async () => {
  const { service: server } = await services.start();
  server.register('test', createEndpoint());
  const port = server.port;
  const { service: client } = await services.start();
  const disconnects: string[] = [];
  client.onDisconnect((a) => disconnects.push(a));
  const gateway = client.connect<TestGateway>(`127.0.0.1:${port}/test`, { timeoutMs: 60_000 });
  assert.equal(await gateway.add(1, 1), 2);

  const pending = gateway.hang();
  await server.close();
  await assert.rejects(withDeadline(pending, 30_000, 'the pending call to fail'), (e: unknown) => {
    assert.ok(e instanceof RpcConnectionError);
    assert.equal(e.code, 'ERR_RPC_CONNECTION');
    assert.match(e.message, /was lost while invoking hang/);
    assert.match(e.message, /check that the process is running/);
    return true;
  });
  await eventually(() => disconnects.length > 0, 30_000, 'onDisconnect');
  assert.deepStrictEqual(disconnects, [`127.0.0.1:${port}`]);

  // Nothing listens now: the call fails with a connection error naming the address.
  await assert.rejects(gateway.add(1, 1), (e: unknown) => {
    assert.ok(e instanceof RpcConnectionError);
    assert.match(e.message, new RegExp(`Could not connect to 127\\.0\\.0\\.1:${port}/test to invoke add`));
    return true;
  });

  // A new service on the same port is reached by the next call.
  const { service: restarted } = await services.start({ port });
  restarted.register('test', createEndpoint());
  assert.equal(await gateway.add(2, 2), 4);
});

test('the server hears of a client that disconnects, under the client’s advertised address', async () => {
  const { server, client } = await startPair();
  const disconnects: string[] = [];
  const remove = server.onDisconnect((a) => disconnects.push(a));
  assert.equal(await client.connect<TestGateway>(server.addressOf('test')).add(1, 1), 2);
  const clientBase = client.addressOf('x').replace(/\/x$/, '');
  await client.close();
  await eventually(() => disconnects.length > 0, 30_000, 'onDisconnect at the server');
  assert.deepStrictEqual(disconnects, [clientBase]);
  remove();
});

test('calls to this service’s own addresses go straight to the endpoint object, still asynchronously', async () => {
  const { service } = await services.start();
  const received: unknown[] = [];
  let leader = 'L1';
  const endpoint = {
    take(value: unknown) {
      received.push(value);
      return Promise.resolve(value);
    },
    boom(): Promise<never> {
      return Promise.reject(new SlotTakenError('local failure'));
    },
  };
  service.register('self', endpoint);
  service.register('fenced', endpoint, { fencingToken: () => leader });
  interface SelfGateway {
    take<T>(value: T): Promise<T>;
    boom(): Promise<never>;
  }
  const gateway = service.connect<SelfGateway>(service.addressOf('self'));
  const argument = { nested: { list: [1] } };
  const promise = gateway.take(argument);
  assert.equal(received.length, 0, 'the method does not run inside the caller');
  const result = await promise;
  assert.equal(received[0], argument, 'the argument is the same object: nothing was serialised');
  assert.equal(result, argument);

  // The endpoint's error is rethrown as it is.
  await assert.rejects(gateway.boom(), SlotTakenError);
  // A bare name is an endpoint of this service.
  assert.equal(await service.connect<SelfGateway>('self').take(5), 5);
  // Fencing, unknown endpoints and timeouts behave as for remote calls.
  assert.equal(await service.connect<SelfGateway>('fenced', { fencingToken: 'L1' }).take(1), 1);
  leader = 'L2';
  await assert.rejects(service.connect<SelfGateway>('fenced', { fencingToken: 'L1' }).take(1), FencingTokenMismatchError);
  await assert.rejects(service.connect<SelfGateway>('missing').take(1), RpcEndpointNotFoundError);
  service.register('slow', { hang: never });
  await assert.rejects(service.connect<{ hang(): Promise<never> }>('slow', { timeoutMs: 50 }).hang(), RpcTimeoutError);
});

test('a gateway is not mistaken for a promise', async () => {
  const { server, client } = await startPair();
  const gateway = client.connect<TestGateway>(server.addressOf('test'));
  assert.equal((gateway as unknown as { then?: unknown }).then, undefined);
  // Resolving a promise with the gateway must not call a remote `then`.
  const resolved = await Promise.resolve(gateway);
  assert.equal(await resolved.add(1, 2), 3);
});

test('arguments too large for a message fail that call alone', async () => {
  const { service: server } = await services.start({ maxFrameBytes: 4096 });
  server.register('test', createEndpoint());
  const { service: client } = await services.start({ maxFrameBytes: 4096 });
  const gateway = client.connect<TestGateway>(server.addressOf('test'));
  await assert.rejects(gateway.echo(new Uint8Array(10_000)), (e: unknown) => {
    assert.ok(e instanceof RpcSerializationError);
    assert.match(e.message, /Could not send echo to .*: its arguments are \d+ bytes, above the maximum RPC message size of 4096 bytes/);
    return true;
  });
  await assert.rejects(gateway.echo(Symbol('not data')), RpcSerializationError);
  assert.equal(await gateway.add(1, 2), 3);
});

test('a result too large for a message fails the call with the reason', async () => {
  const { service: server } = await services.start({ maxFrameBytes: 4096 });
  server.register('big', { get: () => Promise.resolve(new Uint8Array(10_000)) });
  const { service: client } = await services.start();
  await assert.rejects(client.connect<{ get(): Promise<Uint8Array> }>(server.addressOf('big')).get(), (e: unknown) => {
    assert.ok(e instanceof RemoteRpcError);
    assert.equal(e.remoteClass, 'RpcSerializationError');
    assert.match(e.message, /The result of get could not be sent back/);
    return true;
  });
});

test('a frame above the maximum size closes the connection with a logged reason', async () => {
  const { service: server, sink } = await services.start({ maxFrameBytes: 1024 });
  const socket = netConnect(server.port, '127.0.0.1');
  openSockets.push(socket);
  // Reading lets the socket see the server's end of the stream (after the unread hello).
  socket.resume();
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('error', () => undefined);
  const header = Buffer.alloc(4);
  header.writeUInt32BE(0x7fffffff, 0);
  socket.write(header);
  await withDeadline(closed, 30_000, 'the server to close the connection');
  await eventually(() => sink.lines.some((l) => l.includes('exceeds the maximum')), 30_000, 'the log line');
  assert.match(sink.lines.find((l) => l.includes('exceeds the maximum')) ?? '', /WARN .*Closing the RPC connection from 127\.0\.0\.1:\d+: protocol error/);
});

test('a connection that does not authenticate in time is closed', async () => {
  const { service: server, sink } = await services.start({ askTimeoutMs: 100 });
  const socket = netConnect(server.port, '127.0.0.1');
  openSockets.push(socket);
  socket.resume();
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  await withDeadline(closed, 30_000, 'the server to close the silent connection');
  assert.ok(sink.lines.some((l) => l.includes('did not authenticate within 100 ms')), sink.lines.join(''));
});

test('connecting to a port that does not speak the protocol fails with a connection error', async () => {
  const silent = createServer((socket) => openSockets.push(socket));
  openServers.push(silent);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as { port: number }).port;
  const { service: client } = await services.start({ askTimeoutMs: 100 });
  await assert.rejects(client.connect<TestGateway>(`127.0.0.1:${port}/x`, { timeoutMs: 60_000 }).add(1, 1), (e: unknown) => {
    assert.ok(e instanceof RpcConnectionError);
    assert.match(e.message, /no RPC handshake within 100 ms/);
    return true;
  });
});

test('the secret is never sent over the connection', async () => {
  // A fake server records everything the client sends during a handshake.
  const received: Buffer[] = [];
  const fake = createServer((socket) => {
    openSockets.push(socket);
    socket.write(encodeFrame({ t: 'hello', v: 1, nonce: new Uint8Array(32).fill(9) }, 1024));
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      socket.destroy();
    });
  });
  openServers.push(fake);
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  const port = (fake.address() as { port: number }).port;
  const { service: client } = await services.start();
  await assert.rejects(client.connect<TestGateway>(`127.0.0.1:${port}/x`).add(1, 1), RpcConnectionError);
  const bytes = Buffer.concat(received);
  assert.ok(bytes.length > 0);
  assert.equal(bytes.indexOf(Buffer.from(SECRET)), -1);
});

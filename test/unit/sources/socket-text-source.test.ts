import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';

import { SocketTextSource } from '../../../src/api/sources/socket-text-source.js';
import { createReader, drain } from './source-test-harness.js';

const connections = new Set<Socket>();

/** A loopback server that runs `onConnection` for the n-th connection (0-based). */
async function startServer(onConnection: (socket: Socket, n: number) => void): Promise<{ server: Server; port: number }> {
  let n = 0;
  const server = createServer((socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    onConnection(socket, n++);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** Stops listening and drops connections the client side left open. */
async function stopServer(server: Server): Promise<void> {
  for (const socket of connections) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => {
    resolve();
  }));
}

test('emits newline-separated lines, strips CR before LF, and ends when the server closes', async () => {
  const { server, port } = await startServer((socket) => {
    socket.write('hello world\r\nsecond line\n');
    // A multi-byte character split across writes must still decode.
    const bytes = Buffer.from('grüße\n日本語\n', 'utf8');
    socket.write(bytes.subarray(0, 3));
    setTimeout(() => socket.end(Buffer.concat([bytes.subarray(3), Buffer.from('no newline at end')])), 20);
  });
  try {
    const reader = createReader(new SocketTextSource('127.0.0.1', port));
    await reader.start();
    assert.deepEqual(await drain(reader), ['hello world', 'second line', 'grüße', '日本語', 'no newline at end']);
    await reader.close();
  } finally {
    await stopServer(server);
  }
});

test('splits on a custom delimiter and keeps CR when the delimiter is not a newline', async () => {
  const { server, port } = await startServer((socket) => {
    socket.end('a;;b\r;;c');
  });
  try {
    const reader = createReader(new SocketTextSource('127.0.0.1', port, ';;'));
    await reader.start();
    assert.deepEqual(await drain(reader), ['a', 'b\r', 'c']);
    await reader.close();
  } finally {
    await stopServer(server);
  }
});

test('a refused connection with no retries fails start() naming host:port', async () => {
  const { server, port } = await startServer(() => undefined);
  await stopServer(server);
  const reader = createReader(new SocketTextSource('127.0.0.1', port));
  await assert.rejects(Promise.resolve(reader.start()), (e: Error) => e.message.includes(`127.0.0.1:${port}`));
  await reader.close();
});

test('with retries it reconnects after the server closes and ends once retries are used up', async () => {
  const { server, port } = await startServer((socket, n) => {
    socket.end(`connection ${n}\n`);
  });
  try {
    const reader = createReader(new SocketTextSource('127.0.0.1', port, '\n', 2));
    await reader.start();
    assert.deepEqual(await drain(reader), ['connection 0', 'connection 1', 'connection 2']);
    await reader.close();
  } finally {
    await stopServer(server);
  }
});

test('a large burst is delivered completely to a consumer that polls slowly', async () => {
  const lines = Array.from({ length: 20_000 }, (_, i) => `record ${i}`);
  const { server, port } = await startServer((socket) => {
    socket.end(lines.join('\n') + '\n');
  });
  try {
    const reader = createReader(new SocketTextSource('127.0.0.1', port));
    await reader.start();
    const received: string[] = [];
    for (;;) {
      const status = reader.pollNext({ collect: (v) => received.push(v) });
      if (status === 'END_OF_INPUT') break;
      if (status === 'NOTHING_AVAILABLE') await reader.isAvailable();
      // Yield so the socket keeps filling the buffer past the pause threshold.
      else await new Promise((resolve) => setImmediate(resolve));
    }
    assert.deepEqual(received, lines);
    await reader.close();
  } finally {
    await stopServer(server);
  }
});

test('close() while connected stops the reader', async () => {
  const { server, port } = await startServer((socket) => {
    socket.write('first\n');
  });
  try {
    const reader = createReader(new SocketTextSource('127.0.0.1', port));
    await reader.start();
    assert.deepEqual(await drain(reader, 1), ['first']);
    await reader.close();
    assert.equal(reader.pollNext({ collect: () => undefined }), 'END_OF_INPUT');
  } finally {
    await stopServer(server);
  }
});

test('is unbounded, non-parallel and named Socket Stream', () => {
  const source = new SocketTextSource('localhost', 9999);
  assert.equal(source.boundedness, 'CONTINUOUS_UNBOUNDED');
  assert.equal(source.maxParallelism, 1);
  assert.equal(source.defaultName, 'Socket Stream');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { RpcProtocolError, RpcSerializationError } from '../../../src/runtime/rpc/rpc-errors.js';
import { FrameDecoder, encodeFrame } from '../../../src/runtime/rpc/rpc-framing.js';

test('a frame is a 4-byte big-endian length followed by the msgpack body', () => {
  const frame = encodeFrame({ t: 'x' }, 1024);
  assert.equal(frame.readUInt32BE(0), frame.length - 4);
  assert.deepStrictEqual(new FrameDecoder().push(frame), [{ t: 'x' }]);
});

test('frames split across reads and several frames in one read are decoded in order', () => {
  const messages = [{ a: 1 }, { b: 'two', bytes: new Uint8Array(300).fill(7) }, [1, 2, 3], 'last'];
  const stream = Buffer.concat(messages.map((m) => encodeFrame(m, 1 << 20)));

  // One byte at a time.
  const byByte = new FrameDecoder();
  const decoded: unknown[] = [];
  for (let i = 0; i < stream.length; i++) decoded.push(...byByte.push(stream.subarray(i, i + 1)));
  assert.deepStrictEqual(decoded, messages);

  // All at once.
  assert.deepStrictEqual(new FrameDecoder().push(stream), messages);

  // Uneven reads that cut headers and bodies.
  const uneven = new FrameDecoder();
  const parts: unknown[] = [];
  for (let i = 0; i < stream.length; i += 7) parts.push(...uneven.push(stream.subarray(i, i + 7)));
  assert.deepStrictEqual(parts, messages);
});

test('decoded byte arrays do not share memory with the reads', () => {
  const frame = encodeFrame({ bytes: new Uint8Array([1, 2, 3]) }, 1024);
  const [message] = new FrameDecoder().push(frame) as [{ bytes: Uint8Array }];
  frame.fill(0);
  assert.deepStrictEqual(message.bytes, new Uint8Array([1, 2, 3]));
});

test('a frame above the maximum is a protocol error', () => {
  const header = Buffer.alloc(4);
  header.writeUInt32BE(2048, 0);
  assert.throws(() => new FrameDecoder(1024).push(header), (e: unknown) => {
    assert.ok(e instanceof RpcProtocolError);
    assert.match(e.message, /2048 bytes, which exceeds the maximum of 1024 bytes/);
    return true;
  });
});

test('a body that is not msgpack is a protocol error', () => {
  // A fixarray announcing two elements but holding one, and an empty body.
  assert.throws(() => new FrameDecoder().push(Buffer.from([0, 0, 0, 2, 0x92, 0x01])), RpcProtocolError);
  assert.throws(() => new FrameDecoder().push(Buffer.from([0, 0, 0, 0])), RpcProtocolError);
});

test('encoding refuses bodies above the maximum and values that are not data', () => {
  assert.throws(() => encodeFrame(new Uint8Array(2000), 1024), (e: unknown) => {
    assert.ok(e instanceof RpcSerializationError);
    assert.match(e.message, /above the maximum RPC message size of 1024 bytes/);
    return true;
  });
  assert.throws(() => encodeFrame({ s: Symbol('x') }, 1024), RpcSerializationError);
});

test('an encoded frame owns its memory, so a later encode cannot change it', () => {
  const first = encodeFrame({ n: 1 }, 1024);
  const copy = Buffer.from(first);
  encodeFrame({ n: 2 }, 1024);
  assert.deepStrictEqual(first, copy);
});

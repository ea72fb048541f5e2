/**
 * The receiving process of wordcount-cluster's hand-written baseline: listens on a loopback port
 * (printed as `ready <port>`), reads length-prefixed msgpack frames of `[word, count]` tuples from
 * one connection, counts them per word in a Map, and when the sender ends the connection prints
 * `{"records": …, "keys": …, "sum": …, "cpuMs": …}` (CPU time this process spent from the
 * connection on) and exits. Frame: u32 little-endian payload length, then a
 * msgpack array of tuples.
 */
import { createServer } from 'node:net';
import { orphanGuard } from './receiver-process.js';
import type { Socket } from 'node:net';
import { Unpackr } from 'msgpackr';

const unpackr = new Unpackr({ useRecords: false });
const counts = new Map<string, number>();
let records = 0;

/**
 * Reassembles frames from socket chunks. Chunks are kept as a list and joined only when a frame
 * spans them, so a chunk holding whole frames is decoded in place without a copy.
 */
class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer, onFrame: (payload: Buffer) => void): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.buffered < 4) return;
      let head = this.chunks[0] as Buffer;
      if (head.length < 4) head = this.join();
      const length = head.readUInt32LE(0);
      if (this.buffered < 4 + length) return;
      if (head.length < 4 + length) head = this.join();
      onFrame(head.subarray(4, 4 + length));
      const rest = head.subarray(4 + length);
      this.buffered -= 4 + length;
      if (rest.length > 0) this.chunks[0] = rest;
      else this.chunks.shift();
    }
  }

  private join(): Buffer {
    const all = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [all];
    return all;
  }
}

function count(payload: Buffer): void {
  const tuples = unpackr.unpack(payload) as [string, number][];
  for (const [word, n] of tuples) counts.set(word, (counts.get(word) ?? 0) + n);
  records += tuples.length;
}

orphanGuard();
const server = createServer({ noDelay: true }, (socket: Socket) => {
  // One sender per run: take no other connection.
  server.close();
  const cpuAtStart = process.cpuUsage();
  const reader = new FrameReader();
  socket.on('data', (chunk: Buffer) => reader.push(chunk, count));
  socket.on('end', () => {
    let sum = 0;
    for (const n of counts.values()) sum += n;
    const cpu = process.cpuUsage(cpuAtStart);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    process.stdout.write(`${JSON.stringify({ records, keys: counts.size, sum, cpuMs })}\n`, () => process.exit(0));
  });
  socket.on('error', (error) => {
    process.stderr.write(`receiver: ${error.message}\n`);
    process.exit(1);
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  process.stdout.write(`ready ${address.port}\n`);
});

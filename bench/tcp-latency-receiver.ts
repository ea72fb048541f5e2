/**
 * The receiving process of the latency benchmark's baseline: listens on a loopback port (printed
 * as `ready <port>`), reads `<index> <created-ms>\n` lines from one connection, and measures each
 * record's latency on the host's monotonic clock (the sender stamps with the same clock). When the
 * sender ends the connection it prints the latencies of the records at or past `argv[2]` (the
 * warm-up to skip) as a JSON array, and exits.
 */
import { createServer } from 'node:net';
import { orphanGuard } from './receiver-process.js';

const warmUp = Number(process.argv[2] ?? 0);

function monotonicMs(): number {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
}

const latencies: number[] = [];
orphanGuard();
const server = createServer({ noDelay: true }, (socket) => {
  server.close();
  let partial = '';
  socket.setEncoding('utf8');
  socket.on('data', (text: string) => {
    // Read the clock once per chunk: the records in it arrived together.
    const now = monotonicMs();
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const space = line.indexOf(' ');
      if (Number(line.slice(0, space)) >= warmUp) latencies.push(now - Number(line.slice(space + 1)));
    }
  });
  socket.on('end', () => process.stdout.write(`${JSON.stringify(latencies)}\n`, () => process.exit(0)));
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

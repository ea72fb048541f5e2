/**
 * A real redis-server for tests, on a free loopback port in a temporary directory. `restart()`
 * stops it and starts it again on the same port with the same data: the tests of what happens
 * when Redis goes away and comes back. Persistence is the append-only file, as
 * docs/deployment-pool.md tells production setups to use.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './eventually.js';

export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly dir: string;
  /** Stops the server (SIGKILL when `crash`, else a clean SHUTDOWN that writes its data). */
  stop(options?: { crash?: boolean }): Promise<void>;
  /** Starts it again on the same port with the same data directory. */
  start(): Promise<void>;
  restart(): Promise<void>;
  /** Stops it for good and removes its directory. */
  destroy(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let text = '';
    socket.setTimeout(500, () => socket.destroy());
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      text += chunk.toString();
      if (text.includes('\r\n')) {
        socket.end();
        resolve(text.startsWith('+PONG'));
      }
    });
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(text.startsWith('+PONG')));
  });
}

/** Files of a TLS Redis: its CA (what clients trust) and its certificate for 127.0.0.1. */
export interface RedisTls {
  readonly caFile: string;
}

/**
 * A CA and a server certificate for 127.0.0.1, made with the openssl CLI in `dir`; the server
 * then listens with TLS only.
 */
function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const run = (...args: string[]): void => {
    const result = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${result.stderr}`);
  };
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=flink-ts test CA', '-keyout', 'ca.key', '-out', 'ca.crt');
  run('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'server.key', '-out', 'server.csr');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', 'san.ext', '-out', 'server.crt');
  return { ca: join(dir, 'ca.crt'), cert: join(dir, 'server.crt'), key: join(dir, 'server.key') };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/**
 * `appendfsync` is `always` by default (a restart in a test must not lose the last second of
 * state); benchmarks pass `everysec`, Redis's default and what docs/deployment-pool.md advises.
 */
export async function startRedis(options: { tls?: boolean; appendfsync?: 'always' | 'everysec' } = {}): Promise<RedisServer & { tls?: RedisTls }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'flink-ts-redis-'));
  const certificates = options.tls === true ? makeCertificates(dir) : undefined;
  const listen = certificates === undefined
    ? ['--port', String(port)]
    : ['--port', '0', '--tls-port', String(port), '--tls-cert-file', certificates.cert, '--tls-key-file', certificates.key, '--tls-ca-cert-file', certificates.ca, '--tls-auth-clients', 'no'];
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async (): Promise<void> => {
    child = spawn('redis-server', [...listen, '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', options.appendfsync ?? 'always', '--protected-mode', 'no'], {
      stdio: 'ignore',
    });
    const current = child;
    exited = new Promise((resolve) => current.once('exit', () => resolve()));
    // A TLS server does not answer a plain PING: its port accepting connections is enough.
    await eventually(() => (certificates === undefined ? answersPing(port) : accepts(port)), `redis-server on port ${port}`, 10_000, 20);
  };

  const stop = async (options: { crash?: boolean } = {}): Promise<void> => {
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    child.kill(options.crash === true ? 'SIGKILL' : 'SIGTERM');
    await exited;
    child = undefined;
  };

  await start();
  return {
    port,
    url: `${certificates === undefined ? 'redis' : 'rediss'}://127.0.0.1:${port}`,
    ...(certificates === undefined ? {} : { tls: { caFile: certificates.ca } }),
    dir,
    stop,
    start,
    restart: async () => {
      await stop();
      await start();
    },
    destroy: async () => {
      await stop({ crash: true });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Real OpenSSH servers for tests: one `sshd -D -e` per loopback address (127.0.0.2, 127.0.0.3,
 * …), each standing for a host of its own. Linux routes all of 127.0.0.0/8 to loopback, so the
 * addresses need no setup.
 *
 * Everything is generated per run in one temp directory: an ed25519 host key per host, a client
 * key pair that is authorized and one that is not, `authorized_keys`, a `known_hosts` with every
 * host's key, and an `sshd_config` per host. Each host gets its own home directory (sshd's
 * `SetEnv HOME=`), so files a test's processes write "on a host" are separate per host, as on
 * real machines, and nothing lands in the real home directory.
 *
 * All hosts listen on the same port (each on its own address), as real hosts do, so one
 * `launcher.ssh.port` reaches all of them, including the master of conf/masters, which has no
 * SSH port of its own.
 *
 * No fixed sleeps: a server counts as up once it sent its SSH banner; stop() sends SIGTERM and
 * waits for the process to end.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const SSHD = '/usr/sbin/sshd';
const SSH_KEYGEN = 'ssh-keygen';
const READY_TIMEOUT_MS = 10_000;

/** One sshd, i.e. one "host". */
export interface SshdHost {
  /** `127.0.0.N`. */
  readonly address: string;
  readonly port: number;
  /** Its home directory (HOME of every login). */
  readonly home: string;
  /** Its host key's public half (`ssh-ed25519 AAAA…`). */
  readonly publicKey: string;
  /** `SHA256:…` of its host key, as ssh-keygen -l prints it. */
  readonly fingerprint: string;
  /** The sshd process id. */
  readonly pid: number;
}

export interface SshdHosts {
  readonly dir: string;
  readonly hosts: readonly SshdHost[];
  /** The login user (the user running the tests). */
  readonly user: string;
  /** The port all hosts listen on. */
  readonly port: number;
  /** Private key that every host accepts. */
  readonly identityFile: string;
  /** Private key that no host accepts. */
  readonly unauthorizedIdentityFile: string;
  /** known_hosts with every host (`[127.0.0.N]:port ssh-ed25519 …`). */
  readonly knownHosts: string;
  /** Lines sshd wrote to stderr (logins, errors), per address; for failure messages. */
  log(address: string): string;
  stop(): Promise<void>;
}

export interface SshdOptions {
  /** How many hosts. @default 2 */
  readonly count?: number;
  /** Last byte of the first address. @default 2 (127.0.0.2) */
  readonly firstAddress?: number;
  /** Environment of every login, on top of HOME (e.g. `{ PATH: '/opt/node/bin:/usr/bin:/bin' }`). */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * More sshd_config lines for every host (e.g. `MaxSessions 2`). sshd keeps the first value of
   * a keyword, so these come first and win; use `env` rather than a `SetEnv` line.
   */
  readonly extraConfig?: readonly string[];
}

function run(command: string, args: readonly string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error !== undefined) throw new Error(`${command} failed to run: ${result.error.message}. Install openssh-server (apt-get install openssh-server).`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${String(result.status)}: ${result.stderr}`);
  return result.stdout;
}

function generateKey(path: string): void {
  run(SSH_KEYGEN, ['-q', '-t', 'ed25519', '-N', '', '-C', 'flink-ts-test', '-f', path]);
  // OpenSSH refuses keys others can read.
  chmodSync(path, 0o600);
}

function fingerprintOf(publicKeyFile: string): string {
  const match = /SHA256:[A-Za-z0-9+/]+/.exec(run(SSH_KEYGEN, ['-l', '-f', publicKeyFile]));
  if (match === null) throw new Error(`no fingerprint for ${publicKeyFile}`);
  return match[0];
}

function canBind(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, address, () => server.close(() => resolve(true)));
  });
}

/** A port that is free on every address right now. */
async function freePortOnAll(addresses: readonly string[]): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, addresses[0], () => {
        const address = server.address();
        const chosen = typeof address === 'object' && address !== null ? address.port : 0;
        server.close(() => resolve(chosen));
      });
    });
    const free = await Promise.all(addresses.map((a) => canBind(a, port)));
    if (free.every(Boolean)) return port;
  }
  throw new Error(`no port free on all of ${addresses.join(', ')}`);
}

/** Resolves once the server at address:port sends its SSH banner. */
async function waitForBanner(address: string, port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let delay = 5;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`sshd on ${address}:${port} exited (${String(child.exitCode ?? child.signalCode)}) before it was ready:\n${stderr()}`);
    }
    const banner = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: address, port });
      socket.setTimeout(1_000);
      socket.once('data', (data: Buffer) => {
        socket.destroy();
        resolve(data.toString('latin1').startsWith('SSH-'));
      });
      socket.once('error', () => resolve(false));
      socket.once('timeout', () => {
        socket.destroy();
        resolve(false);
      });
    });
    if (banner) return;
    if (Date.now() >= deadline) throw new Error(`sshd on ${address}:${port} sent no banner within ${READY_TIMEOUT_MS} ms:\n${stderr()}`);
    await sleep(delay);
    delay = Math.min(delay * 2, 100);
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts `count` sshd hosts.
 * @throws Error saying to install openssh-server when sshd or ssh-keygen is missing.
 */
export async function startSshdHosts(options: SshdOptions = {}): Promise<SshdHosts> {
  if (!existsSync(SSHD)) throw new Error(`${SSHD} not found: install openssh-server (apt-get install openssh-server) to run the SSH tests.`);
  const count = options.count ?? 2;
  const first = options.firstAddress ?? 2;
  const addresses = Array.from({ length: count }, (_, i) => `127.0.0.${first + i}`);
  // sshd's privilege separation directory; missing on machines where sshd never ran.
  try {
    mkdirSync('/run/sshd', { recursive: true });
  } catch (error) {
    throw new Error(`sshd needs /run/sshd, which cannot be created here (${(error as Error).message}): run \`mkdir -p /run/sshd\` as root once.`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'flink-ts-sshd-'));
  const user = userInfo().username;
  const identityFile = join(dir, 'id_ed25519');
  const unauthorizedIdentityFile = join(dir, 'id_unauthorized');
  generateKey(identityFile);
  generateKey(unauthorizedIdentityFile);
  const authorizedKeys = join(dir, 'authorized_keys');
  writeFileSync(authorizedKeys, readFileSync(`${identityFile}.pub`), { mode: 0o600 });

  const children: ChildProcess[] = [];
  const logs = new Map<string, string>();
  const hosts: SshdHost[] = [];
  let port = 0;
  try {
    for (let attempt = 1; ; attempt++) {
      port = await freePortOnAll(addresses);
      try {
        for (const address of addresses) {
          const hostDir = join(dir, address);
          const home = join(hostDir, 'home');
          mkdirSync(home, { recursive: true });
          const hostKey = join(hostDir, 'ssh_host_ed25519_key');
          if (!existsSync(hostKey)) generateKey(hostKey);
          const config = join(hostDir, 'sshd_config');
          writeFileSync(
            config,
            [
              ...(options.extraConfig ?? []),
              `HostKey ${hostKey}`,
              `PidFile ${join(hostDir, 'sshd.pid')}`,
              `AuthorizedKeysFile ${authorizedKeys}`,
              'UsePAM no',
              'PasswordAuthentication no',
              'KbdInteractiveAuthentication no',
              'PubkeyAuthentication yes',
              // The temp dir's modes are not what StrictModes wants for a home directory.
              'StrictModes no',
              // The tests may run as root (containers, CI).
              'PermitRootLogin yes',
              // One SetEnv line: sshd uses only the first.
              `SetEnv ${Object.entries({ HOME: home, ...options.env }).map(([k, v]) => `${k}=${v}`).join(' ')}`,
              // start-cluster opens one connection per host, several channels on each.
              'MaxStartups 100',
              'MaxSessions 32',
              'Subsystem sftp internal-sftp',
              'LogLevel VERBOSE',
              '',
            ].join('\n'),
          );
          logs.set(address, '');
          const child = spawn(SSHD, ['-D', '-e', '-f', config, '-p', String(port), '-o', `ListenAddress=${address}`], { stdio: ['ignore', 'ignore', 'pipe'] });
          children.push(child);
          child.stderr?.setEncoding('utf8').on('data', (chunk: string) => logs.set(address, `${logs.get(address) ?? ''}${chunk}`.slice(-64 * 1024)));
          await waitForBanner(address, port, child, () => logs.get(address) ?? '');
          const publicKey = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
          hosts.push({ address, port, home, publicKey, fingerprint: fingerprintOf(`${hostKey}.pub`), pid: child.pid ?? -1 });
        }
        break;
      } catch (error) {
        // Another process may have taken the port between the check and sshd's bind.
        await Promise.all(children.splice(0).map(stopProcess));
        hosts.splice(0);
        if (attempt >= 3 || !/Address already in use|Cannot bind/i.test(String(error))) throw error;
      }
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, hosts.map((h) => `[${h.address}]:${h.port} ${h.publicKey}\n`).join(''));
  return {
    dir,
    hosts,
    user,
    port,
    identityFile,
    unauthorizedIdentityFile,
    knownHosts,
    log: (address) => logs.get(address) ?? '',
    stop: async () => {
      await Promise.all(children.map(stopProcess));
      if (process.env.FLINK_TS_KEEP_TEST_DIRS !== '1') rmSync(dir, { recursive: true, force: true });
    },
  };
}

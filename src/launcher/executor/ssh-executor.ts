/**
 * {@link RemoteExecutor} over SSH (ssh2): one connection per host, opened on first use and reused
 * by every command, file write and upload until {@link SshExecutor.close}. A command costs sshd
 * about 90 ms of session setup even on an open connection, and a new connection twice that
 * (perf-baselines §8), so the launcher never connects twice to a host within one operation.
 *
 * - The TCP socket is opened here with `setNoDelay(true)`: with Nagle's algorithm, every exec
 *   waits ~45 ms more for the ack of its small request packets.
 * - Host keys are checked against known_hosts as OpenSSH does with `StrictHostKeyChecking yes`
 *   (or `accept-new`): an unknown host is refused showing its fingerprint, a changed key is always
 *   refused, a revoked one too.
 * - Logins try `launcher.ssh.identity-file` alone when it is set; otherwise ssh-agent, then
 *   ~/.ssh/id_ed25519, id_ecdsa, id_rsa. A refusal names the user, host and every key offered.
 */
import { lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { connect as connectTcp } from 'node:net';
import { join, posix } from 'node:path';
import ssh2 from 'ssh2';
import type { AnyAuthMethod, ClientChannel, ParsedKey, SFTPWrapper, Client as SshClient } from 'ssh2';
import { formatDuration } from '../../config/index.js';
import { ensureError } from '../../core/errors.js';
import { Semaphore, mapConcurrent } from '../concurrency.js';
import type { HostSpec } from '../host-spec.js';
import { formatHostSpec } from '../host-spec.js';
import { SshAuthError, SshChannelError, SshConnectError, SshHostKeyError, RemoteTimeoutError } from '../launcher-errors.js';
import type { SshSettings } from '../launcher-options.js';
import { shellCommand } from '../shell-quote.js';
import type { KnownHostEntry } from './known-hosts.js';
import { appendKnownHost, keyFingerprint, keyTypeLabel, keyTypeOf, knownHostsName, knownKeyTypes, readKnownHostsFiles, verifyHostKey } from './known-hosts.js';
import type { ExecOptions, ExecResult, RemoteExecutor, UploadOptions } from './remote-executor.js';

const { Client, utils } = ssh2;

/** OpenSSH's default MaxSessions is 10; staying below leaves room for an SFTP session. */
const MAX_CHANNELS_PER_CONNECTION = 8;
/** Files written at once during an upload. */
const UPLOAD_CONCURRENCY = 32;
/** How long close() waits for the server to acknowledge the disconnect. */
const CLOSE_TIMEOUT_MS = 2_000;
/** Keepalives find a dead connection that the launcher (or a ResourceManager) keeps open for long. */
const KEEPALIVE_INTERVAL_MS = 15_000;
const KEEPALIVE_COUNT_MAX = 4;

// ssh2 names host key algorithms; known_hosts names key types. For each type, the algorithms
// that produce a key of that type, so the server is asked for a key the file knows.
const ALGORITHMS_OF_KEY_TYPE: Readonly<Record<string, readonly string[]>> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

type SshError = Error & { level?: string; code?: string };

/** Receives notes for the user, e.g. that a host key was added to known_hosts. */
export type NoticeSink = (line: string) => void;

interface AuthCandidate {
  /** What was offered, for the error message. */
  readonly label: string;
  readonly method: AnyAuthMethod;
}

export class SshExecutor implements RemoteExecutor {
  readonly displayName: string;
  private connection: Promise<SshClient> | undefined;
  private sftpSession: Promise<SFTPWrapper> | undefined;
  private readonly channels = new Semaphore(MAX_CHANNELS_PER_CONNECTION);
  private readonly closedClients = new WeakSet<SshClient>();

  constructor(
    readonly host: HostSpec,
    private readonly settings: SshSettings,
    private readonly notice: NoticeSink = () => undefined,
  ) {
    this.displayName = formatHostSpec(host);
  }

  /** The login user: the hosts file's `user@`, else `launcher.ssh.user`, else the local user. */
  get user(): string {
    return this.host.user ?? this.settings.user;
  }

  /** The SSH port: the hosts file's `:port`, else `launcher.ssh.port`. */
  get port(): number {
    return this.host.port ?? this.settings.port;
  }

  async exec(command: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const client = await this.connected();
    const line = shellCommand(command, { env: options.env, cwd: options.cwd });
    return this.channels.run(() => this.runChannel(client, line, options));
  }

  async writeFile(path: string, content: string | Buffer, mode = 0o644): Promise<void> {
    const sftp = await this.sftp();
    await sftpWriteFile(sftp, path, typeof content === 'string' ? Buffer.from(content) : content, mode);
  }

  async upload(localDir: string, remoteDir: string, options: UploadOptions = {}): Promise<void> {
    const sftp = await this.sftp();
    const { dirs, files, links } = listTree(localDir, options.exclude ?? (() => false));
    await sftpMkdirs(sftp, remoteDir);
    // Parents before children: the list is in walk order.
    for (const dir of dirs) await sftpMkdir(sftp, posix.join(remoteDir, dir.path), dir.mode);
    await mapConcurrent(files, UPLOAD_CONCURRENCY, (file) =>
      sftpFastPut(sftp, join(localDir, file.path), posix.join(remoteDir, file.path), file.mode),
    );
    for (const link of links) await sftpSymlink(sftp, link.target, posix.join(remoteDir, link.path));
  }

  async close(): Promise<void> {
    const pending = this.connection;
    this.connection = undefined;
    this.sftpSession = undefined;
    if (pending === undefined) return;
    let client: SshClient;
    try {
      client = await pending;
    } catch {
      return;
    }
    if (this.closedClients.has(client)) return;
    await new Promise<void>((resolve) => {
      // A server that does not answer the disconnect must not keep the launcher waiting.
      const timer = setTimeout(() => {
        client.destroy();
        resolve();
      }, CLOSE_TIMEOUT_MS);
      client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      client.end();
    });
  }

  /** The open connection, connecting first when there is none (or the last one broke). */
  private connected(): Promise<SshClient> {
    if (this.connection === undefined) {
      const pending: { promise?: Promise<SshClient> } = {};
      const connecting = this.connect(pending);
      pending.promise = connecting;
      this.connection = connecting;
      // A failed attempt is not cached: the next command tries again.
      connecting.catch(() => {
        if (this.connection === connecting) this.connection = undefined;
      });
    }
    return this.connection;
  }

  private sftp(): Promise<SFTPWrapper> {
    if (this.sftpSession === undefined) {
      const session = this.connected().then(
        (client) =>
          new Promise<SFTPWrapper>((resolve, reject) => {
            client.sftp((error, sftp) => {
              if (error !== undefined) reject(new SshChannelError(`Could not open an SFTP session on ${this.displayName}: ${error.message}`, this.host.host, { cause: error }));
              else resolve(sftp);
            });
          }),
      );
      this.sftpSession = session;
      session.catch(() => {
        if (this.sftpSession === session) this.sftpSession = undefined;
      });
    }
    return this.sftpSession;
  }

  /** `self.promise` is this very connection attempt, for the close handler to recognise it. */
  private async connect(self: { promise?: Promise<SshClient> }): Promise<SshClient> {
    const { host } = this.host;
    const port = this.port;
    const user = this.user;
    const timeoutMs = this.settings.connectTimeoutMs;
    const knownHosts = readKnownHostsFiles(this.settings.knownHostsFiles);
    const name = knownHostsName(host, port);
    const candidates = this.authCandidates();
    const preferred = knownKeyTypes(knownHosts, name).flatMap((type) => ALGORITHMS_OF_KEY_TYPE[type] ?? []);

    return await new Promise<SshClient>((resolve, reject) => {
      const client = new Client();
      let hostKeyError: Error | undefined;
      let attempt = 0;
      let settled = false;
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        client.end();
        reject(error);
      };
      client.once('ready', () => {
        settled = true;
        // Errors after the handshake (a dropped connection) reach the pending command as a
        // closed channel; the next command reconnects.
        client.on('error', () => undefined);
        client.once('close', () => {
          this.closedClients.add(client);
          // Forgotten at once, so the next command reconnects instead of using a closed client.
          if (this.connection !== undefined && this.connection === self.promise) {
            this.connection = undefined;
            this.sftpSession = undefined;
          }
        });
        resolve(client);
      });
      client.on('error', (error: SshError) => {
        if (hostKeyError !== undefined) fail(hostKeyError);
        else fail(this.connectFailure(error, candidates.map((c) => c.label)));
      });
      client.once('close', () => fail(new SshConnectError(`The SSH connection to ${host}:${port} closed during the handshake.`, host, port, 'closed during the handshake')));

      const sock = connectTcp({ host, port });
      sock.setNoDelay(true);
      const authHandler = (): AnyAuthMethod | false => candidates[attempt++]?.method ?? false;
      try {
        client.connect({
          sock,
          host,
          port,
          username: user,
          readyTimeout: timeoutMs,
          keepaliveInterval: KEEPALIVE_INTERVAL_MS,
          keepaliveCountMax: KEEPALIVE_COUNT_MAX,
          // ssh2's `prepend` skips algorithms already in its list, so they are removed first
          // (its keys are applied in order): the types known_hosts has for the host come first.
          ...(preferred.length > 0 ? { algorithms: { serverHostKey: { remove: preferred, prepend: preferred } as unknown as never } } : {}),
          // ssh2 uses the return value of the handler as the next method (false: no more).
          authHandler,
          hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
            try {
              hostKeyError = this.checkHostKey(knownHosts, name, key);
            } catch (error) {
              // accept-new could not write known_hosts: refuse rather than trust unrecorded.
              hostKeyError = new SshConnectError(`Could not record the host key of ${host}:${port}: ${ensureError(error).message}`, host, port, 'known_hosts not writable', { cause: error });
            }
            verify(hostKeyError === undefined);
          },
        });
      } catch (error) {
        sock.destroy();
        fail(ensureError(error));
      }
    });
  }

  /** Undefined when the key is trusted (possibly just added with accept-new), else why not. */
  private checkHostKey(knownHosts: readonly KnownHostEntry[], name: string, key: Buffer): SshHostKeyError | undefined {
    const { host } = this.host;
    const port = this.port;
    const fingerprint = keyFingerprint(key);
    const label = keyTypeLabel(keyTypeOf(key));
    const where = port === 22 ? `'${host}'` : `'${host} (port ${port})'`;
    const verdict = verifyHostKey(knownHosts, name, key);
    switch (verdict.kind) {
      case 'trusted':
        return undefined;
      case 'revoked':
        return new SshHostKeyError(
          `The ${label} host key of ${where} (${fingerprint}) is marked as revoked in ${verdict.entry.file}:${verdict.entry.line}; the launcher refuses to connect.`,
          host,
          port,
          'revoked',
          fingerprint,
        );
      case 'changed': {
        const expected = verdict.known
          .map((entry) => `${fingerprintOfEntry(entry)} (${keyTypeLabel(entry.keyType)}, ${entry.file}:${entry.line})`)
          .join(', ');
        return new SshHostKeyError(
          `REMOTE HOST IDENTIFICATION HAS CHANGED for ${where}: expected ${expected}, got ${fingerprint} (${label}). ` +
            `Someone could be intercepting the connection, or the host's key was replaced. If the change is expected, remove the old entry ` +
            `(ssh-keygen -R '${name}' -f ${verdict.known[0]?.file ?? this.settings.knownHostsFile}) and try again; the launcher never accepts a changed key by itself.`,
          host,
          port,
          'changed',
          fingerprint,
        );
      }
      case 'unknown': {
        const file = this.settings.knownHostsFile;
        if (this.settings.strictHostKeyChecking === 'accept-new') {
          appendKnownHost(file, name, key);
          this.notice(`Warning: Permanently added '${name}' (${label}) to the list of known hosts (${file}).`);
          return undefined;
        }
        const keyscan = `ssh-keyscan ${port === 22 ? '' : `-p ${port} `}${host} >> ${file}`;
        return new SshHostKeyError(
          `The authenticity of host ${where} can't be established. ${label} key fingerprint is ${fingerprint}. ` +
            `Add it to ${file} (e.g. \`${keyscan}\`, after checking the fingerprint) or set launcher.ssh.strict-host-key-checking: accept-new.`,
          host,
          port,
          'unknown',
          fingerprint,
        );
      }
    }
  }

  /** What to offer, in order; reading and parsing the key files happens here, before connecting. */
  private authCandidates(): AuthCandidate[] {
    const username = this.user;
    const { identityFile, agentSocket, defaultIdentityFiles } = this.settings;
    if (identityFile !== undefined) {
      const key = readPrivateKey(identityFile);
      if (key.kind !== 'key') {
        const why = key.kind === 'encrypted' ? 'it is protected by a passphrase; load it into ssh-agent (ssh-add) and unset launcher.ssh.identity-file' : key.reason;
        throw new SshAuthError(`Cannot use launcher.ssh.identity-file ${identityFile} to log in as ${username}@${this.host.host}: ${why}.`, username, this.host.host, this.port, [identityFile]);
      }
      return [{ label: `${identityFile} (${key.description})`, method: { type: 'publickey', username, key: key.key } }];
    }
    const candidates: AuthCandidate[] = [];
    if (agentSocket !== undefined) candidates.push({ label: `the keys of ssh-agent (${agentSocket})`, method: { type: 'agent', username, agent: agentSocket } });
    for (const file of defaultIdentityFiles) {
      const key = readPrivateKey(file);
      if (key.kind === 'key') candidates.push({ label: `${file} (${key.description})`, method: { type: 'publickey', username, key: key.key } });
    }
    if (candidates.length === 0) {
      throw new SshAuthError(
        `No SSH key to log in as ${username}@${this.host.host} with: set launcher.ssh.identity-file, start ssh-agent (SSH_AUTH_SOCK), or create ${defaultIdentityFiles[0] ?? '~/.ssh/id_ed25519'}.`,
        username,
        this.host.host,
        this.port,
        [],
      );
    }
    return candidates;
  }

  private connectFailure(error: SshError, keysTried: readonly string[]): Error {
    const { host } = this.host;
    const port = this.port;
    const target = `${host}:${port}`;
    switch (error.level ?? '') {
      case 'client-authentication':
        return new SshAuthError(
          `Permission denied for ${this.user}@${host} (port ${port}): the host accepted none of the keys offered: ${keysTried.join('; ')}. ` +
            `Add the public key to ~/.ssh/authorized_keys of ${this.user} on ${host}, or set launcher.ssh.identity-file or launcher.ssh.user (or user@ in conf/workers).`,
          this.user,
          host,
          port,
          keysTried,
          { cause: error },
        );
      case 'client-timeout': {
        const reason = `no SSH handshake within ${formatDuration(this.settings.connectTimeoutMs)}`;
        return new SshConnectError(`Could not connect to ${target} over SSH: ${reason} (launcher.ssh.connect-timeout).`, host, port, reason, { cause: error });
      }
      case 'client-socket':
      case 'client-dns': {
        const reason = socketReason(error);
        return new SshConnectError(`Could not connect to ${target} over SSH: ${reason}${socketHint(error)}.`, host, port, reason, { cause: error });
      }
      default:
        return new SshConnectError(`The SSH handshake with ${target} failed: ${error.message}.`, host, port, `handshake failed: ${error.message}`, { cause: error });
    }
  }

  private runChannel(client: SshClient, line: string, options: ExecOptions): Promise<ExecResult> {
    const name = this.displayName;
    return new Promise<ExecResult>((resolve, reject) => {
      client.exec(line, (error: Error | undefined, stream: ClientChannel) => {
        if (error !== undefined) {
          reject(new SshChannelError(`Could not run a command on ${name}: ${error.message}`, this.host.host, { cause: error }));
          return;
        }
        const stdout: Buffer[] = [];
        const stderr: Buffer[] = [];
        let exitCode: number | null = null;
        let signal: string | null = null;
        let exited = false;
        let timedOut = false;
        stream.on('data', (chunk: Buffer) => stdout.push(chunk));
        stream.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
        stream.on('exit', (code: number | null, signalName?: string) => {
          exited = true;
          exitCode = typeof code === 'number' ? code : null;
          signal = typeof signalName === 'string' ? `SIG${signalName}` : null;
        });
        const timer =
          options.timeoutMs === undefined
            ? undefined
            : setTimeout(() => {
                timedOut = true;
                // Rejected at once: sshd may keep the channel open until the command ends by itself.
                reject(new RemoteTimeoutError(`The command on ${name} did not end within ${formatDuration(options.timeoutMs ?? 0)}; the launcher stopped waiting for it.`, this.host.host, options.timeoutMs ?? 0));
                // Best effort: sshd passes the signal on where it supports signal requests.
                stream.signal('KILL');
                stream.close();
              }, options.timeoutMs);
        stream.on('close', () => {
          if (timer !== undefined) clearTimeout(timer);
          if (timedOut) return;
          if (!exited) {
            reject(new SshChannelError(`The connection to ${name} was lost while a command ran on it.`, this.host.host));
            return;
          }
          resolve({ exitCode, signal, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
        });
        // Without stdin the command must see EOF at once (ssh -n), or it could wait for input forever.
        stream.end(options.stdin ?? undefined);
      });
    });
  }
}

function fingerprintOfEntry(entry: KnownHostEntry): string {
  return keyFingerprint(Buffer.from(entry.key, 'base64'));
}

function socketHint(error: SshError): string {
  return error.code === 'ECONNREFUSED' ? ' (is sshd running and listening on that address and port?)' : '';
}

function socketReason(error: SshError): string {
  switch (error.code ?? '') {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'EHOSTUNREACH':
      return 'no route to host';
    case 'ENETUNREACH':
      return 'network unreachable';
    case 'ETIMEDOUT':
      return 'connection timed out';
    case 'ECONNRESET':
      return 'the connection was reset during the SSH handshake';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name cannot be resolved';
    default:
      return error.message;
  }
}

type PrivateKey =
  | { readonly kind: 'key'; readonly key: ParsedKey; readonly description: string }
  | { readonly kind: 'encrypted' }
  | { readonly kind: 'unusable'; readonly reason: string };

function readPrivateKey(file: string): PrivateKey {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { kind: 'unusable', reason: code === 'ENOENT' ? 'the file does not exist' : ensureError(error).message };
  }
  const parsed = utils.parseKey(data);
  if (parsed instanceof Error) {
    return /encrypted|passphrase/i.test(parsed.message) ? { kind: 'encrypted' } : { kind: 'unusable', reason: `not a private key ssh2 can read (${parsed.message})` };
  }
  // Some key files hold several keys; ssh2 then returns a list (its types do not say so).
  const value: unknown = parsed;
  const key = (Array.isArray(value) ? value[0] : value) as ParsedKey | undefined;
  if (key === undefined) return { kind: 'unusable', reason: 'the file holds no key' };
  const blob = key.getPublicSSH();
  return { kind: 'key', key, description: `${keyTypeLabel(key.type)} ${keyFingerprint(blob)}` };
}

interface TreeEntry {
  /** Relative to the listed directory, with `/` separators. */
  readonly path: string;
  readonly mode: number;
}

/** The directories (parents first), files and symbolic links below `root`. */
function listTree(root: string, exclude: (path: string) => boolean): { dirs: TreeEntry[]; files: TreeEntry[]; links: { path: string; target: string }[] } {
  const dirs: TreeEntry[] = [];
  const files: TreeEntry[] = [];
  const links: { path: string; target: string }[] = [];
  const walk = (relative: string): void => {
    for (const name of readdirSync(join(root, relative)).sort()) {
      const path = relative === '' ? name : `${relative}/${name}`;
      const stat = lstatSync(join(root, path));
      if (!stat.isDirectory() && exclude(path)) continue;
      if (stat.isSymbolicLink()) links.push({ path, target: readlinkSync(join(root, path)) });
      else if (stat.isDirectory()) {
        dirs.push({ path, mode: stat.mode & 0o7777 });
        walk(path);
      } else if (stat.isFile()) files.push({ path, mode: stat.mode & 0o7777 });
    }
  };
  walk('');
  return { dirs, files, links };
}

function sftpCall<T>(run: (callback: (error: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    run((error, value) => {
      if (error !== null && error !== undefined) reject(error);
      else resolve(value as T);
    });
  });
}

async function sftpExists(sftp: SFTPWrapper, path: string): Promise<boolean> {
  try {
    await sftpCall((cb) => sftp.stat(path, cb));
    return true;
  } catch {
    return false;
  }
}

async function sftpMkdir(sftp: SFTPWrapper, path: string, mode: number): Promise<void> {
  try {
    await sftpCall<void>((cb) => sftp.mkdir(path, { mode }, (error) => cb(error)));
  } catch (error) {
    // SFTP reports "already exists" as a generic failure; only a directory that is there is fine.
    if (!(await sftpExists(sftp, path))) throw error;
  }
}

/** `mkdir -p` over SFTP. */
async function sftpMkdirs(sftp: SFTPWrapper, path: string): Promise<void> {
  if (await sftpExists(sftp, path)) return;
  const parent = posix.dirname(path);
  if (parent !== path && parent !== '.' && parent !== '/') await sftpMkdirs(sftp, parent);
  await sftpMkdir(sftp, path, 0o755);
}

function sftpFastPut(sftp: SFTPWrapper, local: string, remote: string, mode: number): Promise<void> {
  return sftpCall<void>((cb) => sftp.fastPut(local, remote, { mode }, (error) => cb(error)));
}

function sftpSymlink(sftp: SFTPWrapper, target: string, path: string): Promise<void> {
  return sftpCall<void>((cb) => sftp.symlink(target, path, (error) => cb(error)));
}

async function sftpWriteFile(sftp: SFTPWrapper, path: string, content: Buffer, mode: number): Promise<void> {
  await sftpCall<void>((cb) => sftp.writeFile(path, content, { mode }, (error) => cb(error)));
  // The mode given at open applies only when the file is created.
  await sftpCall<void>((cb) => sftp.chmod(path, mode, (error) => cb(error)));
}

/**
 * The executors against a real OpenSSH sshd: commands with their argv, environment, stdin and
 * exit status; one connection per host; files and uploads over SFTP; host key checking against
 * known_hosts (hashed entries, accept-new, changed keys); the failures a launcher must tell apart.
 * The local executor runs the same commands the same way.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isFlinkTsError } from '../../../src/core/errors.js';
import { HostExecutors } from '../../../src/launcher/executor/host-executors.js';
import { LocalExecutor } from '../../../src/launcher/executor/local-executor.js';
import type { RemoteExecutor } from '../../../src/launcher/executor/remote-executor.js';
import { SshExecutor } from '../../../src/launcher/executor/ssh-executor.js';
import { SshAuthError, SshConnectError, SshHostKeyError } from '../../../src/launcher/launcher-errors.js';
import type { SshSettings } from '../../../src/launcher/launcher-options.js';
import type { SshdHosts } from '../../support/sshd.js';
import { startSshdHosts } from '../../support/sshd.js';
import { waitFor } from './ssh-harness.js';

const ARGS = ['plain', '', 'two words', "it's", '"q"', '$HOME', '`id`', 'a;b', 'back\\slash', 'new\nline', '*', 'ünï'];

describe('the SSH and local executors', () => {
  let sshd: SshdHosts | undefined;
  let dir = '';
  const executors: RemoteExecutor[] = [];

  const hosts = (): SshdHosts => {
    assert.ok(sshd !== undefined, 'the sshd hosts did not start');
    return sshd;
  };

  function settings(overrides: Partial<SshSettings> = {}): SshSettings {
    return {
      user: hosts().user,
      port: hosts().port,
      identityFile: hosts().identityFile,
      defaultIdentityFiles: [],
      agentSocket: undefined,
      connectTimeoutMs: 5_000,
      knownHostsFiles: [hosts().knownHosts],
      knownHostsFile: hosts().knownHosts,
      strictHostKeyChecking: 'yes',
      ...overrides,
    };
  }

  function ssh(address: string, overrides: Partial<SshSettings> = {}, notice?: (line: string) => void): SshExecutor {
    const executor = new SshExecutor({ host: address }, settings(overrides), notice);
    executors.push(executor);
    return executor;
  }

  async function rejection(promise: Promise<unknown>): Promise<Error> {
    try {
      await promise;
    } catch (error) {
      assert.ok(error instanceof Error);
      return error;
    }
    assert.fail('expected a rejection');
  }

  function logins(address: string): number {
    return hosts().log(address).split('\n').filter((line) => line.startsWith('Accepted publickey')).length;
  }

  before(async () => {
    sshd = await startSshdHosts({ count: 2 });
    dir = mkdtempSync(join(tmpdir(), 'flink-ts-executor-'));
  });

  after(async () => {
    await Promise.all(executors.map((e) => e.close()));
    await sshd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const kind of ['ssh', 'local'] as const) {
    test(`${kind}: runs an argv exactly, with environment, working directory, stdin and exit status`, async () => {
      const executor = kind === 'ssh' ? ssh('127.0.0.2') : new LocalExecutor({ host: 'localhost' });
      const script = 'printf "%s\\0" "$@"; printf "%s|%s|" "$FLINK_X" "$PWD"; cat; echo oops >&2; exit 7';
      const result = await executor.exec(['sh', '-c', script, 'sh', ...ARGS], { env: { FLINK_X: "x 'y'" }, cwd: '/tmp', stdin: 'from stdin' });
      assert.equal(result.exitCode, 7);
      assert.equal(result.signal, null);
      assert.equal(result.stderr, 'oops\n');
      const parts = result.stdout.split('\0');
      assert.deepEqual(parts.slice(0, ARGS.length), ARGS);
      assert.equal(parts.at(-1), "x 'y'|/tmp|from stdin");
    });
  }

  test('ssh: a command without stdin sees end of input at once', async () => {
    const result = await ssh('127.0.0.2').exec(['cat']);
    assert.deepEqual([result.exitCode, result.stdout], [0, '']);
  });

  test('ssh: many commands share one connection, at most 8 channels at a time', async () => {
    const before = logins('127.0.0.3');
    const executor = ssh('127.0.0.3');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => executor.exec(['sh', '-c', `sleep 0.05; echo ${i}`])));
    assert.deepEqual(results.map((r) => r.stdout), Array.from({ length: 20 }, (_, i) => `${i}\n`));
    assert.equal(logins('127.0.0.3') - before, 1);
  });

  test('ssh: a dropped connection is opened again by the next command', async () => {
    const executor = ssh('127.0.0.3');
    await executor.exec(['true']);
    // Ends the sshd process that serves this connection.
    await executor.exec(['sh', '-c', 'kill $PPID']).catch(() => undefined);
    const result = await executor.exec(['echo', 'back']);
    assert.equal(result.stdout, 'back\n');
  });

  test('ssh: a command running too long is given up with ERR_REMOTE_TIMEOUT', async () => {
    const started = Date.now();
    const error = await rejection(ssh('127.0.0.2').exec(['sleep', '30'], { timeoutMs: 200 }));
    assert.ok(isFlinkTsError(error) && error.code === 'ERR_REMOTE_TIMEOUT', String(error));
    assert.ok(Date.now() - started < 5_000);
  });

  test('ssh: writes files and uploads directories with their modes and links', async () => {
    const executor = ssh('127.0.0.2');
    const home = hosts().hosts[0]?.home ?? '';
    await executor.writeFile(join(home, 'secret.yaml'), 'a: 1\n', 0o600);
    assert.equal(statSync(join(home, 'secret.yaml')).mode & 0o777, 0o600);
    const local = join(dir, 'tree');
    mkdirSync(join(local, 'bin'), { recursive: true });
    writeFileSync(join(local, 'bin', 'run'), '#!/bin/sh\necho ran\n', { mode: 0o755 });
    writeFileSync(join(local, 'data.txt'), 'x'.repeat(100_000));
    symlinkSync('bin/run', join(local, 'link'));
    await executor.upload(local, join(home, 'deep', 'copy'));
    const copy = join(home, 'deep', 'copy');
    assert.equal(statSync(join(copy, 'bin', 'run')).mode & 0o777, 0o755);
    assert.equal(readFileSync(join(copy, 'data.txt'), 'utf8').length, 100_000);
    assert.equal(readlinkSync(join(copy, 'link')), 'bin/run');
    assert.equal((await executor.exec([join(copy, 'link')])).stdout, 'ran\n');
  });

  test('known_hosts entries hashed with ssh-keygen -H are matched', async () => {
    const hashed = join(dir, 'known_hosts_hashed');
    copyFileSync(hosts().knownHosts, hashed);
    const keygen = spawnSync('ssh-keygen', ['-H', '-f', hashed], { encoding: 'utf8' });
    assert.equal(keygen.status, 0, keygen.stderr);
    assert.match(readFileSync(hashed, 'utf8'), /^\|1\|/);
    const result = await ssh('127.0.0.2', { knownHostsFiles: [hashed], knownHostsFile: hashed }).exec(['true']);
    assert.equal(result.exitCode, 0);
  });

  test('an unknown host is refused with its fingerprint; accept-new records it once', async () => {
    const file = join(dir, 'new', 'known_hosts');
    const host = hosts().hosts[1];
    assert.ok(host !== undefined);
    const refused = await rejection(ssh('127.0.0.3', { knownHostsFiles: [file], knownHostsFile: file }).exec(['true']));
    assert.ok(refused instanceof SshHostKeyError, String(refused));
    assert.equal(refused.reason, 'unknown');
    assert.equal(refused.fingerprint, host.fingerprint);
    assert.ok(refused.message.startsWith(`The authenticity of host '127.0.0.3 (port ${hosts().port})' can't be established. ED25519 key fingerprint is ${host.fingerprint}.`), refused.message);

    const notices: string[] = [];
    await ssh('127.0.0.3', { knownHostsFiles: [file], knownHostsFile: file, strictHostKeyChecking: 'accept-new' }, (l) => notices.push(l)).exec(['true']);
    assert.deepEqual(notices, [`Warning: Permanently added '[127.0.0.3]:${hosts().port}' (ED25519) to the list of known hosts (${file}).`]);
    assert.equal(readFileSync(file, 'utf8'), `[127.0.0.3]:${hosts().port} ${host.publicKey}\n`);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    // Known now: strict checking accepts it, and accept-new adds nothing more.
    await ssh('127.0.0.3', { knownHostsFiles: [file], knownHostsFile: file }).exec(['true']);
    await ssh('127.0.0.3', { knownHostsFiles: [file], knownHostsFile: file, strictHostKeyChecking: 'accept-new' }).exec(['true']);
    assert.equal(readFileSync(file, 'utf8').split('\n').length, 2);
  });

  test('a changed host key is refused, even with accept-new', async () => {
    const file = join(dir, 'known_hosts_changed');
    const [first, second] = hosts().hosts;
    assert.ok(first !== undefined && second !== undefined);
    // 127.0.0.2 recorded with the key of 127.0.0.3.
    writeFileSync(file, `[127.0.0.2]:${hosts().port} ${second.publicKey}\n`);
    const error = await rejection(ssh('127.0.0.2', { knownHostsFiles: [file], knownHostsFile: file, strictHostKeyChecking: 'accept-new' }).exec(['true']));
    assert.ok(error instanceof SshHostKeyError, String(error));
    assert.equal(error.reason, 'changed');
    assert.ok(error.message.startsWith(`REMOTE HOST IDENTIFICATION HAS CHANGED for '127.0.0.2 (port ${hosts().port})': expected ${second.fingerprint} (ED25519, ${file}:1), got ${first.fingerprint} (ED25519).`), error.message);
    assert.equal(readFileSync(file, 'utf8'), `[127.0.0.2]:${hosts().port} ${second.publicKey}\n`);
  });

  test('a key the host does not accept is ERR_SSH_AUTH naming user@host and the key offered', async () => {
    const error = await rejection(ssh('127.0.0.2', { identityFile: hosts().unauthorizedIdentityFile }).exec(['true']));
    assert.ok(error instanceof SshAuthError, String(error));
    assert.equal(error.code, 'ERR_SSH_AUTH');
    assert.equal(error.user, hosts().user);
    assert.match(error.message, new RegExp(`^Permission denied for ${hosts().user}@127\\.0\\.0\\.2 \\(port ${hosts().port}\\)`));
    assert.ok(error.keysTried[0]?.startsWith(`${hosts().unauthorizedIdentityFile} (ED25519 SHA256:`), String(error.keysTried));
  });

  test('without a configured key, the default keys are offered; with none at all, it says what to set up', async () => {
    const keys = join(dir, 'dot-ssh');
    mkdirSync(keys, { recursive: true });
    copyFileSync(hosts().identityFile, join(keys, 'id_ecdsa'));
    const ok = await ssh('127.0.0.2', { identityFile: undefined, defaultIdentityFiles: [join(keys, 'id_ed25519'), join(keys, 'id_ecdsa')] }).exec(['true']);
    assert.equal(ok.exitCode, 0);
    const error = await rejection(ssh('127.0.0.2', { identityFile: undefined, defaultIdentityFiles: [join(keys, 'missing')] }).exec(['true']));
    assert.ok(error instanceof SshAuthError);
    assert.match(error.message, /^No SSH key to log in as \S+@127\.0\.0\.2 with: set launcher\.ssh\.identity-file, start ssh-agent/);
  });

  test('ssh-agent keys are offered when no identity file is configured', async () => {
    const socket = join(dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    try {
      await waitFor('ssh-agent to listen', () => existsSync(socket), 5_000);
      const add = spawnSync('ssh-add', [hosts().identityFile], { env: { ...process.env, SSH_AUTH_SOCK: socket }, encoding: 'utf8' });
      assert.equal(add.status, 0, add.stderr);
      const result = await ssh('127.0.0.2', { identityFile: undefined, agentSocket: socket, defaultIdentityFiles: [] }).exec(['echo', 'via agent']);
      assert.equal(result.stdout, 'via agent\n');
    } finally {
      agent.kill();
    }
  });

  test('a port nobody listens on is ERR_SSH_CONNECT naming host:port', async () => {
    const error = await rejection(ssh('127.0.0.250').exec(['true']));
    assert.ok(error instanceof SshConnectError, String(error));
    assert.deepEqual([error.host, error.port, error.reason], ['127.0.0.250', hosts().port, 'connection refused']);
    assert.equal(error.message, `Could not connect to 127.0.0.250:${hosts().port} over SSH: connection refused (is sshd running and listening on that address and port?).`);
  });

  test('a server that never completes the handshake times out after launcher.ssh.connect-timeout', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const started = Date.now();
      const error = await rejection(ssh('127.0.0.1', { port, connectTimeoutMs: 300 }).exec(['true']));
      assert.ok(error instanceof SshConnectError, String(error));
      assert.equal(error.message, `Could not connect to 127.0.0.1:${port} over SSH: no SSH handshake within 300 ms (launcher.ssh.connect-timeout).`);
      assert.ok(Date.now() - started < 3_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  test('the host pool keeps one executor per host and bounds the hosts worked on at once', async () => {
    const pool = new HostExecutors({ ssh: settings(), parallelism: 1 });
    try {
      assert.equal(pool.executor({ host: '127.0.0.2' }), pool.executor({ host: '127.0.0.2' }));
      assert.ok(pool.executor({ host: 'localhost' }) instanceof LocalExecutor);
      assert.ok(pool.executor({ host: 'localhost', port: hosts().port }) instanceof SshExecutor);
      let running = 0;
      let most = 0;
      await Promise.all(
        ['127.0.0.2', '127.0.0.3', '127.0.0.2'].map((host) =>
          pool.run({ host }, async (executor) => {
            most = Math.max(most, ++running);
            await executor.exec(['sleep', '0.05']);
            running--;
          }),
        ),
      );
      assert.equal(most, 1);
    } finally {
      await pool.close();
    }
  });
});

/**
 * The `launcher.*` options, resolved once: defaults filled in, `~` expanded, the few environment
 * variables SSH clients honour (SSH_AUTH_SOCK, HOME) read here and nowhere else.
 */
import { homedir, userInfo } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { Configuration } from '../config/index.js';
import {
  REMOTE_INSTALL_DIR,
  SHIP_DISTRIBUTION,
  SSH_CONNECT_TIMEOUT,
  SSH_IDENTITY_FILE,
  SSH_KNOWN_HOSTS,
  SSH_PARALLELISM,
  SSH_PORT,
  SSH_STRICT_HOST_KEY_CHECKING,
  SSH_USER,
} from '../config/index.js';

/** How the launcher logs in to hosts over SSH. */
export interface SshSettings {
  /** `launcher.ssh.user`, else the local user. A `user@` in the hosts file wins. */
  readonly user: string;
  /** `launcher.ssh.port`. A `:port` in the hosts file wins. */
  readonly port: number;
  /** `launcher.ssh.identity-file`, absolute. When set, it is the only key tried. */
  readonly identityFile?: string | undefined;
  /** Keys tried without an identity file (after the agent), in OpenSSH's order; missing ones are skipped. */
  readonly defaultIdentityFiles: readonly string[];
  /** SSH_AUTH_SOCK, when set: the agent is asked before the default key files. */
  readonly agentSocket?: string | undefined;
  /** `launcher.ssh.connect-timeout`: TCP connect plus SSH handshake and authentication. */
  readonly connectTimeoutMs: number;
  /** Files whose entries are trusted: the configured one (or ~/.ssh/known_hosts) and /etc/ssh/ssh_known_hosts. */
  readonly knownHostsFiles: readonly string[];
  /** Where `accept-new` records new hosts: `launcher.ssh.known-hosts`, else ~/.ssh/known_hosts. */
  readonly knownHostsFile: string;
  readonly strictHostKeyChecking: 'yes' | 'accept-new';
}

export interface LauncherSettings {
  readonly ssh: SshSettings;
  /** `launcher.ssh.parallelism`: most hosts worked on at the same time. */
  readonly parallelism: number;
  /** `launcher.ship-distribution`. */
  readonly shipDistribution: boolean;
  /** `launcher.install-dir` as configured (a path on the hosts, so not resolved here). */
  readonly installDir?: string | undefined;
}

/** `~` and `~/x` are the launcher's home directory; relative paths are resolved against `cwd`. */
export function expandLocalPath(path: string, cwd: string, home: string = homedir()): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return isAbsolute(path) ? path : resolve(cwd, path);
}

function localUser(env: NodeJS.ProcessEnv): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry (some containers): the environment is all there is.
    return env.USER ?? env.LOGNAME ?? 'root';
  }
}

/** Reads the launcher options of `configuration`. `env` supplies SSH_AUTH_SOCK and HOME. */
export function resolveLauncherSettings(configuration: Configuration, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): LauncherSettings {
  const home = env.HOME !== undefined && env.HOME !== '' ? env.HOME : homedir();
  const sshDir = join(home, '.ssh');
  const identity = configuration.get(SSH_IDENTITY_FILE);
  const knownHosts = configuration.get(SSH_KNOWN_HOSTS);
  const knownHostsFile = knownHosts === undefined ? join(sshDir, 'known_hosts') : expandLocalPath(knownHosts, cwd, home);
  const agent = env.SSH_AUTH_SOCK;
  const installDir = configuration.get(REMOTE_INSTALL_DIR);
  return {
    ssh: {
      user: configuration.get(SSH_USER) ?? localUser(env),
      port: configuration.get(SSH_PORT),
      identityFile: identity === undefined ? undefined : expandLocalPath(identity, cwd, home),
      defaultIdentityFiles: ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((name) => join(sshDir, name)),
      agentSocket: agent !== undefined && agent !== '' ? agent : undefined,
      connectTimeoutMs: configuration.get(SSH_CONNECT_TIMEOUT),
      knownHostsFiles: [knownHostsFile, '/etc/ssh/ssh_known_hosts'],
      knownHostsFile,
      strictHostKeyChecking: configuration.get(SSH_STRICT_HOST_KEY_CHECKING),
    },
    parallelism: configuration.get(SSH_PARALLELISM),
    shipDistribution: configuration.get(SHIP_DISTRIBUTION),
    installDir: installDir === undefined || installDir === '' ? undefined : installDir,
  };
}

/**
 * The launcher's failures, one class per thing the user has to fix, each naming the host (and
 * port, user, path, key) involved. ssh2 reports where a failure came from in `err.level`
 * (`client-socket`, `client-timeout`, `client-dns`, `client-authentication`, `handshake`); the
 * SSH executor maps that to these classes, so callers branch on `code`, never on ssh2 texts.
 */
import { FlinkTsError } from '../core/errors.js';

/** The host cannot be reached: DNS, refused, unreachable, timed out, or the connection broke. */
export class SshConnectError extends FlinkTsError {
  constructor(
    message: string,
    readonly host: string,
    readonly port: number,
    /** The short reason: `connection refused`, `no SSH handshake within 10 s`, … */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super('ERR_SSH_CONNECT', message, options);
  }
}
Object.defineProperty(SshConnectError.prototype, 'name', { value: 'SshConnectError' });

/** The host refused every key offered for the user. */
export class SshAuthError extends FlinkTsError {
  constructor(
    message: string,
    readonly user: string,
    readonly host: string,
    readonly port: number,
    /** What was offered, for the message: key files with their fingerprints, `ssh-agent`. */
    readonly keysTried: readonly string[],
    options?: { cause?: unknown },
  ) {
    super('ERR_SSH_AUTH', message, options);
  }
}
Object.defineProperty(SshAuthError.prototype, 'name', { value: 'SshAuthError' });

/** The host's key is not trusted: unknown (strict checking), different from the recorded one, or revoked. */
export class SshHostKeyError extends FlinkTsError {
  constructor(
    message: string,
    readonly host: string,
    readonly port: number,
    readonly reason: 'unknown' | 'changed' | 'revoked',
    /** SHA256 fingerprint of the key the host presented. */
    readonly fingerprint: string,
  ) {
    super('ERR_SSH_HOST_KEY', message);
  }
}
Object.defineProperty(SshHostKeyError.prototype, 'name', { value: 'SshHostKeyError' });

/** A command could not be started on an open connection, or the connection broke while it ran. */
export class SshChannelError extends FlinkTsError {
  constructor(
    message: string,
    readonly host: string,
    options?: { cause?: unknown },
  ) {
    super('ERR_SSH_CHANNEL', message, options);
  }
}
Object.defineProperty(SshChannelError.prototype, 'name', { value: 'SshChannelError' });

/** A remote command ran longer than allowed and was ended. */
export class RemoteTimeoutError extends FlinkTsError {
  constructor(
    message: string,
    readonly host: string,
    readonly timeoutMs: number,
  ) {
    super('ERR_REMOTE_TIMEOUT', message);
  }
}
Object.defineProperty(RemoteTimeoutError.prototype, 'name', { value: 'RemoteTimeoutError' });

/** flink-ts is missing, unbuilt or of another version at the install path on a host, or shipping it failed. */
export class RemoteInstallError extends FlinkTsError {
  constructor(
    message: string,
    readonly host: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super('ERR_REMOTE_INSTALL', message, options);
  }
}
Object.defineProperty(RemoteInstallError.prototype, 'name', { value: 'RemoteInstallError' });

/** Node.js is missing on a host, or too old. */
export class RemoteNodeError extends FlinkTsError {
  constructor(
    message: string,
    readonly host: string,
    /** The short reason: `no Node.js found`, `Node.js 18.19.0 is too old`. */
    readonly reason: string,
  ) {
    super('ERR_REMOTE_NODE', message);
  }
}
Object.defineProperty(RemoteNodeError.prototype, 'name', { value: 'RemoteNodeError' });

/** A remote command failed: its exit code or signal, and the end of what it wrote to stderr. */
export class RemoteExitError extends FlinkTsError {
  constructor(
    message: string,
    readonly host: string,
    readonly exitCode: number | null,
    readonly signal: string | null,
    /** The last lines of the command's stderr (for a daemon start: the reason and its log tails). */
    readonly stderrLines: readonly string[],
  ) {
    super('ERR_REMOTE_EXIT', message);
  }
}
Object.defineProperty(RemoteExitError.prototype, 'name', { value: 'RemoteExitError' });

/** Processes of the cluster already run on a host where a new cluster of the same id was to start. */
export class ClusterRunningError extends FlinkTsError {
  constructor(
    message: string,
    readonly host: string,
    readonly pids: readonly number[],
  ) {
    super('ERR_CLUSTER_RUNNING', message);
  }
}
Object.defineProperty(ClusterRunningError.prototype, 'name', { value: 'ClusterRunningError' });

/**
 * A few words for a summary table's RESULT column; the full message goes below the table. Errors
 * of a host (connection, key, installation) read the same for each of its processes, so the
 * table stays readable and the explanation is printed once.
 */
export function shortReason(error: Error): string {
  if (error instanceof SshConnectError) return `cannot connect to ${error.host}:${error.port} (${error.reason})`;
  if (error instanceof SshAuthError) return `permission denied for ${error.user}@${error.host}`;
  if (error instanceof SshHostKeyError) {
    switch (error.reason) {
      case 'unknown':
        return `unknown host key ${error.fingerprint}`;
      case 'changed':
        return `HOST KEY CHANGED (now ${error.fingerprint})`;
      case 'revoked':
        return `revoked host key ${error.fingerprint}`;
    }
  }
  if (error instanceof RemoteInstallError && error.path !== '') return `no usable flink-ts at ${error.path}`;
  if (error instanceof RemoteNodeError) return error.reason;
  if (error instanceof ClusterRunningError) return `cluster already running there (pids ${error.pids.join(', ')})`;
  const first = error.message.split('\n')[0] ?? error.message;
  // "Error starting taskexecutor daemon on host h: the process exited with code 1." -> the why.
  const daemon = /^Error starting \S+ daemon on host \S+: (.*?)\.?$/.exec(first);
  if (daemon?.[1] !== undefined) return daemon[1];
  return first.length > 100 ? `${first.slice(0, 97)}...` : first.replace(/\.$/, '');
}

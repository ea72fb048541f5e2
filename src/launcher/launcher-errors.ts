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

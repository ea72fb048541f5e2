/**
 * The launcher's seam to a host: run a command there, write a file there, copy a directory
 * there. {@link SshExecutor} does it over one SSH connection per host (ssh2), {@link LocalExecutor}
 * with local processes (execa) for `localhost`, so the code above this seam never knows which.
 */
import type { HostSpec } from '../host-spec.js';

/** How a command ended and what it printed. */
export interface ExecResult {
  /** The exit status; null when the command was ended by a signal. */
  readonly exitCode: number | null;
  /** The signal that ended the command (e.g. `SIGKILL`), or null. */
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ExecOptions {
  /** Variables set for the command, on top of the host's environment for a login. */
  readonly env?: Readonly<Record<string, string>> | undefined;
  /** Working directory; the login's home directory (SSH) or this process's (local) when absent. */
  readonly cwd?: string | undefined;
  /**
   * The command is ended (its channel closed, or the local process killed) after this long, and
   * `exec` rejects with `ERR_REMOTE_TIMEOUT`. @default no limit
   */
  readonly timeoutMs?: number | undefined;
  /** Written to the command's stdin, which is then closed. The command sees EOF at once without it. */
  readonly stdin?: string | undefined;
}

export interface UploadOptions {
  /** Leaves out files for which it returns true (paths relative to the uploaded directory, with `/`). */
  readonly exclude?: ((path: string) => boolean) | undefined;
}

export interface RemoteExecutor {
  /** The host as the hosts file named it. */
  readonly host: HostSpec;
  /** `host` for messages: `user@host:port` for SSH, `localhost` for local processes. */
  readonly displayName: string;
  /**
   * Runs `command` (an argv, quoted for the remote shell by the executor) and resolves when it
   * ended, whatever its exit code: a non-zero exit is a result, not an error.
   * @throws FlinkTsError `ERR_SSH_CONNECT`, `ERR_SSH_AUTH`, `ERR_SSH_HOST_KEY` when the host cannot be
   *   reached or trusted, `ERR_SSH_CHANNEL` when the command could not be started, `ERR_REMOTE_TIMEOUT`.
   */
  exec(command: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Writes a file (created or replaced; its directory must exist) with `mode` (@default 0o644). */
  writeFile(path: string, content: string | Buffer, mode?: number): Promise<void>;
  /**
   * Copies the files below `localDir` into `remoteDir` (created when missing), keeping file
   * modes and symbolic links. Used to ship the distribution.
   */
  upload(localDir: string, remoteDir: string, options?: UploadOptions): Promise<void>;
  /** Ends the connection; later calls open a new one. Never rejects. */
  close(): Promise<void>;
}

/**
 * {@link RemoteExecutor} for `localhost` and `127.0.0.1` entries (without a user or port): local
 * processes through execa, no SSH, like the all-localhost shortcut of Flink's config.sh. The
 * commands are the same argv the SSH executor sends, so both paths run the same code on the host.
 */
import { chmod, cp, mkdir, writeFile } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { execa } from 'execa';
import type { HostSpec } from '../host-spec.js';
import { formatHostSpec } from '../host-spec.js';
import { RemoteTimeoutError, SshChannelError } from '../launcher-errors.js';
import { formatDuration } from '../../config/index.js';
import type { ExecOptions, ExecResult, RemoteExecutor, UploadOptions } from './remote-executor.js';

export class LocalExecutor implements RemoteExecutor {
  readonly displayName: string;

  constructor(
    readonly host: HostSpec,
    /** The environment commands start from, as a login's would. @default process.env */
    private readonly baseEnv: NodeJS.ProcessEnv = process.env,
  ) {
    this.displayName = formatHostSpec(host);
  }

  async exec(command: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const [file, ...args] = command;
    if (file === undefined) throw new TypeError('Expected a command, got an empty argv.');
    const result = await execa(file, args, {
      env: { ...this.baseEnv, ...options.env },
      extendEnv: false,
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
      input: options.stdin ?? '',
      reject: false,
      stripFinalNewline: false,
      // The command's own children (daemons) are detached by the command; nothing of ours to clean.
      cleanup: false,
    });
    if (result.timedOut) {
      throw new RemoteTimeoutError(`The command on ${this.displayName} did not end within ${formatDuration(options.timeoutMs ?? 0)} and was stopped.`, this.host.host, options.timeoutMs ?? 0);
    }
    if (result.failed && result.exitCode === undefined && result.signal === undefined) {
      // Not started at all (ENOENT, EACCES): the counterpart of a channel that could not open.
      throw new SshChannelError(`Could not run ${file} on ${this.displayName}: ${result.shortMessage}`, this.host.host, { cause: result.cause });
    }
    return {
      exitCode: result.exitCode ?? null,
      signal: result.signal ?? null,
      stdout: typeof result.stdout === 'string' ? result.stdout : '',
      stderr: typeof result.stderr === 'string' ? result.stderr : '',
    };
  }

  async writeFile(path: string, content: string | Buffer, mode = 0o644): Promise<void> {
    await writeFile(path, content, { mode });
    await chmod(path, mode);
  }

  async upload(localDir: string, remoteDir: string, options: UploadOptions = {}): Promise<void> {
    const exclude = options.exclude;
    await mkdir(remoteDir, { recursive: true });
    await cp(localDir, remoteDir, {
      recursive: true,
      verbatimSymlinks: true,
      force: true,
      ...(exclude === undefined ? {} : { filter: (source: string) => source === localDir || !exclude(relative(localDir, source).split(sep).join('/')) }),
    });
  }

  async close(): Promise<void> {
    // Nothing is kept open between commands.
  }
}

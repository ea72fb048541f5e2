/**
 * The process of one container: `node <install>/dist/entrypoints/jobmanager.js|taskmanager.js`
 * with a fixed argv (its conf dir, its log file, the container id, `--exit-with-parent`), never
 * through a shell, in the container's directory, with stdout and stderr into `<kind>.out`.
 *
 * The child keeps an IPC channel to the agent. The entrypoint treats the channel closing as the
 * agent's death and shuts down (`--exit-with-parent`), so a container never outlives its agent,
 * even when the agent is killed with SIGKILL and cannot clean up.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { constants } from 'node:os';
import type { ContainerKind } from '../../resourcemanager/pool/pool-model.js';
import { entrypointCommand } from '../daemon/daemon-launcher.js';
import type { DaemonName } from '../daemons.js';
import type { ContainerPaths } from './container-directory.js';
import { CONTAINER_ID_KEY } from './container-keys.js';

export const DAEMON_OF_KIND: Readonly<Record<ContainerKind, DaemonName>> = {
  jobmanager: 'standalonesession',
  taskmanager: 'taskexecutor',
};

export interface ContainerExit {
  /** The exit code, or 128 + the signal's number for a process killed by a signal (as a shell reports it). */
  readonly exitCode: number;
  readonly signal: NodeJS.Signals | null;
}

export interface ContainerProcessOptions {
  readonly containerId: string;
  readonly kind: ContainerKind;
  readonly paths: ContainerPaths;
  /** The environment of the process (the agent's, cleaned: see {@link containerEnvironment}). */
  readonly env: NodeJS.ProcessEnv;
  /** Process mains to run instead of flink-ts's own (tests: fixture mains); `.ts` runs through tsx. */
  readonly mainOverride?: Partial<Record<ContainerKind, string>> | undefined;
}

/** The agent's environment minus what would change a container's configuration behind the agent's back. */
export function containerEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = { ...env };
  for (const key of ['FLINK_TS_CONF_DIR', 'FLINK_TS_PROPERTIES', 'NODE_OPTIONS']) delete clean[key];
  return clean;
}

export class ContainerProcess {
  readonly exited: Promise<ContainerExit>;

  private constructor(
    readonly pid: number,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise<ContainerExit>((resolve) => {
      child.once('exit', (code, signal) => {
        resolve({ exitCode: code ?? 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0)), signal });
      });
    });
  }

  /**
   * Starts the process.
   * @throws Error when it cannot be spawned (e.g. the main does not exist).
   */
  static spawn(options: ContainerProcessOptions): ContainerProcess {
    const { kind, paths } = options;
    const out = openSync(paths.outFile(kind), 'a', 0o600);
    try {
      const argv = [
        ...entrypointCommand(DAEMON_OF_KIND[kind], options.mainOverride?.[kind]),
        '--configDir',
        paths.conf,
        '--logFile',
        paths.logFile(kind),
        '-D',
        `${CONTAINER_ID_KEY}=${options.containerId}`,
        '--exit-with-parent',
      ];
      const child = spawn(process.execPath, argv, {
        cwd: paths.dir,
        env: options.env,
        // Its own process group: a Ctrl-C meant for the agent (start-foreground) reaches the
        // agent only, which then stops its containers and reports them.
        detached: true,
        stdio: ['ignore', out, out, 'ipc'],
        shell: false,
      });
      if (child.pid === undefined) {
        child.on('error', () => undefined);
        throw new Error(`Could not spawn ${process.execPath} for container ${options.containerId}.`);
      }
      // Messages are not part of the contract; the channel only tells the child that the agent lives.
      child.on('message', () => undefined);
      child.on('error', () => undefined);
      return new ContainerProcess(child.pid, child);
    } finally {
      closeSync(out);
    }
  }

  /** Whether the process has ended. */
  get ended(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves with how the process ended. */
  async kill(graceMs: number): Promise<ContainerExit> {
    if (!this.ended) this.child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (!this.ended) this.child.kill('SIGKILL');
    }, graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

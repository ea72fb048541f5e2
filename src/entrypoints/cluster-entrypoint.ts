/**
 * Runs one {@link ClusterComponent} as the process (Flink's ClusterEntrypoint and TaskManagerRunner
 * mains). The entrypoint owns what belongs to the process and not to the cluster logic:
 *
 * - exit codes: 0 clean shutdown, 1 startup failure (the reason on stderr), 2 runtime failure;
 * - signals: the first SIGTERM/SIGINT shuts the component down gracefully and exits 0; a second
 *   one exits at once with 1, as a supervisor (or a user pressing Ctrl-C twice) expects;
 * - uncaught exceptions and unhandled rejections: logged, exit 2 at once, since the component's
 *   state can no longer be trusted (Flink's FatalExitExceptionHandler);
 * - one idempotent shutdown path, whatever triggers it first.
 *
 * It resolves with the exit code instead of exiting, so that tests can run it in-process with a
 * fake {@link EntrypointHost}; only the forced paths end the process through `host.exit`.
 */
import type { Configuration } from '../config/index.js';
import { ensureError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { ClusterComponent, ComponentTermination } from './cluster-component.js';
import type { DaemonName } from './daemons.js';
import { DAEMONS, EXIT_CLEAN, EXIT_RUNTIME_FAILURE, EXIT_STARTUP_FAILURE } from './daemons.js';
import { logEnvironmentInfo } from './environment-info.js';

export type { DaemonName } from './daemons.js';

export type TerminationSignal = 'SIGTERM' | 'SIGINT';

/** The process as the entrypoint sees it; {@link processHost} is the real one. */
export interface EntrypointHost {
  /** Subscribes to SIGTERM and SIGINT; returns the unsubscribe function. */
  onSignal(listener: (signal: TerminationSignal) => void): () => void;
  /** Subscribes to uncaught exceptions and unhandled rejections; returns the unsubscribe function. */
  onUncaught(listener: (error: unknown, origin: 'uncaughtException' | 'unhandledRejection') => void): () => void;
  /** Ends the process now with `code` (the forced paths). */
  exit(code: number): void;
  /** One line for the user (a supervisor's journal, the daemon's `.out` file). */
  stderr(line: string): void;
}

export const processHost: EntrypointHost = {
  onSignal(listener) {
    const onTerm = (): void => listener('SIGTERM');
    const onInt = (): void => listener('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
    return () => {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
    };
  },
  onUncaught(listener) {
    const onException = (error: unknown): void => listener(error, 'uncaughtException');
    const onRejection = (reason: unknown): void => listener(reason, 'unhandledRejection');
    process.on('uncaughtException', onException);
    process.on('unhandledRejection', onRejection);
    return () => {
      process.off('uncaughtException', onException);
      process.off('unhandledRejection', onRejection);
    };
  },
  exit(code) {
    process.exit(code);
  },
  stderr(line) {
    process.stderr.write(`${line}\n`);
  },
};

/** A shutdown that takes longer than this ends the process with exit code 2. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 25_000;

export interface ClusterEntrypointOptions {
  readonly daemonName: DaemonName;
  readonly component: ClusterComponent;
  readonly logger: Logger;
  /** Logged (secrets hidden) at start. */
  readonly configuration: Configuration;
  readonly configDir?: string | undefined;
  readonly logFile?: string | undefined;
  readonly programArguments?: readonly string[] | undefined;
  /** Called once `start()` has resolved: the daemon launcher's readiness signal. */
  readonly onStarted?: (() => void) | undefined;
  /** @default processHost */
  readonly host?: EntrypointHost | undefined;
  /**
   * Bound on `component.shutdown()`; the daemon launcher's `stop` waits 30 s before SIGKILL, so
   * the process gets to log why it stopped before that. @default DEFAULT_SHUTDOWN_TIMEOUT_MS
   */
  readonly shutdownTimeoutMs?: number | undefined;
}

/** Runs the component until it ends; resolves with the process exit code (0, 1 or 2). */
export async function runClusterEntrypoint(options: ClusterEntrypointOptions): Promise<number> {
  return new EntrypointRun(options).run();
}

class EntrypointRun {
  private readonly host: EntrypointHost;
  private readonly logger: Logger;
  private readonly component: ClusterComponent;
  private readonly name: string;
  private signals = 0;
  private shuttingDown: Promise<void> | undefined;
  private exitCode: number | undefined;
  private shutdownTimer: NodeJS.Timeout | undefined;
  private finish: (code: number) => void = () => undefined;
  private readonly finished: Promise<number>;

  constructor(private readonly options: ClusterEntrypointOptions) {
    this.host = options.host ?? processHost;
    this.component = options.component;
    this.name = `${DAEMONS[options.daemonName].entrypointClass} (${options.daemonName})`;
    this.logger = options.logger.child(DAEMONS[options.daemonName].entrypointClass);
    this.finished = new Promise<number>((resolve) => {
      this.finish = resolve;
    });
  }

  async run(): Promise<number> {
    logEnvironmentInfo(this.logger, {
      entrypointClass: DAEMONS[this.options.daemonName].entrypointClass,
      daemonName: this.options.daemonName,
      configuration: this.options.configuration,
      configDir: this.options.configDir,
      logFile: this.options.logFile,
      programArguments: this.options.programArguments,
    });
    const unsubscribe = [
      this.host.onSignal((signal) => {
        this.onSignal(signal);
      }),
      this.host.onUncaught((error, origin) => {
        this.onUncaught(error, origin);
      }),
    ];
    // Signal listeners do not keep Node's event loop alive, and a component may hold no handle
    // of its own (a TaskManager waiting for work): without this the process would end as soon as
    // start() resolved, like a JVM whose main thread returned.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    try {
      this.watchTermination();
      void this.startComponent();
      return await this.finished;
    } finally {
      clearInterval(keepAlive);
      for (const off of unsubscribe) off();
    }
  }

  private async startComponent(): Promise<void> {
    const begin = Date.now();
    this.logger.info('Starting the cluster components.');
    try {
      await this.component.start();
    } catch (error) {
      // A start cut short by a signal or by the component ending is not a startup failure:
      // whoever began the shutdown decides the exit code.
      if (this.shuttingDown !== undefined) return;
      const err = ensureError(error);
      this.logger.error(`Could not start ${this.name}.`, err);
      this.host.stderr(`Could not start ${this.name}: ${causeChain(err)}`);
      await this.shutDownAndTerminate(EXIT_STARTUP_FAILURE, 'startup failure');
      return;
    }
    if (this.shuttingDown !== undefined) return;
    this.logger.info(`Started ${this.name} in ${Date.now() - begin} ms.`);
    try {
      this.options.onStarted?.();
    } catch (error) {
      this.logger.warn(`Could not report the start to the launcher: ${ensureError(error).message}`);
    }
  }

  // Watched from the beginning: a component that fails while starting may end before start() settles.
  private watchTermination(): void {
    this.component.terminated.then(
      (termination: ComponentTermination) => {
        if (this.shuttingDown !== undefined) {
          // The component confirming the shutdown the entrypoint asked for: no news.
          this.logger.debug(`${this.name} reported its termination (code ${termination.code}: ${termination.reason}).`);
          return;
        }
        const runtimeFailure = termination.code !== EXIT_CLEAN;
        const message = `${this.name} terminated ${runtimeFailure ? 'with a runtime failure' : 'on request'}: ${termination.reason}`;
        if (runtimeFailure) {
          this.logger.error(message);
          this.host.stderr(message);
        } else {
          this.logger.info(message);
        }
        void this.shutDownAndTerminate(runtimeFailure ? EXIT_RUNTIME_FAILURE : EXIT_CLEAN, termination.reason);
      },
      (error: unknown) => {
        // The contract says `terminated` resolves; a rejection is a bug, treated as a runtime failure.
        this.logger.error(`${this.name} failed.`, error);
        this.host.stderr(`${this.name} failed: ${causeChain(ensureError(error))}`);
        void this.shutDownAndTerminate(EXIT_RUNTIME_FAILURE, 'the termination future failed');
      },
    );
  }

  private onSignal(signal: TerminationSignal): void {
    this.signals++;
    if (this.exitCode !== undefined) return;
    if (this.signals === 1) {
      if (this.shuttingDown !== undefined) {
        this.logger.info(`Received ${signal} while already shutting down; a second signal forces the exit.`);
        return;
      }
      this.logger.info(`Received ${signal}: shutting down ${this.name}. A second signal forces the exit.`);
      void this.shutDownAndTerminate(EXIT_CLEAN, `received ${signal}`);
      return;
    }
    const message = `Received ${signal} again: exiting without waiting for the shutdown to finish.`;
    this.logger.warn(message);
    this.host.stderr(message);
    this.terminate(EXIT_STARTUP_FAILURE, true);
  }

  private onUncaught(error: unknown, origin: 'uncaughtException' | 'unhandledRejection'): void {
    if (this.exitCode !== undefined) return;
    const err = ensureError(error);
    this.logger.error(`Fatal error (${origin}) in ${this.name}; exiting with code ${EXIT_RUNTIME_FAILURE}.`, err);
    this.host.stderr(`Fatal error (${origin}) in ${this.name}: ${causeChain(err)}`);
    // No graceful shutdown: after an uncaught error the component's state is unknown, and the OS
    // releases its ports and files anyway.
    this.terminate(EXIT_RUNTIME_FAILURE, true);
  }

  /** The one shutdown path: the first caller's code wins, later callers wait for the same shutdown. */
  private shutDownAndTerminate(code: number, reason: string): Promise<void> {
    this.shuttingDown ??= this.shutDown(code, reason);
    return this.shuttingDown;
  }

  private async shutDown(code: number, reason: string): Promise<void> {
    this.logger.info(`Shutting down ${this.name} (${reason}).`);
    const timeoutMs = this.options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
    let finalCode = code;
    try {
      const timedOut = new Promise<'timeout'>((resolve) => {
        this.shutdownTimer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      const outcome = await Promise.race([this.component.shutdown().then(() => 'done' as const), timedOut]);
      if (outcome === 'timeout') {
        this.logger.error(`${this.name} did not shut down within ${timeoutMs} ms.`);
        if (finalCode === EXIT_CLEAN) finalCode = EXIT_RUNTIME_FAILURE;
      }
    } catch (error) {
      this.logger.error(`Error while shutting down ${this.name}.`, error);
      // A clean stop that could not release its resources is not clean; a failure stays a failure.
      if (finalCode === EXIT_CLEAN) finalCode = EXIT_RUNTIME_FAILURE;
    }
    this.terminate(finalCode, false);
  }

  private terminate(code: number, force: boolean): void {
    if (this.exitCode !== undefined) return;
    this.exitCode = code;
    // A forced exit leaves the shutdown running; its deadline must not hold the event loop.
    clearTimeout(this.shutdownTimer);
    this.logger.info(`Terminating ${this.name} with exit code ${code}.`);
    if (force) this.host.exit(code);
    this.finish(code);
  }
}

/** `message (caused by: message …)`: the whole story on one line, without stack frames. */
function causeChain(error: Error): string {
  const parts: string[] = [error.message];
  const seen = new Set<unknown>([error]);
  let cause: unknown = error.cause;
  while (cause !== undefined && cause !== null && !seen.has(cause) && seen.size < 8) {
    seen.add(cause);
    parts.push(ensureError(cause).message);
    cause = ensureError(cause).cause;
  }
  return parts.join(' (caused by: ') + ')'.repeat(parts.length - 1);
}

/**
 * What flink-daemon.sh does for `jobmanager.sh` and `taskmanager.sh`, for flink-ts's processes:
 *
 * - `start`: under the pid file's lock, count the running instances (the new one's id), rotate its
 *   log files, spawn the process main detached (its stdout and stderr into the `.out` file, its log
 *   into the `.log` file) and record its pid; then wait until the process reports over IPC that its
 *   component has started, or ends. The script only checks that the JVM is alive an instant after
 *   forking it, so a JobManager whose port is taken "starts" fine and dies unseen; here a failed
 *   start exits 1 with the process's exit code and the end of its `.out` and `.log`, and leaves no pid.
 * - `stop`: the newest instance (LIFO), SIGTERM, wait (the script does not), SIGKILL past a deadline.
 * - `stop-all`: every instance, in parallel.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClientOutput } from '../../client/cli-output.js';
import { processOutput } from '../../client/cli-output.js';
import { reportError } from '../../client/client-errors.js';
import { currentUserName } from '../../client/user-name.js';
import type { Configuration } from '../../config/index.js';
import { CONFIG_FILE_NAME, LOG_MAX, PID_DIR, resolveConfDir } from '../../config/index.js';
import { ensureError } from '../../core/errors.js';
import type { DaemonName } from '../daemons.js';
import { DAEMONS, EXIT_CLEAN, EXIT_STARTUP_FAILURE } from '../daemons.js';
import { READY_MESSAGE, loadEntrypointConfiguration, parseEntrypointArguments } from '../entrypoint-process.js';
import { FROM_SOURCES } from '../installation.js';
import type { DaemonLogFiles } from './log-files.js';
import { daemonLogFiles, logDirectory, rotateDaemonLogs, tailLines } from './log-files.js';
import { PidFile, pidFilePath } from './pid-file.js';
import { processCommandLine, stopProcess } from './processes.js';

/** How long `start` waits for the process to report that it started. */
export const DEFAULT_START_TIMEOUT_MS = 60_000;
/** How long `stop` waits after SIGTERM before SIGKILL. */
export const DEFAULT_STOP_TIMEOUT_MS = 30_000;
/** Lines of the `.out` and `.log` files shown when a start fails. */
const TAIL_LINES = 20;

export interface DaemonCommandOptions {
  readonly daemon: DaemonName;
  /** `-D` values, without the `-D`. */
  readonly dynamicProperties?: readonly string[] | undefined;
  /** JobManager only: `--host` (jobmanager.rpc.address). */
  readonly host?: string | undefined;
  /** JobManager only: `--webui-port` (rest.port). */
  readonly webUiPort?: number | undefined;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** Working directory of the daemon; relative paths resolve against it. @default process.cwd() */
  readonly cwd?: string | undefined;
  /** @default processOutput */
  readonly output?: ClientOutput | undefined;
  /**
   * The process main to run instead of the daemon's own (`.js`, or `.ts` through tsx). Tests run
   * fixture components this way; it must call `runEntrypointProcess` like the real mains.
   */
  readonly entrypoint?: string | undefined;
  /** @default DEFAULT_START_TIMEOUT_MS */
  readonly startTimeoutMs?: number | undefined;
  /** @default DEFAULT_STOP_TIMEOUT_MS */
  readonly stopTimeoutMs?: number | undefined;
  /**
   * `stop` and `stop-all` act only on instances whose command line holds this argument (e.g. a
   * pool agent's `$internal.pool.agent.host=<h>`), when several instances stand for different things.
   */
  readonly instanceMarker?: string | undefined;
}

/** `FLINK_IDENT_STRING` (as in Flink's scripts), else the OS user: the `<user>` of pid and log file names. */
export function identString(env: NodeJS.ProcessEnv): string {
  const ident = env.FLINK_IDENT_STRING;
  return ident !== undefined && ident !== '' ? ident : currentUserName();
}

/**
 * The arguments of the process main, without the log file: what both the detached daemon and
 * `start-foreground` run with. The conf dir is passed as an absolute path when there is one, so the
 * daemon reads the same file as this command whatever its working directory.
 */
export function entrypointArguments(options: DaemonCommandOptions, cwd: string = options.cwd ?? process.cwd()): string[] {
  const env = options.env ?? process.env;
  const confDir = resolveConfDir({ env, cwd });
  const explicitConf = confDir.origin !== 'default' || existsSync(join(confDir.dir, CONFIG_FILE_NAME));
  const args = explicitConf ? ['--configDir', confDir.dir] : [];
  for (const property of options.dynamicProperties ?? []) args.push('-D', property);
  if (options.host !== undefined) args.push('--host', options.host);
  if (options.webUiPort !== undefined) args.push('--webui-port', String(options.webUiPort));
  return args;
}

interface DaemonContext {
  readonly daemon: DaemonName;
  readonly hostName: string;
  readonly user: string;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly output: ClientOutput;
  readonly configuration: Configuration;
  readonly baseArguments: readonly string[];
  readonly pidFile: PidFile;
}

// Loads the configuration exactly as the daemon will, so that a bad `-D` fails here, before any
// process or pid exists.
function daemonContext(options: DaemonCommandOptions): DaemonContext {
  const cwd = resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  const output = options.output ?? processOutput;
  const baseArguments = entrypointArguments(options, cwd);
  const configuration = loadEntrypointConfiguration(parseEntrypointArguments(options.daemon, baseArguments), env, cwd);
  const user = identString(env);
  const pidDir = resolve(cwd, configuration.get(PID_DIR));
  return {
    daemon: options.daemon,
    hostName: hostname(),
    user,
    cwd,
    env,
    output,
    configuration,
    baseArguments,
    pidFile: new PidFile(pidFilePath(pidDir, user, options.daemon), options.daemon, (line) => output.out(line)),
  };
}

/** `start`: resolves with the exit code (0 started, 1 not). */
export async function startDaemon(options: DaemonCommandOptions): Promise<number> {
  const output = options.output ?? processOutput;
  try {
    const context = daemonContext(options);
    const { daemon, hostName } = context;
    const launch = await context.pidFile.update((running) => {
      if (running.length > 0) output.out(`[INFO] ${running.length} instance(s) of ${daemon} are already running on ${hostName}.`);
      const files = daemonLogFiles(logDirectory(context.configuration, context.cwd), context.user, daemon, running.length, hostName);
      mkdirSync(resolve(files.prefix, '..'), { recursive: true });
      rotateDaemonLogs(files, context.configuration.get(LOG_MAX));
      const child = spawnDaemon(context, files, options.entrypoint);
      // Recorded at once, still under the lock: a concurrent start must count this instance.
      return { pids: [...running, child.pid], value: { child, pid: child.pid, files } };
    }, new Set(), { createDirectory: true });
    const outcome = await waitForStart(launch.child, options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
    if (outcome.kind === 'started') {
      output.out(`Starting ${daemon} daemon on host ${hostName}.`);
      return EXIT_CLEAN;
    }
    if (outcome.kind === 'timeout') {
      // Neither up nor down: stop it rather than leave a half-started daemon nobody knows about.
      await stopProcess(launch.pid, daemon, options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS, () => undefined).catch(() => undefined);
    }
    await context.pidFile.remove(launch.pid);
    reportFailedStart(context, launch.files, outcome);
    return EXIT_STARTUP_FAILURE;
  } catch (error) {
    return reportError(error, output);
  }
}

/** `stop`: stops the newest instance; 0 also when none is running (as Flink's script). */
export async function stopDaemon(options: DaemonCommandOptions): Promise<number> {
  const output = options.output ?? processOutput;
  try {
    const context = daemonContext(options);
    const pid = await context.pidFile.update((live) => {
      const chosen = [...live].reverse().find((p) => hasMarker(p, options.instanceMarker));
      return { pids: live.filter((p) => p !== chosen), value: chosen };
    });
    if (pid === undefined) {
      output.out(`No ${context.daemon} daemon to stop on host ${context.hostName}.`);
      return EXIT_CLEAN;
    }
    return await stopInstance(context, pid, options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS);
  } catch (error) {
    return reportError(error, output);
  }
}

/** `stop-all`: stops every instance on this host, in parallel. */
export async function stopAllDaemons(options: DaemonCommandOptions): Promise<number> {
  const output = options.output ?? processOutput;
  try {
    const context = daemonContext(options);
    const pids = await context.pidFile.update((live) => {
      const chosen = live.filter((p) => hasMarker(p, options.instanceMarker));
      return { pids: live.filter((p) => !chosen.includes(p)), value: chosen };
    });
    if (pids.length === 0) {
      output.out(`No ${context.daemon} daemon to stop on host ${context.hostName}.`);
      return EXIT_CLEAN;
    }
    const timeout = options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
    const codes = await Promise.all(pids.map((pid) => stopInstance(context, pid, timeout)));
    return Math.max(...codes);
  } catch (error) {
    return reportError(error, output);
  }
}

function hasMarker(pid: number, marker: string | undefined): boolean {
  if (marker === undefined) return true;
  return processCommandLine(pid)?.includes(marker) ?? false;
}

async function stopInstance(context: DaemonContext, pid: number, timeoutMs: number): Promise<number> {
  const { daemon, output } = context;
  output.out(`Stopping ${daemon} daemon (pid: ${pid}) on host ${context.hostName}.`);
  try {
    await stopProcess(pid, daemon, timeoutMs, () => {
      output.err(`The ${daemon} daemon (pid: ${pid}) did not stop within ${timeoutMs / 1000} s after SIGTERM; killing it (SIGKILL).`);
    });
    return EXIT_CLEAN;
  } catch (error) {
    output.err(`Could not stop the ${daemon} daemon (pid: ${pid}): ${ensureError(error).message}`);
    return EXIT_STARTUP_FAILURE;
  }
}

/** `node <main>` for a built main, `node --import tsx <main>` for a TypeScript one (tests). */
export function entrypointCommand(daemon: DaemonName, entrypoint?: string): string[] {
  const script = entrypoint ?? fileURLToPath(new URL(`../${DAEMONS[daemon].mainModule}${FROM_SOURCES ? '.ts' : '.js'}`, import.meta.url));
  // tsx is resolved from here, not from the daemon's working directory, which may be anywhere.
  return /\.[mc]?ts$/.test(script) ? ['--import', import.meta.resolve('tsx'), script] : [script];
}

interface SpawnedDaemon extends ChildProcess {
  readonly pid: number;
}

function spawnDaemon(context: DaemonContext, files: DaemonLogFiles, entrypoint: string | undefined): SpawnedDaemon {
  const out = openSync(files.out, 'a');
  try {
    const child = spawn(
      process.execPath,
      [...entrypointCommand(context.daemon, entrypoint), ...context.baseArguments, '--logFile', files.log, '--notify-ready'],
      {
        cwd: context.cwd,
        env: context.env,
        // Its own session: a Ctrl-C in the terminal that started it must not reach the daemon.
        detached: true,
        // fd 3 is the IPC channel the daemon reports its start on, then closes.
        stdio: ['ignore', out, out, 'ipc'],
      },
    );
    if (child.pid === undefined) {
      // spawn() reports a failure to start the executable only through the 'error' event.
      child.on('error', () => undefined);
      throw new Error(`Could not spawn ${process.execPath} for the ${context.daemon} daemon.`);
    }
    return child as SpawnedDaemon;
  } finally {
    // The child has its own copy; this process must not keep the file open.
    closeSync(out);
  }
}

type StartOutcome =
  | { readonly kind: 'started' }
  | { readonly kind: 'exited'; readonly code: number | null; readonly signal: NodeJS.Signals | null }
  | { readonly kind: 'timeout'; readonly timeoutMs: number }
  | { readonly kind: 'error'; readonly error: Error };

function isReadyMessage(message: unknown): boolean {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === READY_MESSAGE;
}

async function waitForStart(child: ChildProcess, timeoutMs: number): Promise<StartOutcome> {
  const outcome = await new Promise<StartOutcome>((resolvePromise) => {
    let settled = false;
    const onMessage = (message: unknown): void => {
      if (isReadyMessage(message)) done({ kind: 'started' });
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      const exited: StartOutcome = { kind: 'exited', code, signal };
      // 'exit' can overtake a last message still in the IPC pipe; the pipe closes after it.
      if (!child.connected) done(exited);
      else child.once('disconnect', () => setImmediate(() => done(exited)));
    };
    const onError = (error: Error): void => done({ kind: 'error', error });
    const timer = setTimeout(() => done({ kind: 'timeout', timeoutMs }), timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.once('error', onError);
    function done(result: StartOutcome): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.off('error', onError);
      resolvePromise(result);
    }
  });
  // From now on the daemon lives on its own: nothing of it may keep this command running.
  if (child.connected) child.disconnect();
  child.unref();
  return outcome;
}

function reportFailedStart(context: DaemonContext, files: DaemonLogFiles, outcome: Exclude<StartOutcome, { kind: 'started' }>): void {
  const { output, daemon, hostName } = context;
  let why: string;
  switch (outcome.kind) {
    case 'exited':
      why = outcome.code !== null ? `the process exited with code ${outcome.code}` : `the process was killed by ${outcome.signal ?? 'a signal'}`;
      break;
    case 'timeout':
      why = `the process did not report that it started within ${outcome.timeoutMs / 1000} s and was stopped`;
      break;
    case 'error':
      why = `the process could not be started: ${outcome.error.message}`;
      break;
  }
  output.err(`Error starting ${daemon} daemon on host ${hostName}: ${why}.`);
  for (const file of [files.out, files.log]) {
    const lines = tailLines(file, TAIL_LINES);
    if (lines.length === 0) continue;
    output.err(`Last lines of ${file}:`);
    for (const line of lines) output.err(`  ${line}`);
  }
}

/**
 * What the process mains (`jobmanager.ts`, `taskmanager.ts`) share: their command line, the
 * configuration, the log sink, the readiness report to the daemon launcher, and the run of the
 * component through {@link runClusterEntrypoint}. `start-foreground` calls it in the CLI process;
 * tests call it from fixture mains with fixture components.
 *
 * Command line (what the daemon launcher passes, close to Flink's entrypoints):
 * `--configDir <dir>`, `-D key=value` (repeatable, also `-Dkey=value`), `--logFile <path>`,
 * `--notify-ready`, `--exit-with-parent`, and for the JobManager `--host <h>` (jobmanager.rpc.address)
 * and `--webui-port <p>` (rest.port), which win over `-D` as in Flink's jobmanager.sh.
 *
 * `--exit-with-parent` is how a pool agent's containers end with their agent: the process keeps
 * the IPC channel it was started with, and its closing (the agent ended, even by SIGKILL) shuts
 * the process down as SIGTERM would.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import type { Configuration } from '../config/index.js';
import { JOB_MANAGER_RPC_ADDRESS, LOG_LEVEL, REST_PORT, loadConfiguration, resolveConfDir } from '../config/index.js';
import { ensureError } from '../core/errors.js';
import type { LogSink, Logger } from '../core/logger.js';
import { rootLogger, stderrSink } from '../core/logger.js';
import { CONF_DIR_KEY } from '../runtime/entrypoint/cluster-secret.js';
import type { ClusterComponent, ClusterComponentFactory } from './cluster-component.js';
import type { EntrypointHost } from './cluster-entrypoint.js';
import { processHost, runClusterEntrypoint } from './cluster-entrypoint.js';
import type { DaemonName } from './daemons.js';
import { DAEMONS, EXIT_STARTUP_FAILURE } from './daemons.js';

/** The IPC message a daemon sends its launcher once the component has started. */
export const READY_MESSAGE = 'flink-ts.entrypoint.started';

export interface EntrypointArguments {
  readonly configDir?: string | undefined;
  readonly dynamicProperties: readonly string[];
  readonly logFile?: string | undefined;
  readonly notifyReady: boolean;
  readonly exitWithParent: boolean;
  readonly host?: string | undefined;
  readonly webUiPort?: string | undefined;
}

/**
 * Parses an entrypoint's command line; `--host` and `--webui-port` only for the JobManager.
 * @throws Error naming the offending argument.
 */
export function parseEntrypointArguments(daemonName: DaemonName, argv: readonly string[]): EntrypointArguments {
  const jobManager = daemonName === 'standalonesession';
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      configDir: { type: 'string' },
      dynamic: { type: 'string', short: 'D', multiple: true },
      logFile: { type: 'string' },
      'notify-ready': { type: 'boolean' },
      'exit-with-parent': { type: 'boolean' },
      ...(jobManager ? { host: { type: 'string' }, 'webui-port': { type: 'string' } } : {}),
    },
  });
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  return {
    configDir: text(values.configDir),
    dynamicProperties: Array.isArray(values.dynamic) ? values.dynamic.filter((v): v is string => typeof v === 'string') : [],
    logFile: text(values.logFile),
    notifyReady: values['notify-ready'] === true,
    exitWithParent: values['exit-with-parent'] === true,
    host: text(values.host),
    webUiPort: text(values['webui-port']),
  };
}

/**
 * The configuration an entrypoint runs with: conf dir, `FLINK_TS_PROPERTIES`, `-D`, then
 * `--host`/`--webui-port`. The conf dir itself is recorded under {@link CONF_DIR_KEY} (Flink's
 * DeploymentOptionsInternal.CONF_DIR), where components find files that live next to config.yaml.
 */
export function loadEntrypointConfiguration(args: EntrypointArguments, env: NodeJS.ProcessEnv, cwd: string = process.cwd()): Configuration {
  const confDir = args.configDir === undefined ? {} : { confDir: args.configDir };
  let configuration = loadConfiguration({ env, cwd, dynamicProperties: args.dynamicProperties, ...confDir });
  if (args.host !== undefined) configuration = configuration.withOverrides({ [JOB_MANAGER_RPC_ADDRESS.key]: args.host }, '--host');
  if (args.webUiPort !== undefined) configuration = configuration.withOverrides({ [REST_PORT.key]: args.webUiPort }, '--webui-port');
  return configuration.withOverrides({ [CONF_DIR_KEY]: resolveConfDir({ env, cwd, ...confDir }).dir }, 'entrypoint');
}

export interface EntrypointProcessOptions {
  readonly daemonName: DaemonName;
  readonly factory: ClusterComponentFactory;
  /** The arguments after the script. */
  readonly argv: readonly string[];
  /** Where logs go without `--logFile`. @default stderr (`start-foreground` passes stdout) */
  readonly consoleSink?: LogSink | undefined;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** @default processHost */
  readonly host?: EntrypointHost | undefined;
}

/** Runs a cluster process; resolves with its exit code. Never rejects. */
export async function runEntrypointProcess(options: EntrypointProcessOptions): Promise<number> {
  try {
    return await runEntrypointProcessUnguarded(options);
  } finally {
    // Whatever the outcome, a launcher's IPC channel still open would keep this process alive.
    if (options.argv.includes('--notify-ready') && process.connected) process.disconnect();
  }
}

async function runEntrypointProcessUnguarded(options: EntrypointProcessOptions): Promise<number> {
  let host = options.host ?? processHost;
  const env = options.env ?? process.env;
  const title = `${DAEMONS[options.daemonName].entrypointClass} (${options.daemonName})`;
  let args: EntrypointArguments;
  let configuration: Configuration;
  try {
    args = parseEntrypointArguments(options.daemonName, options.argv);
    configuration = loadEntrypointConfiguration(args, env);
  } catch (error) {
    // No logger yet (its level and file come from the configuration): stderr is all there is.
    host.stderr(`Could not start ${title}: ${ensureError(error).message}`);
    return EXIT_STARTUP_FAILURE;
  }
  if (args.exitWithParent) host = exitingWithParent(host);
  const sink = args.logFile === undefined ? (options.consoleSink ?? stderrSink) : logFileSink(args.logFile, host);
  const logger = rootLogger(sink, configuration.get(LOG_LEVEL));
  return runClusterEntrypoint({
    daemonName: options.daemonName,
    component: createComponent(options.factory, configuration, logger),
    logger,
    configuration,
    configDir: String(configuration.getRaw(CONF_DIR_KEY)),
    logFile: args.logFile,
    programArguments: options.argv,
    onStarted: args.notifyReady ? notifyLauncher : undefined,
    host,
  });
}

/**
 * A factory that throws becomes a component whose start() fails, so that the failure is logged and
 * reported like any other startup failure, after the environment banner.
 */
function createComponent(factory: ClusterComponentFactory, configuration: Configuration, logger: Logger): ClusterComponent {
  try {
    return factory(configuration, logger);
  } catch (error) {
    return {
      start: () => Promise.reject(ensureError(error)),
      terminated: new Promise<never>(() => undefined),
      shutdown: () => Promise.resolve(),
    };
  }
}

/**
 * Appends to the daemon's log file, one synchronous write per line so that nothing is lost when
 * the process exits right after logging why. If the file cannot be written, the lines go to
 * stderr (the daemon's `.out` file) after one warning, rather than nowhere.
 */
function logFileSink(file: string, host: EntrypointHost): LogSink {
  let state: 'new' | 'open' | 'broken' = 'new';
  return {
    write(line: string): void {
      if (state !== 'broken') {
        try {
          if (state === 'new') mkdirSync(dirname(file), { recursive: true });
          state = 'open';
          appendFileSync(file, line);
          return;
        } catch (error) {
          state = 'broken';
          host.stderr(`Cannot write the log file ${file}: ${ensureError(error).message}. Logging to stderr instead.`);
        }
      }
      process.stderr.write(line);
    },
  };
}

// The launcher's child has an IPC channel (see daemon-launcher.ts). Disconnecting after the report
// lets the launcher exit and keeps the channel from holding this process's event loop.
function notifyLauncher(): void {
  if (process.send === undefined || !process.connected) return;
  process.send({ type: READY_MESSAGE, pid: process.pid }, () => {
    if (process.connected) process.disconnect();
  });
}

/**
 * The host whose termination signals include the parent's death: the IPC channel closing. A
 * process started without a channel has no parent to watch and is told so at once.
 */
function exitingWithParent(host: EntrypointHost): EntrypointHost {
  return {
    ...host,
    onSignal(listener) {
      const off = host.onSignal(listener);
      const onDisconnect = (): void => {
        host.stderr('The parent process (the pool agent) is gone: shutting down.');
        listener('SIGTERM');
      };
      if (process.channel === undefined || !process.connected) {
        setImmediate(onDisconnect);
        return off;
      }
      process.once('disconnect', onDisconnect);
      // The channel must not keep a process alive whose component has shut down.
      process.channel.unref();
      return () => {
        off();
        process.off('disconnect', onDisconnect);
      };
    },
  };
}

/** How long a finished entrypoint waits for its event loop to drain before it exits anyway. */
export const EXIT_GRACE_MS = 2_000;

/**
 * Called by the process mains once the exit code is set. A component that forgets a timer or a
 * socket in shutdown() must not keep a stopped daemon alive (`stop` would then have to SIGKILL
 * it); the timer is unref'd, so a process that drains normally exits without waiting for it.
 */
export function exitWhenDone(): void {
  setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();
}

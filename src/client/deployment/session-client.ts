/**
 * The client of a session cluster, whatever deploys it (`ssh-session`, `pool-session`), as
 * Flink's yarn-session.sh: it deploys the session (or attaches to a running one), records it as
 * a named context, and then either detaches (`-d`) or stays in the foreground, reading `stop`,
 * `quit` and `help` from stdin and watching that the session still answers. Ctrl-C or SIGTERM
 * stop a session this client started; one it attached to keeps running.
 */
import { createInterface } from 'node:readline';
import type { Configuration } from '../../config/index.js';
import type { ClientOutput } from '../cli-output.js';
import type { ClusterContext } from '../contexts.js';
import { ensureError } from '../../core/errors.js';
import { EXIT_FAILURE, EXIT_OK, UsageError, reportError } from '../client-errors.js';
import { ContextStore, checkContextAlive, checkName, contextsFile } from '../contexts.js';

/** How often an attached client checks that the session still answers (yarn-session: 3 s). */
const WATCH_INTERVAL_MS = 2_000;
/** Failed checks in a row after which the session counts as lost (yarn-session: 5). */
const WATCH_FAILURES = 5;

export type InterruptSignal = 'SIGINT' | 'SIGTERM';

/** What a shutdown did, as lines for the user; `ok` when nothing is left of the cluster. */
export interface SessionShutdown {
  readonly ok: boolean;
  readonly out: readonly string[];
  readonly err: readonly string[];
}

/** A running session, deployed or attached to by one target. */
export interface SessionCluster {
  readonly clusterId: string;
  readonly restAddress: string;
  /** Lines that say what was started, printed before the Web Interface line. */
  readonly startedLines: readonly string[];
  /** Settings later commands against the session need (the pool's Redis, the application id). */
  readonly contextProperties?: Readonly<Record<string, string>>;
  /** Leaves the session running: the client lets go of it (connections, leases). */
  detach(): Promise<void>;
  /** Whether the session is gone for good, when its REST endpoint stopped answering. */
  isGone(): Promise<boolean>;
  /** Takes the session down everywhere. Idempotent. */
  shutDown(): Promise<SessionShutdown>;
}

/** How one deployment target starts, finds and describes its sessions. */
export interface SessionTarget {
  /** `ssh-session` or `pool-session`: the context's target and the command's name. */
  readonly name: string;
  /** Prefix of default context names: `ssh` → `ssh-<cluster id>`. */
  readonly contextPrefix: string;
  /** `interrupted` says when the user gave up meanwhile (a deployment may wait for room). */
  deploy(configuration: Configuration, log: (line: string) => void, interrupted: () => boolean): Promise<SessionCluster>;
  attach(context: ClusterContext, configuration: Configuration, log: (line: string) => void): Promise<SessionCluster>;
  /** What to tell about a detached session: how to stop it. */
  detachedLines(cluster: SessionCluster, contextName: string): string[];
  /** A session `-id` names that no context records, when the target can find it by itself. */
  findUnrecorded?(id: string, configuration: Configuration): Promise<ClusterContext | undefined>;
  /** When `-id` names no known session: what to do (the error's message). */
  unknownSessionMessage(id: string): string;
}

/** What a session command (`ssh-session`, `pool-session`) is given: yarn-session.sh's flags and the process's. */
export interface SessionCommandOptions {
  /** `-d`: return once the cluster is up. */
  readonly detached: boolean;
  /** `-s`: slots per TaskManager (`taskmanager.numberOfTaskSlots`). */
  readonly slots?: number | undefined;
  /** `-nm`: the context's name (and the pool application's). */
  readonly name?: string | undefined;
  /** `-jm`: `jobmanager.memory.process.size` (a plain number is MB, as in yarn-session). */
  readonly jobManagerMemory?: string | undefined;
  /** `-tm`: `taskmanager.memory.process.size`. */
  readonly taskManagerMemory?: string | undefined;
  /** `-id`: attach to this running session (a cluster or application id, or a context name). */
  readonly attachTo?: string | undefined;
  readonly dynamicProperties: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly output: ClientOutput;
  readonly signals: { subscribe(handler: (signal: InterruptSignal) => void): () => void };
  /** Where `stop`, `quit` and `help` are read. @default process.stdin */
  readonly input?: NodeJS.ReadableStream | undefined;
}

export interface SessionClientOptions {
  readonly detached: boolean;
  /** `-nm`: the context's name. @default `<prefix>-<cluster id>` */
  readonly name?: string | undefined;
  /** `-id`: attach to this running session (a cluster id or a context name) instead of starting one. */
  readonly attachTo?: string | undefined;
  readonly configuration: () => Configuration;
  readonly env: NodeJS.ProcessEnv;
  readonly output: ClientOutput;
  readonly signals: { subscribe(handler: (signal: InterruptSignal) => void): () => void };
  /** Where `stop`, `quit` and `help` are read. @default process.stdin */
  readonly input?: NodeJS.ReadableStream | undefined;
}

/** Runs the session command; resolves with the exit code (0 stopped or detached cleanly, 1 failure, 2 usage). */
export async function runSessionClient(target: SessionTarget, options: SessionClientOptions): Promise<number> {
  try {
    return options.attachTo === undefined ? await startSession(target, options) : await attachToSession(target, options.attachTo, options);
  } catch (error) {
    return reportError(error, options.output);
  }
}

async function startSession(target: SessionTarget, options: SessionClientOptions): Promise<number> {
  const { output } = options;
  const configuration = options.configuration();
  const contexts = new ContextStore(contextsFile(options.env));
  if (options.name !== undefined) await checkNameFree(contexts, options.name, output);

  // Subscribed before anything starts: Ctrl-C during the deployment must not end the client
  // before it took down what it started.
  let interrupted: InterruptSignal | undefined;
  let onSignal: ((signal: InterruptSignal) => void) | undefined;
  const unsubscribe = options.signals.subscribe((signal) => {
    if (onSignal !== undefined) onSignal(signal);
    else if (interrupted === undefined) {
      interrupted = signal;
      output.err(`Received ${signal}: the session cluster is taken down as soon as its deployment ends.`);
    }
  });
  try {
    const cluster = await target.deploy(configuration, (line) => output.err(line), () => interrupted !== undefined);
    if (interrupted !== undefined) return await stop(cluster, undefined, contexts, output);
    try {
      return await announce(target, cluster, contexts, options, (handler) => (onSignal = handler));
    } catch (error) {
      // E.g. the contexts file cannot be written: a session nobody can find must not stay.
      const code = reportError(error, output);
      await stop(cluster, undefined, contexts, output);
      return code;
    }
  } finally {
    unsubscribe();
  }
}

/** Saves the context and says where the session is; then detaches, or stays in the foreground. */
async function announce(
  target: SessionTarget,
  cluster: SessionCluster,
  contexts: ContextStore,
  options: SessionClientOptions,
  onSignal: (handler: (signal: InterruptSignal) => void) => void,
): Promise<number> {
  const { output } = options;
  const name = options.name ?? `${target.contextPrefix}-${cluster.clusterId}`;
  const context: ClusterContext = {
    name,
    target: target.name,
    restAddress: cluster.restAddress,
    clusterId: cluster.clusterId,
    createdAt: Date.now(),
    ...(cluster.contextProperties === undefined ? {} : { properties: cluster.contextProperties }),
  };
  contexts.save(context);
  for (const line of cluster.startedLines) output.out(line);
  output.out(`JobManager Web Interface: ${cluster.restAddress}`);
  output.out(`Saved as context '${name}', now the current one: \`flink-ts run <job file>\`, \`list\` and \`cancel\` use it.`);
  if (options.detached) {
    await cluster.detach();
    for (const line of target.detachedLines(cluster, name)) output.out(line);
    return EXIT_OK;
  }
  return await interact(target, cluster, context, contexts, options, true, onSignal);
}

/** A name in use by a session that still answers is refused: its context would be lost. */
async function checkNameFree(contexts: ContextStore, name: string, output: ClientOutput): Promise<void> {
  try {
    checkName(name);
  } catch (error) {
    throw new UsageError(`-nm: ${ensureError(error).message}`);
  }
  const existing = contexts.get(name);
  if (existing === undefined) return;
  try {
    await checkContextAlive(existing, 2_000);
  } catch {
    output.err(`Note: the context '${name}' pointed at ${existing.restAddress}, which no longer answers; it is replaced.`);
    return;
  }
  throw new UsageError(`The context '${name}' exists and its cluster at ${existing.restAddress} answers: choose another name (-nm), or stop that session first.`);
}

async function attachToSession(target: SessionTarget, id: string, options: SessionClientOptions): Promise<number> {
  const { output } = options;
  const contexts = new ContextStore(contextsFile(options.env));
  const context =
    contexts.list().contexts.find((c) => c.target === target.name && (c.clusterId === id || c.name === id)) ??
    (await target.findUnrecorded?.(id, options.configuration()));
  if (context?.clusterId === undefined) throw new UsageError(target.unknownSessionMessage(id));
  const cluster = await target.attach(context, options.configuration(), (line) => output.err(line));
  try {
    await checkContextAlive(context);
    output.out(`Attached to session cluster '${context.clusterId}' (context '${context.name}'). JobManager Web Interface: ${context.restAddress}`);
  } catch (error) {
    output.err(ensureError(error).message);
    output.err("Type 'stop' to remove what is left of it.");
  }
  let onSignal: ((signal: InterruptSignal) => void) | undefined;
  const unsubscribe = options.signals.subscribe((signal) => onSignal?.(signal));
  try {
    return await interact(target, cluster, context, contexts, options, false, (handler) => (onSignal = handler));
  } finally {
    unsubscribe();
  }
}

/**
 * The foreground loop (yarn-session's): reads commands from stdin and watches that the session
 * answers. Ctrl-C stops the cluster this client started; one it attached to keeps running.
 */
async function interact(
  target: SessionTarget,
  cluster: SessionCluster,
  context: ClusterContext,
  contexts: ContextStore,
  options: SessionClientOptions,
  owned: boolean,
  onSignal: (handler: (signal: InterruptSignal) => void) => void,
): Promise<number> {
  const { output } = options;
  output.out(`Type 'stop' or 'quit' to stop the session cluster, 'help' for more.${owned ? ' Ctrl-C stops it too.' : ' Ctrl-C detaches and leaves it running.'}`);
  type Ending = { readonly kind: 'stop' } | { readonly kind: 'detach' } | { readonly kind: 'lost'; readonly reason: string };
  let end: (ending: Ending) => void = () => undefined;
  const ended = new Promise<Ending>((resolve) => (end = resolve));

  onSignal((signal) => {
    output.err('');
    output.err(owned ? `Received ${signal}: stopping the session cluster.` : `Received ${signal}: detaching; the session keeps running.`);
    end(owned ? { kind: 'stop' } : { kind: 'detach' });
  });

  const input = options.input ?? process.stdin;
  const lines = createInterface({ input, terminal: false });
  // A closed stdin (nohup, a service, `< /dev/null`) is no command: the session keeps running.
  lines.on('line', (raw) => {
    const command = raw.trim().toLowerCase();
    if (command === '') return;
    if (command === 'stop' || command === 'quit') end({ kind: 'stop' });
    else if (command === 'help') {
      output.out('Commands: stop, quit - stop the session cluster and remove its context; help - this text.');
      output.out(`The session's JobManager Web Interface: ${context.restAddress}; its jobs: flink-ts list -a`);
    } else output.out(`Unknown command '${raw.trim()}'. Type 'help' for the commands.`);
  });

  let failures = 0;
  // Not unref'd: with stdin closed, this timer is what keeps the attached client (and its
  // promise to stop the cluster on Ctrl-C) alive.
  const watch = setInterval(() => {
    void checkContextAlive(context, WATCH_INTERVAL_MS).then(
      () => (failures = 0),
      async (error: unknown) => {
        if (++failures < WATCH_FAILURES) return;
        // The REST endpoint is silent: lost only when the session is gone for good too.
        const gone = await cluster.isGone().catch(() => true);
        if (gone) end({ kind: 'lost', reason: ensureError(error).message });
      },
    );
  }, WATCH_INTERVAL_MS);

  const ending = await ended;
  clearInterval(watch);
  lines.close();
  // Reading stdin keeps the process alive; the command ends here.
  input.pause();
  switch (ending.kind) {
    case 'detach':
      await cluster.detach();
      return EXIT_OK;
    case 'lost':
      output.err(`The session cluster '${cluster.clusterId}' is gone (${ending.reason}). Removing what is left of it.`);
      await stop(cluster, context, contexts, output);
      return EXIT_FAILURE;
    case 'stop':
      return stop(cluster, context, contexts, output);
  }
}

/** Takes the cluster down everywhere and forgets its context; 0 when nothing is left. */
async function stop(cluster: SessionCluster, context: ClusterContext | undefined, contexts: ContextStore, output: ClientOutput): Promise<number> {
  const report = await cluster.shutDown();
  for (const line of report.out) output.out(line);
  for (const line of report.err) output.err(line);
  if (!report.ok) {
    if (context !== undefined) output.err(`The context '${context.name}' is kept until the cluster is gone; then: flink-ts context remove ${context.name}`);
    return EXIT_FAILURE;
  }
  if (context !== undefined && contexts.remove(context.name)) output.out(`Removed context '${context.name}'.`);
  return EXIT_OK;
}

/**
 * `flink-ts ssh-session`: a session cluster on the hosts of conf/masters and conf/workers, as
 * Flink's yarn-session.sh starts one on YARN. The JobManager runs on the first master; its
 * ResourceManager starts TaskManagers on the worker hosts when jobs need slots and stops them
 * when they stay idle. The session is recorded as a named context, so `flink-ts run job.ts`,
 * `list` and `cancel` use it without `-m`.
 *
 * Attached (the default), the command stays in the foreground: `stop` or `quit` on stdin,
 * Ctrl-C or SIGTERM take the cluster down and remove the context. Detached (`-d`), it returns
 * once the cluster is up; `flink-ts ssh-session -id <cluster id>` attaches to it again, e.g.
 * `echo stop | flink-ts ssh-session -id <cluster id>`.
 */
import { createInterface } from 'node:readline';
import type { Configuration } from '../../config/index.js';
import type { ClientOutput } from '../cli-output.js';
import type { ClusterContext } from '../contexts.js';
import type { SshCluster } from './ssh-cluster-descriptor.js';
import { NUM_TASK_SLOTS, TASK_MANAGER_TIMEOUT, formatDuration } from '../../config/index.js';
import { ensureError } from '../../core/errors.js';
import { formatHostSpec } from '../../launcher/index.js';
import { loadClientConfiguration } from '../cli-config.js';
import { EXIT_FAILURE, EXIT_OK, UsageError, reportError } from '../client-errors.js';
import { ContextStore, checkContextAlive, checkName, contextsFile } from '../contexts.js';
import { attachSshCluster, deploySessionCluster, shutdownLines } from './ssh-cluster-descriptor.js';

/** How often an attached client checks that the session still answers (yarn-session: 3 s). */
const WATCH_INTERVAL_MS = 2_000;
/** Failed checks in a row after which the session counts as lost (yarn-session: 5). */
const WATCH_FAILURES = 5;

type InterruptSignal = 'SIGINT' | 'SIGTERM';

export interface SshSessionOptions {
  /** `-d`: return once the cluster is up. */
  readonly detached: boolean;
  /** `-s`: slots per TaskManager (`taskmanager.numberOfTaskSlots`). */
  readonly slots?: number | undefined;
  /** `-nm`: the context's name. @default `ssh-<cluster id>` */
  readonly name?: string | undefined;
  /** `-jm`: `jobmanager.memory.process.size` (a plain number is MB, as in yarn-session). */
  readonly jobManagerMemory?: string | undefined;
  /** `-tm`: `taskmanager.memory.process.size`. */
  readonly taskManagerMemory?: string | undefined;
  /** `-id`: attach to this running session (a cluster id or a context name) instead of starting one. */
  readonly attachTo?: string | undefined;
  readonly dynamicProperties: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly output: ClientOutput;
  readonly signals: { subscribe(handler: (signal: InterruptSignal) => void): () => void };
  /** Where `stop`, `quit` and `help` are read. @default process.stdin */
  readonly input?: NodeJS.ReadableStream | undefined;
}

/** Runs the command; resolves with the exit code (0 stopped or detached cleanly, 1 failure, 2 usage). */
export async function runSshSession(options: SshSessionOptions): Promise<number> {
  try {
    return options.attachTo === undefined ? await startSession(options) : await attachToSession(options.attachTo, options);
  } catch (error) {
    return reportError(error, options.output);
  }
}

/** A memory size as yarn-session takes it: a plain number is megabytes. */
function memory(value: string): string {
  return /^\d+$/.test(value.trim()) ? `${value.trim()}m` : value;
}

function sessionConfiguration(options: SshSessionOptions): Configuration {
  const values: Record<string, string | number> = {};
  if (options.slots !== undefined) values[NUM_TASK_SLOTS.key] = options.slots;
  if (options.jobManagerMemory !== undefined) values['jobmanager.memory.process.size'] = memory(options.jobManagerMemory);
  if (options.taskManagerMemory !== undefined) values['taskmanager.memory.process.size'] = memory(options.taskManagerMemory);
  return loadClientConfiguration({ env: options.env, dynamicProperties: options.dynamicProperties, overrides: [{ source: '-s/-jm/-tm', values }] });
}

async function startSession(options: SshSessionOptions): Promise<number> {
  const { output } = options;
  const configuration = sessionConfiguration(options);
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
    const cluster = await deploySessionCluster(configuration, { env: options.env, log: (line) => output.err(line), recordHosts: true });
    if (interrupted !== undefined) return await stop(cluster, undefined, contexts, output);
    try {
      return await announce(cluster, contexts, options, (handler) => (onSignal = handler));
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
  cluster: SshCluster,
  contexts: ContextStore,
  options: SshSessionOptions,
  onSignal: (handler: (signal: InterruptSignal) => void) => void,
): Promise<number> {
  const { output } = options;
  const name = options.name ?? `ssh-${cluster.clusterId}`;
  const context: ClusterContext = { name, target: 'ssh-session', restAddress: cluster.restAddress, clusterId: cluster.clusterId, createdAt: Date.now() };
  contexts.save(context);
  const plan = cluster.plan;
  const workers = [...new Set(plan.workers.map((w) => formatHostSpec(w.spec)))].join(', ');
  const slots = plan.configuration.get(NUM_TASK_SLOTS);
  output.out(
    `Session cluster '${cluster.clusterId}' is running: the JobManager on ${plan.master.host}; TaskManagers with ${slots} slot(s) each start on demand on ${workers} ` +
      `and stop after ${formatDuration(plan.configuration.get(TASK_MANAGER_TIMEOUT))} idle.`,
  );
  output.out(`JobManager Web Interface: ${cluster.restAddress}`);
  output.out(`Saved as context '${name}', now the current one: \`flink-ts run <job file>\`, \`list\` and \`cancel\` use it.`);
  if (options.detached) {
    await cluster.detach();
    output.out('The session runs detached. Stop it with:');
    output.out(`  echo stop | flink-ts ssh-session -id ${cluster.clusterId}`);
    output.out(`or: flink-ts stop-cluster -D high-availability.cluster-id=${cluster.clusterId}   (then: flink-ts context remove ${name})`);
    return EXIT_OK;
  }
  return await interact(cluster, context, contexts, options, true, onSignal);
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

async function attachToSession(id: string, options: SshSessionOptions): Promise<number> {
  const { output } = options;
  const contexts = new ContextStore(contextsFile(options.env));
  const context = contexts.list().contexts.find((c) => c.target === 'ssh-session' && (c.clusterId === id || c.name === id));
  if (context?.clusterId === undefined) {
    throw new UsageError(
      `No context records an ssh session '${id}' (see \`flink-ts context list\`). A session whose context is gone can still be stopped with: flink-ts stop-cluster -D high-availability.cluster-id=${id}`,
    );
  }
  const cluster = attachSshCluster(sessionConfiguration(options), context.clusterId, context.restAddress, { env: options.env, log: (line) => output.err(line) });
  try {
    await checkContextAlive(context);
    output.out(`Attached to session cluster '${context.clusterId}' (context '${context.name}'). JobManager Web Interface: ${context.restAddress}`);
  } catch (error) {
    output.err(ensureError(error).message);
    output.err("Type 'stop' to remove what is left of it from the hosts.");
  }
  let onSignal: ((signal: InterruptSignal) => void) | undefined;
  const unsubscribe = options.signals.subscribe((signal) => onSignal?.(signal));
  try {
    return await interact(cluster, context, contexts, options, false, (handler) => (onSignal = handler));
  } finally {
    unsubscribe();
  }
}

/**
 * The foreground loop (yarn-session's): reads commands from stdin and watches that the session
 * answers. Ctrl-C stops the cluster this client started; one it attached to keeps running.
 */
async function interact(
  cluster: SshCluster,
  context: ClusterContext,
  contexts: ContextStore,
  options: SshSessionOptions,
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
        // The REST endpoint is silent: lost only when the JobManager process is gone too.
        const alive = await cluster.jobManagerAlive().catch(() => false);
        if (!alive) end({ kind: 'lost', reason: ensureError(error).message });
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
async function stop(cluster: SshCluster, context: ClusterContext | undefined, contexts: ContextStore, output: ClientOutput): Promise<number> {
  const report = await cluster.shutDown();
  const lines = shutdownLines(report, 'session cluster');
  for (const line of lines.out) output.out(line);
  for (const line of lines.err) output.err(line);
  if (!report.ok) {
    if (context !== undefined) output.err(`The context '${context.name}' is kept until the cluster is gone; then: flink-ts context remove ${context.name}`);
    return EXIT_FAILURE;
  }
  if (context !== undefined && contexts.remove(context.name)) output.out(`Removed context '${context.name}'.`);
  return EXIT_OK;
}

/**
 * `flink-ts run`: bundle the job, run its program with a client context (every `execute()` is
 * submitted to the target), wait for the jobs when attached, and choose the exit code.
 */
import type { Configuration } from '../config/index.js';
import type { ClientOutput } from './cli-output.js';
import type { JobOutcome } from './client-session.js';
import type { ExecutionTarget, PipelineExecutor } from './pipeline-executor.js';
import type { JobArtifact } from './program/job-bundler.js';
import type { RunSummary } from './job-states.js';
import type { InterruptSignal, RunTimeout, SignalSource } from './signals.js';
import { EXECUTION_ATTACHED, EXECUTION_TARGET, formatDuration, parseDuration } from '../config/index.js';
import { ensureError } from '../core/errors.js';
import { errorChainLines, programExceptionLines } from './cli-output.js';
import { loadClientConfiguration } from './cli-config.js';
import { clientLogFile, fileLogSink } from './client-log.js';
import { jobManagerOverride } from './cluster-address.js';
import { currentContextOverride } from './contexts.js';
import { ClientSession } from './client-session.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_TIMEOUT, UsageError, reportError } from './client-errors.js';
import { JobStateWatcher } from './job-state-watcher.js';
import { armTimeout, processSignals, timedOutLine } from './signals.js';
import { environmentDefaultsFrom } from './environment-defaults.js';
import { checkExecutionTarget, createPipelineExecutor, supportsDetached } from './pipeline-executor.js';
import { bundleJob } from './program/job-bundler.js';
import { ProgramInvocationException, ProgramMissingJobException, runProgram } from './program/program-runner.js';

export type { InterruptSignal, SignalSource } from './signals.js';
export { processSignals } from './signals.js';

export interface RunJobOptions {
  readonly jobFile: string;
  readonly jobArgs: readonly string[];
  readonly parallelism?: number | undefined;
  readonly detached: boolean;
  readonly target?: string | undefined;
  /** `-qu`: the pool queue (`pool.application.queue`). */
  readonly queue?: string | undefined;
  /** `-m host:port`: the cluster's REST address; implies the `remote` target. */
  readonly jobManager?: string | undefined;
  /** `-s`: the savepoint or retained checkpoint to restore the job from. */
  readonly fromSavepoint?: string | undefined;
  /** `-n`: with `-s`, skip state that no operator of the job claims. */
  readonly allowNonRestoredState?: boolean | undefined;
  readonly dynamicProperties: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly output: ClientOutput;
  /** @default processSignals */
  readonly signals?: SignalSource;
  /**
   * `--timeout`: how long the jobs may take, in Flink's duration syntax (`90 s`, `2 min`). When
   * they have not ended by then, they are canceled, what the target deployed is taken down, and
   * the exit code is 124.
   */
  readonly timeout?: string | undefined;
  /** @default the bundler's per-user cache */
  readonly artifactCacheDir?: string;
  /** Builds the target's executor. @default createPipelineExecutor (tests pass a double) */
  readonly createExecutor?: typeof createPipelineExecutor;
}

/**
 * Runs a job file; resolves with the process exit code: {@link EXIT_OK} (0) every job FINISHED,
 * {@link EXIT_FAILURE} (1) a job failed or was canceled or the program failed, exit code
 * 2 for usage errors, {@link EXIT_TIMEOUT} (124) `--timeout` ran out.
 */
export async function runJob(options: RunJobOptions): Promise<number> {
  return (await runJobWithSummary(options)).exitCode;
}

/** Runs a job file; resolves with the exit code and what `run --json` prints. */
export async function runJobWithSummary(options: RunJobOptions): Promise<RunSummary> {
  try {
    return await runJobUnguarded(options);
  } catch (error) {
    return { exitCode: reportError(error, options.output), jobs: [] };
  }
}

/** `--timeout <duration>`, measured from now. @throws UsageError for a value that is not a positive duration. */
function parseRunTimeout(text: string | undefined, attached: boolean): RunTimeout | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) {
    throw new UsageError(`--timeout '${text}' is not a positive duration. Write it as Flink writes durations, e.g. 90 s, 2 min or 1 h (a plain number is milliseconds).`);
  }
  if (!attached) throw new UsageError('--timeout bounds how long the jobs run, so it needs an attached run: drop -d, or drop --timeout.');
  return { text: formatDuration(ms), deadline: Date.now() + ms };
}

async function runJobUnguarded(options: RunJobOptions): Promise<RunSummary> {
  const { output } = options;
  if (options.jobManager !== undefined && options.target !== undefined && options.target !== 'remote') {
    throw new UsageError(`-m ${options.jobManager} names a cluster, but -t ${options.target} does not run on one. Use -t remote with -m, or drop -m.`);
  }
  let configuration = loadRunConfiguration(options);
  if (options.jobManager === undefined && options.target === undefined && !configuration.has('execution.target')) {
    const fromContext = await currentContextOverride(options.env ?? process.env, (line) => output.out(line));
    if (fromContext !== undefined) configuration = configuration.withOverrides(fromContext.values, fromContext.source);
  }
  const target = resolveTarget(configuration, options.target !== undefined || options.jobManager !== undefined);
  const attached = configuration.get(EXECUTION_ATTACHED);
  if (!attached && !supportsDetached(target)) {
    const family = target.split('-')[0] ?? 'ssh';
    throw new UsageError(
      target === 'ssh-per-job' || target === 'pool-per-job'
        ? `Detached mode (-d) is not available for the '${target}' target: the client takes the job's cluster down when the job ends. ` +
            `Run attached (without -d), or use -t ${family}-application -d (its cluster ends with the application), or a session (flink-ts ${family}-session -d).`
        : `Detached mode (-d) is not available for the '${target}' target: its cluster runs inside this client process and would end with it. ` +
            'Run attached (without -d), or submit to a cluster with -t remote / -m host:port.',
    );
  }
  const timeout = parseRunTimeout(options.timeout, attached);
  const artifact = await bundleJob(options.jobFile, options.artifactCacheDir === undefined ? {} : { cacheDir: options.artifactCacheDir });
  if (target === 'ssh-application') {
    // The program's main runs in the cluster's JobManager, not here.
    const { runSshApplication } = await import('./ssh/ssh-application.js');
    const signals = options.signals ?? processSignals;
    return runSshApplication({ configuration, artifact, jobFile: options.jobFile, args: options.jobArgs, attached, env: options.env, output, signals, timeout });
  }
  if (target === 'pool-application') {
    const { runPoolApplication } = await import('./pool/pool-application.js');
    const signals = options.signals ?? processSignals;
    return runPoolApplication({ configuration, artifact, jobFile: options.jobFile, args: options.jobArgs, attached, output, signals, timeout });
  }
  const executor = await (options.createExecutor ?? createPipelineExecutor)(target, {
    configuration,
    logSink: fileLogSink(clientLogFile(configuration), (line) => {
      output.err(line);
    }),
    env: options.env,
    output,
  });
  const session = new ClientSession({
    executor,
    artifact,
    args: options.jobArgs,
    defaults: environmentDefaultsFrom(configuration),
    attached,
    output,
  });

  const interrupt = new InterruptHandler(session, output, () => executor.interrupt?.());
  const unsubscribeSignals = (options.signals ?? processSignals).subscribe((signal) => {
    interrupt.onSignal(signal);
  });
  const disarmTimeout = armTimeout(timeout, () => interrupt.onTimeout());
  const watcher = new JobStateWatcher(session, output);
  if (attached) watcher.start();
  const stray = watchUnhandledRejections();
  let code: number;
  try {
    code = await driveProgram(artifact, session, interrupt, stray, output);
  } catch (error) {
    code = reportError(error, output);
  } finally {
    stray.dispose();
    disarmTimeout();
  }
  try {
    await watcher.stop();
    const jobs = await watcher.summaries();
    // Still subscribed to signals: an interrupt now must not end the client before the
    // executor released what it deployed (per-job clusters).
    code = await closeExecutor(executor, code, output);
    if (interrupt.timedOut && timeout !== undefined) {
      // The last line: what a CI log shows first.
      output.err(timedOutLine(timeout, interrupt.cancelledJobIds));
      code = EXIT_TIMEOUT;
    }
    const clusterId = executor.clusterIds?.[0];
    return { exitCode: code, jobs, ...(clusterId === undefined ? {} : { clusterId }) };
  } finally {
    unsubscribeSignals();
  }
}

/** Runs the program and waits for its jobs (or the interrupt); resolves with the exit code. */
async function driveProgram(
  artifact: JobArtifact,
  session: ClientSession,
  interrupt: InterruptHandler,
  stray: ReturnType<typeof watchUnhandledRejections>,
  output: ClientOutput,
): Promise<number> {
  type ProgramEnd = { readonly kind: 'completed' } | { readonly kind: 'failed'; readonly error: unknown } | { readonly kind: 'interrupted' };
  const first = await Promise.race<ProgramEnd>([
    runProgram(artifact.artifactPath, session.context).then(
      () => ({ kind: 'completed' }),
      (error: unknown) => ({ kind: 'failed', error }),
    ),
    stray.failure.then((error) => ({ kind: 'failed', error: new ProgramInvocationException(error) })),
    interrupt.done.then(() => ({ kind: 'interrupted' })),
  ]);
  // Once interrupted, the interrupt decides how this ends (the program then usually fails
  // with "Job was cancelled", which is no news to the user who pressed Ctrl-C).
  if (first.kind === 'interrupted' || interrupt.started) return await interrupt.done;
  if (first.kind === 'failed') return await failProgram(first.error, session, interrupt, output);
  if (session.submittedCount === 0) throw new ProgramMissingJobException();
  const outcomes = await Promise.race([session.awaitJobs(), stray.failure.then(() => undefined), interrupt.done.then(() => undefined)]);
  if (interrupt.started) return await interrupt.done;
  // A rejection nobody handles is reported only after the turn it happened in.
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (outcomes === undefined || stray.failed) {
    return await failProgram(new ProgramInvocationException(stray.reason), session, interrupt, output);
  }
  return reportUnobservedFailures(session, outcomes, output);
}

/** Lets the executor release what it deployed; a failure to do so makes the run fail. */
async function closeExecutor(executor: PipelineExecutor, code: number, output: ClientOutput): Promise<number> {
  if (executor.close === undefined) return code;
  try {
    await executor.close();
    return code;
  } catch (error) {
    output.err(ensureError(error).message);
    return EXIT_FAILURE;
  }
}

function loadRunConfiguration(options: RunJobOptions): Configuration {
  return loadClientConfiguration({
    env: options.env,
    dynamicProperties: options.dynamicProperties,
    overrides: [
      { source: '-p', values: options.parallelism === undefined ? {} : { 'parallelism.default': options.parallelism } },
      jobManagerOverride(options.jobManager),
      { source: '-t', values: options.target === undefined ? {} : { 'execution.target': options.target } },
      { source: '-qu', values: options.queue === undefined ? {} : { 'pool.application.queue': options.queue } },
      { source: '-s', values: options.fromSavepoint === undefined ? {} : { 'execution.state-recovery.path': options.fromSavepoint } },
      // Only when given, as Flink's SavepointRestoreSettings: a -D value is not overridden by the default.
      { source: '-n', values: options.allowNonRestoredState === true ? { 'execution.state-recovery.ignore-unclaimed-state': true } : {} },
      // Flink's CLI always decides attachment itself: attached unless -d.
      { source: options.detached ? '-d' : 'run', values: { 'execution.attached': !options.detached } },
    ],
  });
}

function resolveTarget(configuration: Configuration, fromFlag: boolean): ExecutionTarget {
  try {
    return checkExecutionTarget(configuration.get(EXECUTION_TARGET));
  } catch (error) {
    // From -t it is a usage error; from config.yaml or -D a configuration error.
    if (fromFlag) throw new UsageError(ensureError(error).message);
    throw error;
  }
}

async function failProgram(error: unknown, session: ClientSession, interrupt: InterruptHandler, output: ClientOutput): Promise<number> {
  for (const line of programExceptionLines(error)) output.err(line);
  // A job left running would keep this process (and its cluster) alive with no one waiting.
  const running = session.runningJobs();
  if (running.length > 0) {
    output.err(`Cancelling ${running.length} job(s) still running: ${running.map((job) => job.jobId).join(', ')}`);
    await Promise.race([session.cancelAll(), interrupt.done]);
  }
  return EXIT_FAILURE;
}

/** Jobs whose failure the program never saw (e.g. executeAsync without waiting) are reported here. */
function reportUnobservedFailures(session: ClientSession, outcomes: readonly JobOutcome[], output: ClientOutput): number {
  let code = EXIT_OK;
  session.jobs.forEach((job, index) => {
    const outcome = outcomes[index];
    if (outcome === undefined || outcome.status === 'FINISHED' || job.observedByProgram) return;
    code = EXIT_FAILURE;
    output.err(`Job with JobID ${job.jobId} ended ${outcome.status}:`);
    for (const line of errorChainLines(outcome.error)) output.err(line);
  });
  return code;
}

/**
 * Ctrl-C / SIGTERM while attached: the first signal cancels the running jobs and ends the client
 * once they are CANCELED; a second one ends it at once.
 */
class InterruptHandler {
  started = false;
  /** The interrupt was `--timeout` running out, not a signal. */
  timedOut = false;
  /** The jobs the interrupt canceled. */
  cancelledJobIds: string[] = [];
  readonly done: Promise<number>;
  private finish: (code: number) => void = () => undefined;

  constructor(
    private readonly session: ClientSession,
    private readonly output: ClientOutput,
    /** Tells the executor, so that a deployment under way gives up. */
    private readonly interruptExecutor: () => void,
  ) {
    this.done = new Promise<number>((resolve) => {
      this.finish = resolve;
    });
  }

  onSignal(signal: InterruptSignal): void {
    if (this.started) {
      this.output.err(`Received ${signal} again: exiting without waiting for the job(s) to be canceled.`);
      this.finish(EXIT_FAILURE);
      return;
    }
    this.started = true;
    this.output.err('');
    this.output.err(`Received ${signal}: cancelling the running job(s). Interrupt again to exit at once.`);
    void this.cancel();
  }

  /** `--timeout` ran out: cancels as the first signal does; the caller prints why, last. */
  onTimeout(): void {
    if (this.started) return;
    this.started = true;
    this.timedOut = true;
    this.output.err('');
    this.output.err('The run timed out (--timeout): cancelling the running job(s).');
    void this.cancel();
  }

  private async cancel(): Promise<void> {
    this.interruptExecutor();
    const ended = await this.session.cancelAll();
    this.cancelledJobIds = ended.map((job) => job.jobId);
    if (ended.length === 0) this.output.err('No job was running.');
    for (const { jobId, outcome } of ended) {
      this.output.err(
        outcome.status === 'CANCELED' ? `Job with JobID ${jobId} has been canceled (CANCELED).` : `Job with JobID ${jobId} ended ${outcome.status}.`,
      );
    }
    this.finish(EXIT_FAILURE);
  }
}

/**
 * A program that forgets to await a promise (say, `env.execute()` without `await`) would crash
 * Node with an unhandled rejection; the client reports it as the program's failure instead.
 */
function watchUnhandledRejections(): { failure: Promise<unknown>; failed: boolean; reason: unknown; dispose: () => void } {
  let report: (reason: unknown) => void = () => undefined;
  const watcher = {
    failure: new Promise<unknown>((resolve) => {
      report = resolve;
    }),
    failed: false,
    reason: undefined as unknown,
    dispose: () => {
      process.off('unhandledRejection', listener);
    },
  };
  const listener = (reason: unknown): void => {
    if (watcher.failed) return;
    watcher.failed = true;
    watcher.reason = reason;
    report(reason);
  };
  process.on('unhandledRejection', listener);
  return watcher;
}

/**
 * Runs a job artifact the way Flink's client runs a JAR's `main()`: with an execution context
 * installed, so that `env.execute()` inside the module reaches whoever ran it (the local executor
 * for `flink-ts run`, a plan recorder for `flink-ts info`).
 */
import { pathToFileURL } from 'node:url';
import type { StreamGraph } from '../../api/graph/stream-graph.js';
import type { EnvironmentDefaults, ExecutionContext } from '../../api/environment/execution-context.js';
import type { JobClient, JobStatus } from '../../api/environment/job-client.js';
import type { JobExecutionResult } from '../../api/environment/job-execution-result.js';
import { currentExecutionContext, installExecutionContext } from '../../api/environment/execution-context.js';
import { API_GLOBAL_KEY } from '../../api/program-globals.js';
import { FlinkTsError, ensureError, isFlinkTsError } from '../../core/errors.js';
import { newJobId } from '../../core/ids.js';

/**
 * Thrown inside a program to stop it once everything needed from it is known (Flink's
 * ProgramAbortException). {@link runProgram} treats it as a normal end.
 */
export class ProgramAbortError extends FlinkTsError {
  constructor() {
    super(
      'ERR_PROGRAM_ABORTED',
      'The program was stopped because it needs the result of a job, and jobs are not run in plan mode.',
    );
  }
}
Object.defineProperty(ProgramAbortError.prototype, 'name', { value: 'ProgramAbortError' });

/** The job's own code (its top-level "main") threw; `cause` is what it threw. */
export class ProgramInvocationException extends FlinkTsError {
  constructor(cause: unknown) {
    super('ERR_INVALID_PROGRAM', `The main method caused an error: ${ensureError(cause).message}`, { cause });
  }
}
Object.defineProperty(ProgramInvocationException.prototype, 'name', { value: 'ProgramInvocationException' });

/** Flink's wording, so users who search for it find the known answer. */
export const MISSING_JOB_MESSAGE =
  "The program didn't contain a Flink job. Perhaps you forgot to call execute() on the execution environment.";

/** The program ran to its end without calling `execute()`. */
export class ProgramMissingJobException extends FlinkTsError {
  constructor() {
    super('ERR_INVALID_PROGRAM', MISSING_JOB_MESSAGE);
  }
}
Object.defineProperty(ProgramMissingJobException.prototype, 'name', { value: 'ProgramMissingJobException' });

/** True for a {@link ProgramAbortError}, also when user code wrapped it as the cause of its own error. */
export function isProgramAbort(error: unknown): boolean {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 16; depth++) {
    if (isFlinkTsError(current) && current.code === 'ERR_PROGRAM_ABORTED') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

// Each run gets its own module URL: ES modules are evaluated once per URL, and a program must run
// again when the same artifact is run twice in one process (tests, info followed by run).
let runCount = 0;
let sourceMapsEnabled = false;

/**
 * Imports the artifact with `context` installed and waits for its top-level code to finish.
 * Resolves when the module completes or stops with a {@link ProgramAbortError}.
 * @throws ProgramInvocationException wrapping whatever the module threw.
 */
export async function runProgram(artifactPath: string, context: ExecutionContext): Promise<void> {
  // The artifact's 'flink-ts' shim reads the API from here (see job-bundler.ts).
  (globalThis as Record<symbol, unknown>)[API_GLOBAL_KEY] = await import('../../api/index.js');
  if (!sourceMapsEnabled) {
    // Artifacts carry inline source maps: stack traces then name the user's file and line.
    process.setSourceMapsEnabled(true);
    sourceMapsEnabled = true;
  }
  const previous = currentExecutionContext();
  const previousArgv = process.argv;
  installExecutionContext(context);
  // A program written as a plain Node script reads process.argv; it sees what a script started
  // as `node <job file> <job args>` would, not the CLI's own arguments.
  process.argv = [process.argv[0] ?? process.execPath, artifactPath, ...context.args];
  try {
    const url = pathToFileURL(artifactPath);
    url.search = `run=${++runCount}`;
    await import(url.href);
  } catch (error) {
    if (isProgramAbort(error)) return;
    throw new ProgramInvocationException(error);
  } finally {
    installExecutionContext(previous);
    process.argv = previousArgv;
  }
}

/** An execution context that records every pipeline instead of running it. */
export interface PlanContext extends ExecutionContext {
  readonly mode: 'plan';
  /** The graphs of the program's `execute()` calls so far, in call order. */
  readonly plans: readonly StreamGraph[];
}

/** What a plan-mode run of a program produced. */
export interface ProgramPlans {
  /** One graph per `execute()` call reached, in call order; never empty. */
  readonly graphs: readonly StreamGraph[];
  /**
   * Set when the program failed after defining at least one job: the graphs before the failure
   * are still valid, later ones (if any) are missing.
   */
  readonly stoppedBy?: ProgramInvocationException;
}

/**
 * A plan-mode context. It runs detached, so `await env.execute()` returns at once and the program
 * goes on to define its next job; only code that needs a job's result (executeAndCollect, a
 * JobClient's result) is stopped with a {@link ProgramAbortError}.
 */
export function createPlanContext(args: readonly string[], defaults: EnvironmentDefaults): PlanContext {
  const plans: StreamGraph[] = [];
  return {
    mode: 'plan',
    args,
    defaults,
    attached: false,
    plans,
    executePipeline(graph: StreamGraph): Promise<JobClient> {
      plans.push(graph);
      return Promise.resolve(planJobClient());
    },
  };
}

function planJobClient(): JobClient {
  const aborted = <T>(): Promise<T> => {
    const promise = Promise.reject(new ProgramAbortError());
    // executeAndCollect requests the result and the collected records together and awaits only
    // one of them; the other must not surface as an unhandled rejection.
    promise.catch(() => undefined);
    return promise;
  };
  return {
    jobId: newJobId(),
    getJobStatus: (): Promise<JobStatus> => aborted(),
    cancel: (): Promise<void> => Promise.resolve(),
    getJobExecutionResult: (): Promise<JobExecutionResult> => aborted(),
    getCollectedResults: (): Promise<unknown[]> => aborted(),
  };
}

/**
 * Runs the program in plan mode and returns the StreamGraph of each `execute()` call, without
 * running any job (what `flink-ts info` shows).
 * @throws ProgramMissingJobException when the program never called `execute()`.
 * @throws ProgramInvocationException when the program failed before defining any job.
 */
export async function getPlans(
  artifactPath: string,
  options: { readonly args: readonly string[]; readonly defaults: EnvironmentDefaults },
): Promise<ProgramPlans> {
  const context = createPlanContext(options.args, options.defaults);
  try {
    await runProgram(artifactPath, context);
  } catch (error) {
    if (!(error instanceof ProgramInvocationException) || context.plans.length === 0) throw error;
    return { graphs: [...context.plans], stoppedBy: error };
  }
  if (context.plans.length === 0) throw new ProgramMissingJobException();
  return { graphs: [...context.plans] };
}

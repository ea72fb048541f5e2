/**
 * `flink-ts info`: run the job's program in plan mode and print the plan of each `execute()` as
 * Flink's plan JSON, without running anything.
 */
import type { ClientOutput } from './cli-output.js';
import { toExecutionPlan } from '../api/graph/execution-plan-json.js';
import { PLAN_FOOTER, PLAN_HEADER, errorChainLines } from './cli-output.js';
import { loadClientConfiguration } from './cli-config.js';
import { EXIT_OK, reportError } from './client-errors.js';
import { environmentDefaultsFrom } from './environment-defaults.js';
import { bundleJob } from './program/job-bundler.js';
import { getPlans } from './program/program-runner.js';

export interface ShowPlansOptions {
  readonly jobFile: string;
  readonly jobArgs: readonly string[];
  readonly parallelism?: number | undefined;
  readonly dynamicProperties: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly output: ClientOutput;
  /** @default the bundler's per-user cache */
  readonly artifactCacheDir?: string;
}

/** Prints the execution plans of a job file; resolves with the process exit code. */
export async function showPlans(options: ShowPlansOptions): Promise<number> {
  const { output } = options;
  try {
    const configuration = loadClientConfiguration({
      env: options.env,
      dynamicProperties: options.dynamicProperties,
      overrides: [{ source: '-p', values: options.parallelism === undefined ? {} : { 'parallelism.default': options.parallelism } }],
    });
    const artifact = await bundleJob(options.jobFile, options.artifactCacheDir === undefined ? {} : { cacheDir: options.artifactCacheDir });
    const { graphs, stoppedBy } = await getPlans(artifact.artifactPath, {
      args: options.jobArgs,
      defaults: environmentDefaultsFrom(configuration),
    });
    for (const graph of graphs) {
      output.out(PLAN_HEADER);
      output.out(JSON.stringify(toExecutionPlan(graph), null, 2));
      output.out(PLAN_FOOTER);
    }
    if (stoppedBy !== undefined) {
      // The plans shown are complete; what the program did afterwards only affects later jobs.
      output.err(`The program failed after defining ${graphs.length} job(s); a job it would define after that point is not shown.`);
      for (const line of errorChainLines(stoppedBy)) output.err(line);
    }
    return EXIT_OK;
  } catch (error) {
    return reportError(error, output);
  }
}

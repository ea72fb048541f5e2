/**
 * `flink-ts stop [-p <dir>] [-d] <jobId>`: stops a job with a savepoint, printing what Flink's CLI
 * prints (`Suspending job "<id>" with a CANONICAL savepoint.`, or `Draining job ...` with -d, then
 * `Savepoint completed. Path: <path>`). The job then ends FINISHED by itself.
 */
import type { ClientOutput } from './cli-output.js';
import type { RestClusterClient } from './rest-cluster-client.js';
import { EXIT_OK, reportError } from './client-errors.js';
import { clusterClientFor } from './cluster-address.js';
import type { ClusterCommandOptions } from './cluster-address.js';
import { jobIdArgument } from './job-id-argument.js';

export interface StopJobOptions extends ClusterCommandOptions {
  readonly jobId: string | undefined;
  /** `-p`: where to write the savepoint; the job's `execution.checkpointing.savepoint-dir` when undefined. */
  readonly savepointPath: string | undefined;
  /** `-d`: flush event time and finish the operators first, for a job that ends for good. */
  readonly drain: boolean;
  readonly output: ClientOutput;
  /** The cluster's client. @default one for the configuration's REST address (tests pass one) */
  readonly client?: RestClusterClient;
}

/** Resolves with the exit code: 0 stopped, 1 failure (printed with its cause), 2 usage error. */
export async function stopJob(options: StopJobOptions): Promise<number> {
  const { output } = options;
  try {
    const jobId = jobIdArgument(options.jobId, 'Missing JobID. Specify a Job ID to stop a job.');
    output.out(`${options.drain ? 'Draining job' : 'Suspending job'} "${jobId}" with a CANONICAL savepoint.`);
    const client = options.client ?? (await clusterClientFor(options, (line) => output.out(line)));
    try {
      const triggerId = await client.stopWithSavepoint(jobId, { targetDirectory: options.savepointPath, drain: options.drain });
      const path = await client.waitForSavepoint(jobId, triggerId);
      output.out(`Savepoint completed. Path: ${path}`);
    } catch (error) {
      output.err(`Could not stop with a savepoint job "${jobId}".`);
      throw error;
    }
    return EXIT_OK;
  } catch (error) {
    return reportError(error, output);
  }
}

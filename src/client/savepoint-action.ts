/**
 * `flink-ts savepoint <jobId> [targetDirectory]` and `flink-ts savepoint -d <path>`: trigger a
 * savepoint and wait for its path, or delete one, printing what Flink's CLI prints.
 */
import type { ClientOutput } from './cli-output.js';
import type { RestClusterClient } from './rest-cluster-client.js';
import { EXIT_OK, UsageError, reportError } from './client-errors.js';
import { clusterClientFor } from './cluster-address.js';
import type { ClusterCommandOptions } from './cluster-address.js';
import { jobIdArgument } from './job-id-argument.js';

export interface SavepointOptions extends ClusterCommandOptions {
  /** The job id as given; checked before anything is sent. */
  readonly jobId: string | undefined;
  /** Where to write the savepoint; the job's `execution.checkpointing.savepoint-dir` when undefined. */
  readonly targetDirectory: string | undefined;
  /** `-d <path>`: delete this savepoint instead of taking one. */
  readonly dispose: string | undefined;
  readonly output: ClientOutput;
  /** The cluster's client. @default one for the configuration's REST address (tests pass one) */
  readonly client?: RestClusterClient;
}

/** Resolves with the exit code: 0 done, 1 failure (printed with its cause), 2 usage error. */
export async function savepoint(options: SavepointOptions): Promise<number> {
  const { output } = options;
  try {
    if (options.dispose !== undefined) return await disposeSavepoint(options, options.dispose);
    const jobId = jobIdArgument(options.jobId, 'Missing JobID. Specify a Job ID to trigger a savepoint.');
    const client = options.client ?? (await clusterClientFor(options, (line) => output.out(line)));
    output.out(`Triggering savepoint for job ${jobId}.`);
    try {
      const triggerId = await client.triggerSavepoint(jobId, { targetDirectory: options.targetDirectory });
      output.out('Waiting for response...');
      const path = await client.waitForSavepoint(jobId, triggerId);
      output.out(`Savepoint completed. Path: ${path}`);
      output.out('You can resume your program from this savepoint with the run command.');
    } catch (error) {
      output.err(`Failed to trigger a savepoint for the job ${jobId}.`);
      throw error;
    }
    return EXIT_OK;
  } catch (error) {
    return reportError(error, output);
  }
}

async function disposeSavepoint(options: SavepointOptions, path: string): Promise<number> {
  const { output } = options;
  if (path.trim().length === 0) throw new UsageError('Missing required argument: savepoint path. Usage: flink-ts savepoint -d <savepoint-path>');
  if (options.jobId !== undefined) throw new UsageError(`-d disposes the savepoint at a path; it takes no job id ('${options.jobId}').`);
  const client = options.client ?? (await clusterClientFor(options, (line) => output.out(line)));
  output.out(`Disposing savepoint '${path}'.`);
  try {
    const triggerId = await client.triggerSavepointDisposal(path);
    output.out('Waiting for response...');
    await client.waitForSavepointDisposal(triggerId);
  } catch (error) {
    output.err(`Failed to dispose the savepoint '${path}'.`);
    throw error;
  }
  output.out(`Savepoint '${path}' disposed.`);
  return EXIT_OK;
}

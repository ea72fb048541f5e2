/**
 * `flink-ts checkpoint <jobId> [--full]`: takes a checkpoint of a running job now (Flink 1.19's
 * `flink checkpoint`), printing what Flink's CLI prints: `Checkpoint <id> for job <jobId>
 * completed.`, with `(FULL)` after `Checkpoint` for --full.
 */
import type { ClientOutput } from './cli-output.js';
import type { RestClusterClient } from './rest-cluster-client.js';
import { EXIT_OK, reportError } from './client-errors.js';
import { clusterClientFor } from './cluster-address.js';
import type { ClusterCommandOptions } from './cluster-address.js';
import { jobIdArgument } from './job-id-argument.js';

export interface CheckpointJobOptions extends ClusterCommandOptions {
  readonly jobId: string | undefined;
  /** `--full`: a full checkpoint rather than the job's configured type. */
  readonly full: boolean;
  readonly output: ClientOutput;
  /** The cluster's client. @default one for the configuration's REST address (tests pass one) */
  readonly client?: RestClusterClient;
}

/** Resolves with the exit code: 0 completed, 1 failure (printed with its cause), 2 usage error. */
export async function checkpointJob(options: CheckpointJobOptions): Promise<number> {
  const { output } = options;
  try {
    const jobId = jobIdArgument(options.jobId, 'Missing JobID. Specify a Job ID to manipulate a checkpoint.');
    const client = options.client ?? (await clusterClientFor(options, (line) => output.out(line)));
    const type = options.full ? 'FULL' : 'CONFIGURED';
    output.out(`Triggering checkpoint for job ${jobId}.`);
    try {
      const triggerId = await client.triggerCheckpoint(jobId, { checkpointType: type });
      output.out('Waiting for response...');
      const checkpointId = await client.waitForCheckpoint(jobId, triggerId);
      // Flink names the type only when it is not the configured one.
      output.out(`Checkpoint${type === 'CONFIGURED' ? '' : `(${type})`} ${checkpointId} for job ${jobId} completed.`);
      output.out('You can resume your program from this checkpoint with the run command.');
    } catch (error) {
      output.err(`Failed to trigger a checkpoint for the job ${jobId}.`);
      throw error;
    }
    return EXIT_OK;
  } catch (error) {
    return reportError(error, output);
  }
}

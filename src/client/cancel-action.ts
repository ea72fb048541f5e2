/**
 * `flink-ts cancel <jobId>`: cancels a job on a cluster, printing what Flink's CLI prints
 * (`Cancelling job <id>.`, then `Cancelled job <id>.` once the cluster accepted it).
 */
import type { ClientOutput } from './cli-output.js';
import type { RestClusterClient } from './rest-cluster-client.js';
import { ensureError } from '../core/errors.js';
import { parseJobId } from '../core/ids.js';
import { EXIT_OK, UsageError, reportError } from './client-errors.js';
import { clusterClientFor } from './cluster-address.js';

export interface CancelJobOptions {
  /** The job id as given; checked before anything is sent. */
  readonly jobId: string | undefined;
  readonly jobManager?: string | undefined;
  /** `-t`: `remote`, or a pool target with `-D pool.application.id`. */
  readonly target?: string | undefined;
  readonly dynamicProperties: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly output: ClientOutput;
  /** The cluster's client. @default one for the configuration's REST address (tests pass one) */
  readonly client?: RestClusterClient;
}

/** Cancels a job; resolves with the exit code (0 accepted, 1 failure, 2 usage error). */
export async function cancelJob(options: CancelJobOptions): Promise<number> {
  const { output } = options;
  try {
    if (options.jobId === undefined) throw new UsageError('Missing JobID. Specify a JobID to cancel a job.');
    let jobId: string;
    try {
      jobId = parseJobId(options.jobId);
    } catch (error) {
      throw new UsageError(ensureError(error).message);
    }
    const client =
      options.client ??
(await clusterClientFor(options, (line) => output.out(line)));
    output.out(`Cancelling job ${jobId}.`);
    await client.cancelJob(jobId);
    output.out(`Cancelled job ${jobId}.`);
    return EXIT_OK;
  } catch (error) {
    return reportError(error, output);
  }
}

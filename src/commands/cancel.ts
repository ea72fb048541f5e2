import { Command } from '@oclif/core';
import { cancelJob } from '../client/cancel-action.js';
import { clusterFlags, clusterOptionsOf, jobIdArgument } from '../client/cli-config.js';
import { processOutput } from '../client/cli-output.js';

export default class Cancel extends Command {
  static override summary = 'Cancel a job running on a cluster.';

  static override description = `Asks the cluster's REST API (-m host:port, else rest.address:rest.port) to cancel the job, as Flink's "flink cancel": prints "Cancelling job <id>." and, once the cluster accepted, "Cancelled job <id>.". The job then goes to CANCELED; "list -a" shows it.

Exit code: 0 when the cluster accepted the cancellation; 1 when the job is unknown or already ended, or the cluster cannot be reached; 2 for usage errors (a missing or malformed job id).`;

  static override usage = ['<%= command.id %> [-m <host:port>] [-D <key=value>]... <jobId>'];

  static override examples = [
    { description: 'Cancel a job on the cluster at localhost:8081.', command: '<%= config.bin %> <%= command.id %> -m localhost:8081 4f7fc878af8c43e3014dc1d0723e8548' },
  ];

  static override args = {
    jobId: jobIdArgument,
  };

  static override flags = {
    ...clusterFlags,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Cancel);
    const code = await cancelJob({
      jobId: args.jobId,
      ...clusterOptionsOf(flags),
      output: processOutput,
    });
    this.exit(code);
  }
}

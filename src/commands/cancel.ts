import { Args, Command, Flags } from '@oclif/core';
import { cancelJob } from '../client/cancel-action.js';
import { configurationFlags, jobManagerFlag } from '../client/cli-config.js';
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
    // Optional for oclif so that a missing id gets Flink's message and exit code 2 from the action.
    jobId: Args.string({ description: 'The id of the job: 32 hexadecimal characters, as "list" shows.', required: false }),
  };

  static override flags = {
    jobmanager: jobManagerFlag,
    target: Flags.string({ char: 't', summary: 'remote (with -m), or pool-session|pool-per-job|pool-application with -D pool.application.id=<id>.', helpValue: '<target>' }),
    ...configurationFlags,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Cancel);
    const code = await cancelJob({
      jobId: args.jobId,
      jobManager: flags.jobmanager,
      target: flags.target,
      dynamicProperties: flags.property ?? [],
      env: process.env,
      output: processOutput,
    });
    this.exit(code);
  }
}

import { Command, Flags } from '@oclif/core';
import { checkpointJob } from '../client/checkpoint-action.js';
import { clusterFlags, clusterOptionsOf, jobIdArgument } from '../client/cli-config.js';
import { processOutput } from '../client/cli-output.js';

export default class Checkpoint extends Command {
  static override summary = 'Take a checkpoint of a running job now.';

  static override description = `As Flink's "flink checkpoint" (1.19+): asks the cluster for a checkpoint of the job outside its schedule and waits for it (at most client.timeout), printing "Triggering checkpoint for job <id>.", "Waiting for response...", then "Checkpoint <n> for job <id> completed." ("Checkpoint(FULL) ..." with --full). The job must have checkpointing enabled.

Exit code: 0 when the checkpoint completed; 1 when the job is unknown, not running or has no checkpointing, the checkpoint failed (the cause is printed) or the cluster cannot be reached; 2 for usage errors.`;

  static override usage = ['<%= command.id %> [--full] [-m <host:port>] [-D <key=value>]... <jobId>'];

  static override examples = [
    { description: 'Checkpoint a job now.', command: '<%= config.bin %> <%= command.id %> -m localhost:8081 4f7fc878af8c43e3014dc1d0723e8548' },
  ];

  static override args = {
    jobId: jobIdArgument,
  };

  static override flags = {
    full: Flags.boolean({ summary: "A full checkpoint rather than the job's configured type (Flink's -full; every checkpoint is a full one here).", default: false }),
    ...clusterFlags,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Checkpoint);
    const code = await checkpointJob({
      jobId: args.jobId,
      full: flags.full,
      ...clusterOptionsOf(flags),
      output: processOutput,
    });
    this.exit(code);
  }
}

import { Args, Command, Flags } from '@oclif/core';
import { clusterFlags, clusterOptionsOf, jobIdArgument } from '../client/cli-config.js';
import { processOutput } from '../client/cli-output.js';
import { savepoint } from '../client/savepoint-action.js';

export default class Savepoint extends Command {
  static override summary = 'Trigger a savepoint of a running job, or dispose of one (-d).';

  static override description = `As Flink's "flink savepoint": asks the cluster's REST API (-m host:port, else rest.address:rest.port) for a savepoint of the job and waits for it (at most client.timeout), printing "Triggering savepoint for job <id>.", "Waiting for response...", then "Savepoint completed. Path: <path>". Without a target directory the savepoint goes to the job's execution.checkpointing.savepoint-dir. "run -s <path>" resumes a job from it.

With -d <path> the savepoint at <path> is deleted instead: "Disposing savepoint '<path>'." ... "Savepoint '<path>' disposed.".

Exit code: 0 when the savepoint completed (or was disposed); 1 when the job is unknown or not running, the savepoint failed (the cause is printed) or the cluster cannot be reached; 2 for usage errors.`;

  static override usage = ['<%= command.id %> [-m <host:port>] [-D <key=value>]... <jobId> [targetDirectory]', '<%= command.id %> [-m <host:port>] -d <savepointPath>'];

  static override examples = [
    {
      description: 'Take a savepoint into /data/savepoints.',
      command: '<%= config.bin %> <%= command.id %> -m localhost:8081 4f7fc878af8c43e3014dc1d0723e8548 /data/savepoints',
    },
    { description: 'Delete a savepoint.', command: '<%= config.bin %> <%= command.id %> -m localhost:8081 -d /data/savepoints/savepoint-4f7fc8-0123456789ab' },
  ];

  static override args = {
    jobId: jobIdArgument,
    targetDirectory: Args.string({ description: "Where to write the savepoint; default: the job's execution.checkpointing.savepoint-dir.", required: false }),
  };

  static override flags = {
    dispose: Flags.string({ char: 'd', summary: 'Delete the savepoint at this path instead of taking one.', helpValue: '<savepointPath>' }),
    ...clusterFlags,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Savepoint);
    const code = await savepoint({
      jobId: args.jobId,
      targetDirectory: args.targetDirectory,
      dispose: flags.dispose,
      ...clusterOptionsOf(flags),
      output: processOutput,
    });
    this.exit(code);
  }
}

import { Command, Flags } from '@oclif/core';
import { clusterFlags, clusterOptionsOf, jobIdArgument } from '../client/cli-config.js';
import { processOutput } from '../client/cli-output.js';
import { stopJob } from '../client/stop-action.js';

export default class Stop extends Command {
  static override summary = 'Stop a running streaming job with a savepoint.';

  static override description = `As Flink's "flink stop": the sources stop, a savepoint is taken, and the job ends FINISHED. Prints "Suspending job "<id>" with a CANONICAL savepoint." (with -d: "Draining job ..."), then "Savepoint completed. Path: <path>" once the savepoint is written (waiting at most client.timeout). "run -s <path>" resumes the job from it.

-d/--drain first advances event time to the end (MAX_WATERMARK), firing every timer and window, for a job that ends for good; without it the job is only suspended, to be resumed later.

Exit code: 0 when the savepoint completed; 1 when the job is unknown or not running, the savepoint failed (the cause is printed) or the cluster cannot be reached; 2 for usage errors.`;

  static override usage = ['<%= command.id %> [-p <savepointDirectory>] [-d] [-m <host:port>] [-D <key=value>]... <jobId>'];

  static override examples = [
    {
      description: 'Stop a job, writing the savepoint to /data/savepoints.',
      command: '<%= config.bin %> <%= command.id %> -m localhost:8081 -p /data/savepoints 4f7fc878af8c43e3014dc1d0723e8548',
    },
    { description: 'Drain a job for good, with the default savepoint directory.', command: '<%= config.bin %> <%= command.id %> -m localhost:8081 --drain 4f7fc878af8c43e3014dc1d0723e8548' },
  ];

  static override args = {
    jobId: jobIdArgument,
  };

  static override flags = {
    savepointPath: Flags.string({
      char: 'p',
      summary: "Where to write the savepoint; default: the job's execution.checkpointing.savepoint-dir.",
      helpValue: '<savepointDirectory>',
    }),
    drain: Flags.boolean({ char: 'd', summary: 'Advance event time to the end (MAX_WATERMARK) before the savepoint, for a job that ends for good.', default: false }),
    ...clusterFlags,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Stop);
    const code = await stopJob({
      jobId: args.jobId,
      savepointPath: flags.savepointPath,
      drain: flags.drain,
      ...clusterOptionsOf(flags),
      output: processOutput,
    });
    this.exit(code);
  }
}

import { Args, Command } from '@oclif/core';
import { splitProgramArguments } from '../client/cli-args.js';
import { processOutput } from '../client/cli-output.js';
import { infoFlags } from '../client/command-flags.js';
import { showPlans } from '../client/info-action.js';

export default class Info extends Command {
  static override summary = "Print a job's execution plan as JSON, without running it.";

  static override description = `Runs the job file's top-level code in plan mode: each env.execute() records its pipeline instead of running it, and the plan is printed in the JSON shape of Flink's "flink info" (nodes with id, type, pact, contents, parallelism and predecessors with ship_strategy), one document per execute().

Everything after the job file is passed to the job unchanged. -p and -D apply as for "run", so the plan shows the parallelism the job would get.`;

  static override usage = ['<%= command.id %> [-p <n>] [-D <key=value>]... <jobFile> [job arguments...]'];

  static override examples = [
    { description: 'Show the plan of the word count example.', command: '<%= config.bin %> <%= command.id %> examples/word-count.ts' },
    { description: 'Show the plan at parallelism 4.', command: '<%= config.bin %> <%= command.id %> -p 4 examples/word-count.ts' },
  ];

  // Job arguments follow the job file; they are split off before oclif parses (see cli-args.ts).
  static override strict = false;

  static override args = {
    jobFile: Args.string({ description: "The job's module file (.ts, .mts, .js or .mjs).", required: true }),
  };

  static override flags = infoFlags;

  async run(): Promise<void> {
    const { cliArgs, jobFile, jobArgs } = splitProgramArguments(this.argv, Info.flags);
    if (jobFile === undefined) {
      // Flags first, so that a bad flag is reported as such; then the missing job file.
      await this.parse({ flags: Info.flags, strict: true }, cliArgs);
      this.error(`Missing the job file. Usage: ${this.config.bin} ${this.id ?? 'info'} [options] <jobFile> [job arguments...]`, { exit: 2 });
    }
    const { args, flags } = await this.parse({ args: Info.args, flags: Info.flags, strict: true }, [...cliArgs, '--', jobFile]);
    const code = await showPlans({
      jobFile: args.jobFile,
      jobArgs,
      parallelism: flags.parallelism,
      dynamicProperties: flags.property ?? [],
      env: process.env,
      output: processOutput,
    });
    // The job's top-level code ran here; whatever it left open must not keep the CLI alive.
    this.exit(code);
  }
}

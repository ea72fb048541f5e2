import { Args, Command } from '@oclif/core';
import { splitProgramArguments } from '../client/cli-args.js';
import { processOutput } from '../client/cli-output.js';
import { runFlags } from '../client/command-flags.js';
import { divertStdout } from '../client/json-output.js';
import { runJobWithSummary } from '../client/run-action.js';

export default class Run extends Command {
  static override summary = 'Run a job: bundle the job file, submit every execute() and wait for the results.';

  static override description = `The job file is an ES module (TypeScript or JavaScript) whose top-level code builds a pipeline with the DataStream API imported from 'flink-ts' and awaits env.execute(). It is bundled with its npm dependencies into one artifact, then its code runs here and each execute() is submitted to the target.

Everything after the job file is passed to the job unchanged, even arguments that look like options of this command.

Prints "Job has been submitted with JobID <id>" for each job and, when it ends, its runtime and accumulators. While attached, every change of a job's state is printed on stderr as Flink words it: "Job <id> (<name>) switched from state RUNNING to FINISHED." Ctrl-C cancels the running jobs and waits until they are CANCELED; a second Ctrl-C exits at once.

Exit codes:
  0    every job FINISHED
  1    a job FAILED or was CANCELED, the program threw, the configuration is invalid, or a cluster the run deployed could not be removed
  2    usage error
  124  --timeout ran out: the jobs were canceled ("Timed out after <d>: cancelled job(s) <ids>.")

For CI: --timeout <duration> bounds the run; --json prints one JSON object on stdout at the end, {"exitCode": n, "jobs": [{"jobId", "jobName", "state", "durationMs", "error"?}], "clusterId"?}, and sends everything else to stderr.

Targets: local (default) runs the job in a cluster inside this process; remote (-t remote, or -m host:port) submits it to a running cluster through its REST API, and -d then returns right after submission; ssh-per-job and ssh-application deploy a cluster on the hosts of conf/masters and conf/workers for the run; pool-per-job and pool-application (-qu <queue>) deploy one into the resource pool (docs/deployment-pool.md).

Configuration: <conf dir>/config.yaml (FLINK_TS_CONF_DIR, else ./conf), then FLINK_TS_PROPERTIES, then -D, then -p/-m/-t/-s/-n/-d.`;

  static override usage = ['<%= command.id %> [-p <n>] [-d] [-t <target>] [-m <host:port>] [-s <savepointPath> [-n]] [-qu <queue>] [--timeout <duration>] [--json] [-D <key=value>]... <jobFile> [job arguments...]'];

  static override examples = [
    { description: 'Run the word count example at the default parallelism.', command: '<%= config.bin %> <%= command.id %> examples/word-count.ts' },
    {
      description: 'Run with parallelism 4 and pass the job its own arguments.',
      command: '<%= config.bin %> <%= command.id %> -p 4 examples/word-count.ts --input README.md',
    },
    {
      description: 'Submit to a running cluster and return once it accepted the job.',
      command: '<%= config.bin %> <%= command.id %> -m localhost:8081 -d examples/word-count.ts',
    },
    {
      description: 'In CI: give up (exit 124) after 10 minutes, and print a JSON summary on stdout.',
      command: '<%= config.bin %> <%= command.id %> -m localhost:8081 --timeout "10 min" --json job.ts',
    },
    {
      description: 'Resume a job from a savepoint, dropping the state of operators that no longer exist.',
      command: '<%= config.bin %> <%= command.id %> -m localhost:8081 -s /data/savepoints/savepoint-4f7fc8-0123456789ab -n job.ts',
    },
    {
      description: 'Override configuration options for this run.',
      command: '<%= config.bin %> <%= command.id %> -D execution.runtime-mode=BATCH -D pipeline.max-parallelism=128 job.ts',
    },
  ];

  // Job arguments follow the job file; they are split off before oclif parses (see cli-args.ts).
  static override strict = false;

  static override args = {
    jobFile: Args.string({ description: "The job's module file (.ts, .mts, .js or .mjs).", required: true }),
  };

  static override flags = runFlags;

  async run(): Promise<void> {
    const { cliArgs, jobFile, jobArgs } = splitProgramArguments(this.argv, Run.flags);
    if (jobFile === undefined) {
      // Flags first, so that a bad flag is reported as such; then the missing job file.
      await this.parse({ flags: Run.flags, strict: true }, cliArgs);
      this.error(`Missing the job file. Usage: ${this.config.bin} ${this.id ?? 'run'} [options] <jobFile> [job arguments...]`, { exit: 2 });
    }
    const { args, flags } = await this.parse({ args: Run.args, flags: Run.flags, strict: true }, [...cliArgs, '--', jobFile]);
    const diverted = flags.json ? divertStdout() : undefined;
    const summary = await runJobWithSummary({
      jobFile: args.jobFile,
      jobArgs,
      parallelism: flags.parallelism,
      detached: flags.detached,
      target: flags.target,
      jobManager: flags.jobmanager,
      fromSavepoint: flags.fromSavepoint,
      allowNonRestoredState: flags.allowNonRestoredState,
      queue: flags.queue,
      timeout: flags.timeout,
      dynamicProperties: flags.property ?? [],
      env: process.env,
      output: diverted?.output ?? processOutput,
    });
    diverted?.printJson(summary);
    // Exits explicitly, as Flink's CLI does: timers or sockets the job's code left open must not
    // keep the client alive after its jobs have ended.
    this.exit(summary.exitCode);
  }
}

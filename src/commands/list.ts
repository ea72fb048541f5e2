import { Command, Flags } from '@oclif/core';
import { clusterFlags, clusterOptionsOf } from '../client/cli-config.js';
import { processOutput } from '../client/cli-output.js';
import { listJobs } from '../client/list-action.js';

export default class List extends Command {
  static override summary = 'List the jobs of a running cluster.';

  static override description = `Asks the cluster's REST API (-m host:port, else rest.address:rest.port) for its jobs and prints them in the format of Flink's "flink list": one block per group, one line per job, "<dd.MM.yyyy HH:mm:ss> : <job id> : <name> (<STATE>)", oldest first, times in the local time zone.

Without options, running/restarting and scheduled jobs are shown; -a adds the terminated ones the cluster still keeps.

Exit code: 0 on success; 1 when the cluster cannot be reached or answers an error; 2 for usage errors.`;

  static override usage = ['<%= command.id %> [-r] [-s] [-a] [-m <host:port>] [-D <key=value>]...'];

  static override examples = [
    { description: 'Running and scheduled jobs of the cluster in conf/config.yaml.', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'Every job of the cluster at localhost:8081.', command: '<%= config.bin %> <%= command.id %> -a -m localhost:8081' },
  ];

  static override flags = {
    running: Flags.boolean({ char: 'r', summary: 'Show only running and restarting jobs.', default: false }),
    scheduled: Flags.boolean({ char: 's', summary: 'Show only scheduled jobs (CREATED, INITIALIZING).', default: false }),
    all: Flags.boolean({ char: 'a', summary: 'Show all jobs, including terminated ones.', default: false }),
    ...clusterFlags,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(List);
    const code = await listJobs({
      running: flags.running,
      scheduled: flags.scheduled,
      all: flags.all,
      ...clusterOptionsOf(flags),
      output: processOutput,
    });
    this.exit(code);
  }
}

import { Command } from '@oclif/core';
import { configurationFlags } from '../client/cli-config.js';
import { processOutput } from '../client/cli-output.js';
import { stopCluster } from '../launcher/standalone-cluster.js';

export default class StopCluster extends Command {
  static override summary = 'Stop the standalone cluster started with start-cluster.';

  static override description = `Stops every TaskManager and the JobManager of the cluster on the hosts of <conf dir>/masters and <conf dir>/workers (and on hosts added with "start --host"), all hosts at once: SIGTERM, then SIGKILL for a process still running after 30 s. Then removes the cluster's conf, pid and tmp directories on each host; the logs stay (their directories are printed).

Prints one row per process (HOST, ROLE, PID, RESULT). Exit code: 0 when everything was stopped and removed; 1 when a host could not be reached or a process not stopped (run stop-cluster again once the host is back); 2 for usage errors. Use the same configuration (-D high-availability.cluster-id, launcher.*) as for start-cluster.`;

  static override examples = [{ description: 'Stop the cluster of conf/masters and conf/workers.', command: '<%= config.bin %> <%= command.id %>' }];

  static override flags = { ...configurationFlags };

  async run(): Promise<void> {
    const { flags } = await this.parse(StopCluster);
    this.exit(await stopCluster({ dynamicProperties: flags.property ?? [], env: process.env, output: processOutput }));
  }
}

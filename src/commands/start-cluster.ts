import { Command } from '@oclif/core';
import { configurationFlags } from '../client/cli-config.js';
import { processOutput } from '../client/cli-output.js';
import { startCluster } from '../launcher/standalone-cluster.js';

export default class StartCluster extends Command {
  static override summary = 'Start a standalone cluster on the hosts of conf/masters and conf/workers.';

  static override description = `Starts a JobManager on the first host of <conf dir>/masters (host[:webuiport]) and a TaskManager for every line of <conf dir>/workers ([user@]host[:sshport]; a host listed N times runs N TaskManagers), all hosts at once: over SSH, or as local processes for localhost and 127.0.0.1. Every process gets this command's configuration (config.yaml, FLINK_TS_PROPERTIES, -D), written to ~/.flink-ts/clusters/<cluster id>/<host>/conf on each host, where its pid files and logs are kept too. The cluster id is high-availability.cluster-id (default: default).

Prints one row per process (HOST, ROLE, PID, RESULT), then the reasons of failed starts with the end of their logs, then waits until the JobManager has registered every started TaskManager and prints the REST address.

Exit code: 0 when every process started and registered; 1 otherwise (what did start keeps running: add the missing processes with "flink-ts taskmanager start --host <host>", or run stop-cluster); 2 for usage errors.

SSH: launcher.ssh.user, .port, .identity-file (else ssh-agent and ~/.ssh/id_*), .connect-timeout, .known-hosts with strict host key checking (launcher.ssh.strict-host-key-checking: accept-new to add unknown hosts), .parallelism. flink-ts must be installed at the same path on every host (launcher.install-dir), or shipped with launcher.ship-distribution: true. See docs/deployment-ssh.md.`;

  static override examples = [
    { description: 'Start the cluster of conf/masters and conf/workers.', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'Start it with 4 slots per TaskManager, copying flink-ts to hosts that lack it.', command: '<%= config.bin %> <%= command.id %> -D taskmanager.numberOfTaskSlots=4 -D launcher.ship-distribution=true' },
  ];

  static override flags = { ...configurationFlags };

  async run(): Promise<void> {
    const { flags } = await this.parse(StartCluster);
    this.exit(await startCluster({ dynamicProperties: flags.property ?? [], env: process.env, output: processOutput }));
  }
}

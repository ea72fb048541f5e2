import { Command, Flags } from '@oclif/core';
import { processOutput } from '../../client/cli-output.js';
import { jobManagerFlags, runDaemonVerb } from '../../entrypoints/daemon/daemon-commands.js';
import { startOnHost } from '../../launcher/standalone-cluster.js';

export default class JobManagerStart extends Command {
  static override summary = 'Start a JobManager daemon (standalonesession) on this host.';

  static override description = `Launches the JobManager in the background and waits until it has started: exit code 0 once it runs, 1 when it could not start (the reason, the process's exit code and the end of its .out and .log files are printed on stderr, and no pid is recorded).

Files: pid file <env.pid.dir>/flink-<user>-standalonesession.pid (one pid per line), log <env.log.dir>/flink-<user>-standalonesession-<id>-<host>.log and the process's stdout/stderr in the .out next to it; <user> is FLINK_IDENT_STRING or the OS user, <id> the number of instances already running. Existing log files are rotated first (x.log -> x.log.1 ...), keeping env.log.max copies.

--host and --webui-port set jobmanager.rpc.address and rest.port, over -D, as Flink's jobmanager.sh does. Configuration: <conf dir>/config.yaml (FLINK_TS_CONF_DIR, else ./conf), then FLINK_TS_PROPERTIES, then -D.`;

  static override examples = [
    { description: 'Start a JobManager with the configuration in ./conf.', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'Start it with its web UI on port 8082, advertised as jm1.example.com.', command: '<%= config.bin %> <%= command.id %> --host jm1.example.com --webui-port 8082' },
    { description: 'Keep pid and log files elsewhere.', command: '<%= config.bin %> <%= command.id %> -D env.pid.dir=/var/run/flink-ts -D env.log.dir=/var/log/flink-ts' },
  ];

  static override flags = {
    ...jobManagerFlags,
    // --host already means jobmanager.rpc.address here (Flink's jobmanager.sh); --remote makes
    // it also the host to start on, as start-cluster.sh does for each master.
    remote: Flags.boolean({
      summary: 'Start it on the --host host over SSH, with the configuration start-cluster gives (as start-cluster does for a master).',
      dependsOn: ['host'],
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(JobManagerStart);
    if (flags.remote && flags.host !== undefined) {
      this.exit(
        await startOnHost({ role: 'jobmanager', host: flags.host, webUiPort: flags['webui-port'], dynamicProperties: flags.property ?? [], env: process.env, output: processOutput }),
      );
    }
    this.exit(await runDaemonVerb('start', 'standalonesession', flags));
  }
}

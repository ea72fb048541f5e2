import { Command, Flags } from '@oclif/core';
import { processOutput } from '../../client/cli-output.js';
import { taskManagerFlags, runDaemonVerb } from '../../entrypoints/daemon/daemon-commands.js';
import { startOnHost } from '../../launcher/standalone-cluster.js';

export default class TaskManagerStart extends Command {
  static override summary = 'Start a TaskManager daemon (taskexecutor) on this host.';

  static override description = `Launches a TaskManager in the background and waits until it has started: exit code 0 once it runs, 1 when it could not start (the reason, the process's exit code and the end of its .out and .log files are printed on stderr, and no pid is recorded). Run it again to start more TaskManagers on the same host: each gets the next instance id and its own log files.

Files: pid file <env.pid.dir>/flink-<user>-taskexecutor.pid (one pid per line), log <env.log.dir>/flink-<user>-taskexecutor-<id>-<host>.log and the process's stdout/stderr in the .out next to it; <user> is FLINK_IDENT_STRING or the OS user, <id> the number of instances already running. Existing log files are rotated first (x.log -> x.log.1 ...), keeping env.log.max copies.

Configuration: <conf dir>/config.yaml (FLINK_TS_CONF_DIR, else ./conf), then FLINK_TS_PROPERTIES, then -D.`;

  static override examples = [
    { description: 'Start a TaskManager with the configuration in ./conf.', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'Start one with 4 slots that registers at the JobManager on jm1.example.com.', command: '<%= config.bin %> <%= command.id %> -D taskmanager.numberOfTaskSlots=4 -D jobmanager.rpc.address=jm1.example.com' },
    { description: 'Add a TaskManager on worker7 to the cluster started with start-cluster.', command: '<%= config.bin %> <%= command.id %> --host worker7' },
  ];

  static override flags = {
    ...taskManagerFlags,
    host: Flags.string({
      summary: 'Start it on this host ([user@]host[:sshport]) over SSH, with the configuration start-cluster gives, to add it to the running cluster.',
      helpValue: '<host>',
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(TaskManagerStart);
    if (flags.host !== undefined) {
      this.exit(await startOnHost({ role: 'taskmanager', host: flags.host, dynamicProperties: flags.property ?? [], env: process.env, output: processOutput }));
    }
    this.exit(await runDaemonVerb('start', 'taskexecutor', flags));
  }
}

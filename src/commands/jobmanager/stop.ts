import { Command } from '@oclif/core';
import { stopFlags, runDaemonVerb } from '../../entrypoints/daemon/daemon-commands.js';

export default class JobManagerStop extends Command {
  static override summary = 'Stop the JobManager daemon started last on this host.';

  static override description = `Takes the newest pid from <env.pid.dir>/flink-<user>-standalonesession.pid (last in, first out), sends SIGTERM and waits up to 30 s for a graceful shutdown, then sends SIGKILL. The pid file is removed with its last pid; pids of processes that are gone are dropped with a note.

Prints "No standalonesession daemon to stop on host <host>." and exits 0 when none is running. Pass the same -D env.pid.dir as to start if it was not in config.yaml.`;

  static override examples = [
    { description: 'Stop the JobManager.', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'Stop a JobManager whose pid file is in /var/run/flink-ts.', command: '<%= config.bin %> <%= command.id %> -D env.pid.dir=/var/run/flink-ts' },
  ];

  static override flags = stopFlags;

  async run(): Promise<void> {
    const { flags } = await this.parse(JobManagerStop);
    this.exit(await runDaemonVerb('stop', 'standalonesession', flags));
  }
}

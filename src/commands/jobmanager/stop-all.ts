import { Command } from '@oclif/core';
import { stopFlags, runDaemonVerb } from '../../entrypoints/daemon/daemon-commands.js';

export default class JobManagerStopAll extends Command {
  static override summary = 'Stop every JobManager daemon on this host.';

  static override description = `Stops all pids of <env.pid.dir>/flink-<user>-standalonesession.pid in parallel: SIGTERM, then SIGKILL for those still running after 30 s. The pid file is removed.`;

  static override examples = [
    { description: 'Stop all JobManagers on this host.', command: '<%= config.bin %> <%= command.id %>' },
  ];

  static override flags = stopFlags;

  async run(): Promise<void> {
    const { flags } = await this.parse(JobManagerStopAll);
    this.exit(await runDaemonVerb('stop-all', 'standalonesession', flags));
  }
}

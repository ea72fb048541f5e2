import { Command } from '@oclif/core';
import { stopFlags, runDaemonVerb } from '../../entrypoints/daemon/daemon-commands.js';

export default class TaskManagerStopAll extends Command {
  static override summary = 'Stop every TaskManager daemon on this host.';

  static override description = `Stops all pids of <env.pid.dir>/flink-<user>-taskexecutor.pid in parallel: SIGTERM, then SIGKILL for those still running after 30 s. The pid file is removed.`;

  static override examples = [
    { description: 'Stop all TaskManagers on this host.', command: '<%= config.bin %> <%= command.id %>' },
  ];

  static override flags = stopFlags;

  async run(): Promise<void> {
    const { flags } = await this.parse(TaskManagerStopAll);
    this.exit(await runDaemonVerb('stop-all', 'taskexecutor', flags));
  }
}

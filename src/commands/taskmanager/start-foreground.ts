import { Command } from '@oclif/core';
import { taskManagerFlags, runDaemonVerb } from '../../entrypoints/daemon/daemon-commands.js';

export default class TaskManagerStartForeground extends Command {
  static override summary = 'Run a TaskManager in this process, logging to stdout (for supervisors: systemd, Docker, Kubernetes).';

  static override description = `Runs the TaskManager until it ends, without pid file or log files (Flink's flink-console.sh). Exit code: 0 after a clean shutdown, 1 when it could not start (the reason on stderr), 2 on a failure at runtime (e.g. it could not register at the ResourceManager in time).

SIGTERM or SIGINT (Ctrl-C) shuts it down gracefully; a second signal exits at once with code 1.

Configuration: <conf dir>/config.yaml (FLINK_TS_CONF_DIR, else ./conf), then FLINK_TS_PROPERTIES, then -D.`;

  static override examples = [
    { description: 'Run a TaskManager in the foreground.', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'Run it with 2 slots.', command: '<%= config.bin %> <%= command.id %> -D taskmanager.numberOfTaskSlots=2' },
  ];

  static override flags = taskManagerFlags;

  async run(): Promise<void> {
    const { flags } = await this.parse(TaskManagerStartForeground);
    this.exit(await runDaemonVerb('start-foreground', 'taskexecutor', flags));
  }
}

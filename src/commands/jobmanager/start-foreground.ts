import { Command } from '@oclif/core';
import { jobManagerFlags, runDaemonVerb } from '../../entrypoints/daemon/daemon-commands.js';

export default class JobManagerStartForeground extends Command {
  static override summary = 'Run a JobManager in this process, logging to stdout (for supervisors: systemd, Docker, Kubernetes).';

  static override description = `Runs the JobManager until it ends, without pid file or log files (Flink's flink-console.sh). Exit code: 0 after a clean shutdown, 1 when it could not start (the reason on stderr), 2 on a failure at runtime.

SIGTERM or SIGINT (Ctrl-C) shuts it down gracefully; a second signal exits at once with code 1.

--host and --webui-port set jobmanager.rpc.address and rest.port, over -D. Configuration: <conf dir>/config.yaml (FLINK_TS_CONF_DIR, else ./conf), then FLINK_TS_PROPERTIES, then -D.`;

  static override examples = [
    { description: 'Run a JobManager in the foreground.', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'Run it with its web UI on port 8082.', command: '<%= config.bin %> <%= command.id %> --webui-port 8082' },
  ];

  static override flags = jobManagerFlags;

  async run(): Promise<void> {
    const { flags } = await this.parse(JobManagerStartForeground);
    this.exit(await runDaemonVerb('start-foreground', 'standalonesession', flags));
  }
}

import { Command } from '@oclif/core';
import { poolAgentFlags, runDaemonVerb } from '../../../entrypoints/daemon/daemon-commands.js';

export default class PoolAgentStartForeground extends Command {
  static override summary = 'Run a pool agent in this process, logging to stdout (for supervisors: systemd, Docker).';

  static override description = `Runs the node agent until it ends, without pid file or log files. Exit code: 0 after a clean stop, 1 when it could not start (e.g. Redis unreachable; the reason on stderr), 2 on a failure at runtime.

SIGTERM or SIGINT (Ctrl-C) kills its containers, reports them to the pool and deregisters the host; a second signal exits at once (the containers end with the agent).`;

  static override examples = [{ description: 'Run an agent for 127.0.0.2 in the foreground.', command: '<%= config.bin %> <%= command.id %> --host 127.0.0.2' }];

  static override flags = poolAgentFlags;

  async run(): Promise<void> {
    const { flags } = await this.parse(PoolAgentStartForeground);
    this.exit(await runDaemonVerb('start-foreground', 'poolagent', flags));
  }
}

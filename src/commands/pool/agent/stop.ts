import { Command } from '@oclif/core';
import { poolAgentStopFlags, runDaemonVerb } from '../../../entrypoints/daemon/daemon-commands.js';

export default class PoolAgentStop extends Command {
  static override summary = 'Stop the pool agent started last on this machine, or the one of --host.';

  static override description = `Takes the agent's pid from <env.pid.dir>/flink-<user>-poolagent.pid (the newest, or the one started with --host), sends SIGTERM and waits up to 30 s: the agent kills its containers, reports them to the pool and deregisters its host. Past 30 s it is killed (SIGKILL); its containers then end with it.

Prints "No poolagent daemon to stop on host <host>." and exits 0 when none is running.`;

  static override examples = [
    { description: 'Stop the agent.', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'Stop the agent of 127.0.0.3 only.', command: '<%= config.bin %> <%= command.id %> --host 127.0.0.3' },
  ];

  static override flags = poolAgentStopFlags;

  async run(): Promise<void> {
    const { flags } = await this.parse(PoolAgentStop);
    this.exit(await runDaemonVerb('stop', 'poolagent', flags));
  }
}

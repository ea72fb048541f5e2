import { Command } from '@oclif/core';
import { poolAgentStopFlags, runDaemonVerb } from '../../../entrypoints/daemon/daemon-commands.js';

export default class PoolAgentStopAll extends Command {
  static override summary = 'Stop every pool agent on this machine (or every one of --host).';

  static override description = `Stops all pids of <env.pid.dir>/flink-<user>-poolagent.pid in parallel, each as \`pool agent stop\` does.`;

  static override examples = [{ description: 'Stop all agents on this machine.', command: '<%= config.bin %> <%= command.id %>' }];

  static override flags = poolAgentStopFlags;

  async run(): Promise<void> {
    const { flags } = await this.parse(PoolAgentStopAll);
    this.exit(await runDaemonVerb('stop-all', 'poolagent', flags));
  }
}

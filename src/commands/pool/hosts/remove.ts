import { Args, Command } from '@oclif/core';
import { configurationFlags } from '../../../client/cli-config.js';
import { processOutput } from '../../../client/cli-output.js';
import { removePoolHost } from '../../../launcher/pool-hosts.js';

export default class PoolHostsRemove extends Command {
  static override summary = 'Stop the pool agent that `pool hosts add` started on a host, removing the host from the pool.';

  static override description = `Logs in to the host over SSH and stops its agent of this pool (pool.name): SIGTERM, then SIGKILL after 30 s. The agent kills its containers (SIGTERM, then SIGKILL after 20 s), reports them to the pool and deregisters the host, which the pool then shows as LOST. Its conf, pid and tmp directories on the host are removed; its logs and its containers' logs stay.

Prints a row HOST ROLE PID RESULT. Exit code: 0 when the agent stopped (or none ran there); 1 when the host cannot be reached or the agent could not be stopped; 2 for usage errors.`;

  static override usage = ['<%= command.id %> [-D <key=value>]... [user@]host[:sshport]'];

  static override examples = [{ description: 'Take worker7 out of the pool.', command: '<%= config.bin %> <%= command.id %> worker7' }];

  static override args = {
    host: Args.string({ description: 'The host, as given to `pool hosts add`: [user@]host[:sshport].', required: true }),
  };

  static override flags = { ...configurationFlags };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(PoolHostsRemove);
    this.exit(await removePoolHost({ host: args.host, dynamicProperties: flags.property ?? [], env: process.env, output: processOutput }));
  }
}

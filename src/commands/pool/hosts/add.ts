import { Args, Command, Flags } from '@oclif/core';
import { configurationFlags } from '../../../client/cli-config.js';
import { processOutput } from '../../../client/cli-output.js';
import { addPoolHost } from '../../../launcher/pool-hosts.js';

export default class PoolHostsAdd extends Command {
  static override summary = 'Start a pool agent on a host over SSH, adding the host to the pool.';

  static override description = `Logs in to the host as start-cluster does (launcher.ssh.*), finds flink-ts at launcher.install-dir (else this installation's path) or ships it there (launcher.ship-distribution: true), writes this command's configuration (config.yaml, FLINK_TS_PROPERTIES, -D; pool.redis-url and pool.name name the pool) to ~/.flink-ts/pools/<pool>/<host>/conf on the host, and starts a pool agent there as a daemon with --host <host>, its pid and log files in that directory. The agent's containers live in its work dir (pool.agent.work-dir, else ~/.flink-ts/pools/<pool>/<host>/work).

Prints a row HOST ROLE PID RESULT. Exit code: 0 once the agent runs and has registered the host with the pool; 1 when it did not (the host cannot be reached or has no usable flink-ts, the agent cannot reach Redis, an agent of the pool already runs there), with the reason and the end of the agent's logs; nothing of the attempt stays on the host. 2 for usage errors.`;

  static override usage = ['<%= command.id %> [--slots <n>] [--memory <size>] [--labels <a,b>] [-D <key=value>]... [user@]host[:sshport]'];

  static override examples = [
    { description: 'Offer worker7 to the pool of conf/config.yaml with 8 slots and 32 GiB, labelled ssd.', command: '<%= config.bin %> <%= command.id %> worker7 --slots 8 --memory 32g --labels ssd' },
    { description: 'Log in as flink on port 2222, copying flink-ts there if it lacks this build.', command: '<%= config.bin %> <%= command.id %> flink@10.0.0.7:2222 -D launcher.ship-distribution=true' },
  ];

  static override args = {
    host: Args.string({ description: 'The host, as a line of conf/workers: [user@]host[:sshport]. Its address is its id in the pool and what its containers bind.', required: true }),
  };

  static override flags = {
    ...configurationFlags,
    slots: Flags.integer({ summary: "Task slots the host offers (pool.agent.slots; default: the host's number of cores).", helpValue: '<n>', min: 0 }),
    memory: Flags.string({ summary: "Memory the host offers, e.g. 16g (pool.agent.memory; default: 80 % of the host's RAM).", helpValue: '<size>' }),
    labels: Flags.string({ summary: 'Comma-separated node labels of the host (pool.agent.labels).', helpValue: '<a,b>' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(PoolHostsAdd);
    this.exit(
      await addPoolHost({
        host: args.host,
        slots: flags.slots,
        memory: flags.memory,
        labels: flags.labels,
        dynamicProperties: flags.property ?? [],
        env: process.env,
        output: processOutput,
      }),
    );
  }
}

import { Command } from '@oclif/core';
import { poolAgentFlags, runDaemonVerb } from '../../../entrypoints/daemon/daemon-commands.js';

export default class PoolAgentStart extends Command {
  static override summary = 'Start a pool agent daemon (poolagent) that offers this host to the resource pool.';

  static override description = `Launches the node agent (YARN's NodeManager) in the background and waits until it has registered its host with the pool (pool.redis-url, pool.name): exit code 0 once it runs, 1 when it could not start (the reason and the end of its .out and .log files are printed on stderr, and no pid is recorded).

The agent runs the containers the pool places on its host as JobManager and TaskManager processes, each in <work dir>/containers/<container id>/ (pool.agent.work-dir, default ~/.flink-ts/pool-agent/<host>), and serves their logs over REST (pool.agent.rest.port) for \`flink-ts logs\`.

Files: pid file <env.pid.dir>/flink-<user>-poolagent.pid, log <env.log.dir>/flink-<user>-poolagent-<id>-<hostname>.log and .out, as for the other daemons. Several agents with different --host can run on one machine.`;

  static override examples = [
    { description: 'Offer this machine to the pool of conf/config.yaml.', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'Offer 8 slots and 32 GiB, labelled ssd, under the address 10.0.0.7.', command: '<%= config.bin %> <%= command.id %> --host 10.0.0.7 --slots 8 --memory 32g --labels ssd' },
    { description: 'Join the pool of another Redis.', command: '<%= config.bin %> <%= command.id %> -D pool.redis-url=redis://pool.example.com:6379' },
  ];

  static override flags = poolAgentFlags;

  async run(): Promise<void> {
    const { flags } = await this.parse(PoolAgentStart);
    this.exit(await runDaemonVerb('start', 'poolagent', flags));
  }
}

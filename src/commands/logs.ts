import { Args, Command, Flags } from '@oclif/core';
import { configurationFlags } from '../client/cli-config.js';
import { processOutput } from '../client/cli-output.js';
import { printApplicationLogs } from '../client/logs-action.js';

export default class Logs extends Command {
  static override summary = "Print the logs of a pool application's containers (as yarn logs -applicationId).";

  static override description = `Finds the application's containers in the pool (pool.redis-url, pool.name) and prints each of their log files (<kind>.log and <kind>.out), fetched from the agent of the container's host. The agents keep the logs after the containers ended, so this works for finished applications too, as long as the host's agent runs.

Exit code: 0 when every container's logs were printed; 1 when the application is unknown, the pool cannot be reached, or an agent did not answer (the other containers' logs are still printed); 2 for usage errors.`;

  static override examples = [
    { description: 'Every log of an application.', command: '<%= config.bin %> <%= command.id %> application_1700000000000_0001' },
    { description: 'The last 100 lines of one container\'s logs.', command: '<%= config.bin %> <%= command.id %> application_1700000000000_0001 --container container_1700000000000_0001_01_000002 --tail 100' },
  ];

  static override args = {
    applicationId: Args.string({ description: 'The application id (application_<epoch>_<seq>).', required: false }),
  };

  static override flags = {
    container: Flags.string({ summary: 'Only this container.', helpValue: '<container id>' }),
    tail: Flags.integer({ summary: 'Only the last n lines of each file.', helpValue: '<n>', min: 0 }),
    ...configurationFlags,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Logs);
    this.exit(
      await printApplicationLogs({ applicationId: args.applicationId, containerId: flags.container, tail: flags.tail, dynamicProperties: flags.property ?? [], env: process.env, output: processOutput }),
    );
  }
}

import { Args, Command } from '@oclif/core';
import { configurationFlags, loadClientConfiguration } from '../../client/cli-config.js';
import { processOutput } from '../../client/cli-output.js';
import { killPoolApplication } from '../../client/pool/pool-kill-action.js';

export default class PoolKill extends Command {
  static override summary = 'Kill a pool application (yarn application -kill).';

  static override description = `Ends the application at once (state KILLED): its containers are released, and their agents stop the JobManager and TaskManagers. Its jobs end with them; to stop one job only, use "flink-ts cancel".

Exit code: 0 when the application was killed or had ended already; 1 when it is unknown or the pool cannot be reached; 2 for usage errors.`;

  static override args = {
    applicationId: Args.string({ description: 'The application to kill (application_<epoch>_<n>, see `flink-ts pool apps`).', required: true }),
  };

  static override flags = { ...configurationFlags };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(PoolKill);
    const configuration = loadClientConfiguration({ env: process.env, dynamicProperties: flags.property ?? [] });
    this.exit(await killPoolApplication({ configuration, applicationId: args.applicationId, output: processOutput }));
  }
}

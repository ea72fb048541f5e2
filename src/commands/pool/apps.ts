import { Command, Flags } from '@oclif/core';
import { configurationFlags, loadClientConfiguration } from '../../client/cli-config.js';
import { processOutput } from '../../client/cli-output.js';
import { showPoolApplications } from '../../client/pool/pool-views.js';

export default class PoolApps extends Command {
  static override summary = "List the pool's applications (yarn application -list).";

  static override description = `Lists the applications of the pool that have not ended (ACCEPTED, RUNNING); -a adds the ended ones (FINISHED, FAILED, KILLED), with why they ended.

With --json: one JSON object {"applications": [{"id", "name", "user", "queue", "type", "state", "rest-address", "diagnostics", "start-time", "end-time"}]}.

Exit code: 0 on success; 1 when the pool's Redis cannot be reached; 2 for usage errors.`;

  static override flags = {
    all: Flags.boolean({ char: 'a', summary: 'Include ended applications.', default: false }),
    json: Flags.boolean({ summary: 'Print one JSON object instead of a table.', default: false }),
    ...configurationFlags,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(PoolApps);
    const configuration = loadClientConfiguration({ env: process.env, dynamicProperties: flags.property ?? [] });
    this.exit(await showPoolApplications({ configuration, json: flags.json, all: flags.all, output: processOutput }));
  }
}

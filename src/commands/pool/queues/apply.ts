import { Args, Command } from '@oclif/core';
import { configurationFlags, loadClientConfiguration } from '../../../client/cli-config.js';
import { processOutput } from '../../../client/cli-output.js';
import { applyQueues, queuesFile } from '../../../client/pool/pool-queues.js';

export default class PoolQueuesApply extends Command {
  static override summary = "Load queue definitions into the pool (YARN's capacity scheduler queues).";

  static override description = `Reads the queues file (the argument, else pool.queues-file, else pool-queues.yaml in the conf dir) and replaces the pool's queue definitions with it:

  queues:
    etl:   { capacity: 60, maximum-capacity: 100 }
    adhoc: { capacity: 40, maximum-capacity: 50 }

capacity is a queue's guaranteed share of the pool's memory in percent (they add up to 100); maximum-capacity (default 100) caps what it may take while others leave room. Without definitions the pool has one queue, default.

Exit code: 0 when applied; 1 when the file is invalid or the pool cannot be reached; 2 for usage errors.`;

  static override args = { file: Args.string({ description: 'The queues file.', required: false }) };

  static override flags = { ...configurationFlags };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(PoolQueuesApply);
    const configuration = loadClientConfiguration({ env: process.env, dynamicProperties: flags.property ?? [] });
    this.exit(await applyQueues({ configuration, file: args.file ?? queuesFile(configuration, process.env), output: processOutput }));
  }
}

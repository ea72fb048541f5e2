import { Command, Flags } from '@oclif/core';
import { configurationFlags, loadClientConfiguration } from '../../client/cli-config.js';
import { processOutput } from '../../client/cli-output.js';
import { showPoolStatus } from '../../client/pool/pool-views.js';

export default class PoolStatus extends Command {
  static override summary = "Show the pool's hosts, their capacity, and its queues.";

  static override description = `Reads the pool (pool.redis-url, pool.name): every host with its state (RUNNING, or LOST when its agent stopped heartbeating), free and total slots and memory, and labels; every queue with its capacity, maximum capacity, what it uses and its pending container requests.

With --json: one JSON object {"hosts": [{"id", "address", "state", "slots-total", "slots-free", "memory-total", "memory-free", "labels", "agent-address", "last-heartbeat"}], "queues": [{"name", "capacity", "maximum-capacity", "used-memory", "used-slots", "containers", "pending-requests"}]}.

Exit code: 0 on success; 1 when the pool's Redis cannot be reached; 2 for usage errors.`;

  static override flags = {
    json: Flags.boolean({ summary: 'Print one JSON object instead of tables.', default: false }),
    ...configurationFlags,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(PoolStatus);
    const configuration = loadClientConfiguration({ env: process.env, dynamicProperties: flags.property ?? [] });
    this.exit(await showPoolStatus({ configuration, json: flags.json, output: processOutput }));
  }
}

import { Args, Command } from '@oclif/core';
import { ContextStore } from '../../client/contexts.js';

export default class ContextRemove extends Command {
  static override summary = 'Forget a context (the cluster itself is not touched).';
  static override args = { name: Args.string({ required: true, description: 'The context name.' }) };
  static override examples = ['<%= config.bin %> context remove my-session'];

  async run(): Promise<void> {
    const { args } = await this.parse(ContextRemove);
    if (!new ContextStore().remove(args.name)) this.error(`No context named '${args.name}'.`, { exit: 1 });
    this.log(`Removed context '${args.name}'.`);
  }
}

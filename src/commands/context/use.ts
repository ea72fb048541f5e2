import { Args, Command } from '@oclif/core';
import { ContextStore } from '../../client/contexts.js';
import { isFlinkTsError } from '../../core/errors.js';

export default class ContextUse extends Command {
  static override summary = 'Make a context the current one: run, list and cancel use it when neither -m nor -t is given.';
  static override args = { name: Args.string({ required: true, description: 'The context name.' }) };
  static override examples = ['<%= config.bin %> context use my-session'];

  async run(): Promise<void> {
    const { args } = await this.parse(ContextUse);
    try {
      const c = new ContextStore().use(args.name);
      this.log(`Switched to context '${c.name}' (${c.target}, ${c.restAddress}).`);
    } catch (e) {
      if (isFlinkTsError(e)) this.error(e.message, { exit: 1 });
      throw e;
    }
  }
}

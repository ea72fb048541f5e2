import { Command } from '@oclif/core';
import { ContextStore } from '../../client/contexts.js';

export default class ContextList extends Command {
  static override summary = 'List the named cluster contexts; * marks the current one.';
  static override examples = ['<%= config.bin %> context list'];

  async run(): Promise<void> {
    await this.parse(ContextList);
    const { current, contexts } = new ContextStore().list();
    if (contexts.length === 0) {
      this.log('No contexts. Sessions started with `flink-ts ssh-session` or `flink-ts pool-session` are recorded here.');
      return;
    }
    for (const c of contexts) {
      this.log(`${c.name === current ? '*' : ' '} ${c.name}  ${c.target}  ${c.restAddress}${c.clusterId === undefined ? '' : `  ${c.clusterId}`}`);
    }
  }
}

/**
 * The flags yarn-session.sh has and both session commands (`ssh-session`, `pool-session`) take,
 * with the words that differ between them (what a name names, what `-id` takes).
 */
import { Flags } from '@oclif/core';

export function sessionFlags(words: { readonly detached: string; readonly name: string; readonly id: string; readonly container: string }) {
  return {
    detached: Flags.boolean({ char: 'd', summary: words.detached, default: false }),
    slots: Flags.integer({ char: 's', summary: 'Slots per TaskManager (taskmanager.numberOfTaskSlots).', helpValue: '<n>', min: 1 }),
    name: Flags.string({ summary: `(-nm) ${words.name}`, helpValue: '<name>' }),
    jobManagerMemory: Flags.string({ summary: `(-jm) Memory of the JobManager ${words.container} (jobmanager.memory.process.size; a plain number is MB).`, helpValue: '<memory>' }),
    taskManagerMemory: Flags.string({ summary: `(-tm) Memory of each TaskManager ${words.container} (taskmanager.memory.process.size; a plain number is MB).`, helpValue: '<memory>' }),
    id: Flags.string({ summary: `(-id) ${words.id}`, helpValue: '<id>' }),
  };
}

import { Command, Flags } from '@oclif/core';
import { configurationFlags } from '../client/cli-config.js';
import { processOutput } from '../client/cli-output.js';
import { runPoolSession } from '../client/pool/pool-session.js';
import { processSignals } from '../client/run-action.js';
import { expandYarnStyleFlags } from '../client/yarn-style-flags.js';
import { sessionFlags } from '../client/session-flags.js';

export default class PoolSession extends Command {
  static override aliases = ['yarn-session'];

  static override summary = "Start a session cluster in the resource pool, or attach to one (Flink's yarn-session.sh).";

  static override description = `Submits an application to the pool (pool.redis-url, pool.name) and starts its JobManager in a container on a pool host. Its ResourceManager asks the pool for TaskManager containers when jobs need slots, replaces lost ones, and releases them after resourcemanager.taskmanager-timeout (30 s) without work. The session is saved as a named context and becomes the current one, so "flink-ts run <job file>", "list" and "cancel" use it without -m.

Attached (the default), the command stays in the foreground and reads stdin: "stop" or "quit" stop the session and remove the context; "help" lists the commands. Ctrl-C or SIGTERM stop it too, and so does the death of this client: it holds a lease on the application. With -d, the command returns once the JobManager runs; attach again with -id <application id>, or stop it with "flink-ts pool kill <application id>".

Exit code: 0 when the session was started (detached) or stopped cleanly; 1 when it did not start or was lost; 2 for usage errors. See docs/deployment-pool.md.`;

  static override usage = [
    '<%= command.id %> [-d] [-s <slots>] [-nm <name>] [-qu <queue>] [-jm <memory>] [-tm <memory>] [-D <key=value>]...',
    '<%= command.id %> -id <application id>',
  ];

  static override examples = [
    { description: 'Start a session with 2 slots per TaskManager in queue etl, in the foreground.', command: '<%= config.bin %> <%= command.id %> -s 2 -qu etl' },
    { description: 'Start a named session in the background, run a job on it, stop it.', command: '<%= config.bin %> <%= command.id %> -d -nm analytics\n<%= config.bin %> run examples/word-count.ts\necho stop | <%= config.bin %> <%= command.id %> -id analytics' },
  ];

  static override flags = {
    ...sessionFlags({
      detached: 'Return once the JobManager runs instead of staying in the foreground.',
      name: 'Name of the application (pool.application.name) and of its context; default pool-<application id> for the context.',
      id: 'Attach to this running session (its application id or context name) instead of starting one.',
      container: 'container',
    }),
    queue: Flags.string({ summary: '(-qu) Pool queue to submit to (pool.application.queue).', helpValue: '<queue>' }),
    ...configurationFlags,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(PoolSession, expandYarnStyleFlags(this.argv));
    const code = await runPoolSession({
      detached: flags.detached,
      slots: flags.slots,
      name: flags.name,
      queue: flags.queue,
      jobManagerMemory: flags.jobManagerMemory,
      taskManagerMemory: flags.taskManagerMemory,
      attachTo: flags.id,
      dynamicProperties: flags.property ?? [],
      env: process.env,
      output: processOutput,
      signals: processSignals,
    });
    this.exit(code);
  }
}

import { Command } from '@oclif/core';
import { configurationFlags } from '../client/cli-config.js';
import { processOutput } from '../client/cli-output.js';
import { processSignals } from '../client/run-action.js';
import { runSshSession } from '../client/ssh/ssh-session.js';
import { expandYarnStyleFlags } from '../client/yarn-style-flags.js';
import { sessionFlags } from '../client/session-flags.js';

export default class SshSession extends Command {
  static override summary = "Start a session cluster on the hosts of conf/masters and conf/workers, or attach to one (Flink's yarn-session.sh, over SSH).";

  static override description = `Starts a JobManager on the first host of <conf dir>/masters. Its ResourceManager starts TaskManagers over SSH on the hosts of <conf dir>/workers when jobs need slots, replaces lost ones, and stops them after resourcemanager.taskmanager-timeout (30 s) without work. The session is saved as a named context and becomes the current one, so "flink-ts run <job file>", "list" and "cancel" use it without -m.

Attached (the default), the command stays in the foreground and reads stdin: "stop" or "quit" stop the cluster on every host and remove the context; "help" lists the commands. Ctrl-C or SIGTERM stop it too. With -d, the command returns once the cluster is up; attach again with -id <cluster id> (e.g. "echo stop | flink-ts ssh-session -id <cluster id>"), or stop it with "flink-ts stop-cluster -D high-availability.cluster-id=<cluster id>".

The cluster id is a new one, session-<random> (high-availability.cluster-id names start-cluster's cluster and is not used). The REST and RPC ports are rest.port and jobmanager.rpc.port when set (or the :webuiport of conf/masters), else free ones are chosen. The JobManager's host logs in to the workers itself: it needs a key they accept and their host keys (launcher.ssh.*), as the launcher does. See docs/deployment-ssh.md.

Exit code: 0 when the cluster was started (detached) or stopped cleanly; 1 when it did not start, was lost, or something could not be removed from a host; 2 for usage errors.`;

  static override usage = ['<%= command.id %> [-d] [-s <slots>] [-nm <name>] [-jm <memory>] [-tm <memory>] [-D <key=value>]...', '<%= command.id %> -id <cluster id>'];

  static override examples = [
    { description: 'Start a session with 2 slots per TaskManager, in the foreground.', command: '<%= config.bin %> <%= command.id %> -s 2' },
    { description: 'Start a named session in the background, run a job on it, stop it.', command: '<%= config.bin %> <%= command.id %> -d -nm analytics\n<%= config.bin %> run examples/word-count.ts\necho stop | <%= config.bin %> <%= command.id %> -id analytics' },
  ];

  static override flags = {
    ...sessionFlags({
      detached: 'Return once the cluster is up instead of staying in the foreground.',
      name: 'Name of the context the session is saved as; default ssh-<cluster id>.',
      id: 'Attach to this running session (its cluster id or context name) instead of starting one.',
      container: 'process',
    }),
    ...configurationFlags,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(SshSession, expandYarnStyleFlags(this.argv));
    const code = await runSshSession({
      detached: flags.detached,
      slots: flags.slots,
      name: flags.name,
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

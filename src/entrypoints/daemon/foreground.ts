/**
 * `start-foreground` (Flink's flink-console.sh): the entrypoint runs in this very process, logs go
 * to stdout, and no pid file is written, because a supervisor (systemd, Docker, Kubernetes) owns
 * the process: it reads the logs from stdout, signals the process itself and restarts it on a
 * non-zero exit.
 */
import type { ClusterComponentFactory } from '../cluster-component.js';
import type { DaemonName } from '../daemons.js';
import { runEntrypointProcess } from '../entrypoint-process.js';
import type { DaemonCommandOptions } from './daemon-launcher.js';
import { entrypointArguments } from './daemon-launcher.js';

// Loaded on demand: `start` and `stop` have no use for the cluster runtime.
async function componentFactory(daemon: DaemonName): Promise<ClusterComponentFactory> {
  switch (daemon) {
    case 'standalonesession':
      return (await import('../../runtime/entrypoint/job-manager-component.js')).createJobManagerComponent;
    case 'taskexecutor':
      return (await import('../../runtime/entrypoint/task-manager-component.js')).createTaskManagerComponent;
    case 'poolagent':
      return (await import('../pool-agent/node-agent-factory.js')).nodeAgentFactory();
  }
}

/** Runs the daemon in this process until it ends; resolves with its exit code (0, 1 or 2). */
export async function runDaemonInForeground(options: DaemonCommandOptions): Promise<number> {
  return runEntrypointProcess({
    daemonName: options.daemon,
    factory: await componentFactory(options.daemon),
    argv: entrypointArguments(options),
    consoleSink: { write: (line) => process.stdout.write(line) },
    env: options.env ?? process.env,
  });
}

/**
 * `flink-ts ssh-session`: a session cluster on the hosts of conf/masters and conf/workers, as
 * Flink's yarn-session.sh starts one on YARN. The JobManager runs on the first master; its
 * ResourceManager starts TaskManagers on the worker hosts when jobs need slots and stops them
 * when they stay idle. The foreground loop, contexts and signals are the session client's
 * (../deployment/session-client.ts); this file is how SSH deploys, finds and stops a session.
 */
import type { Configuration } from '../../config/index.js';
import type { SessionCluster, SessionCommandOptions, SessionTarget } from '../deployment/session-client.js';
import type { SshCluster } from './ssh-cluster-descriptor.js';
import { NUM_TASK_SLOTS, TASK_MANAGER_TIMEOUT, formatDuration } from '../../config/index.js';
import { formatHostSpec } from '../../launcher/index.js';
import { loadClientConfiguration } from '../cli-config.js';
import { runSessionClient } from '../deployment/session-client.js';
import { attachSshCluster, deploySessionCluster, shutdownLines } from './ssh-cluster-descriptor.js';

export type SshSessionOptions = SessionCommandOptions;

/** A memory size as yarn-session takes it: a plain number is megabytes. */
export function yarnStyleMemory(value: string): string {
  return /^\d+$/.test(value.trim()) ? `${value.trim()}m` : value;
}

/** The configuration of a session command: the client's, with yarn-session's `-s`, `-jm`, `-tm` over it. */
export function sessionConfiguration(options: {
  readonly slots?: number | undefined;
  readonly jobManagerMemory?: string | undefined;
  readonly taskManagerMemory?: string | undefined;
  readonly dynamicProperties: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly extra?: Readonly<Record<string, string | number>>;
}): Configuration {
  const values: Record<string, string | number> = { ...options.extra };
  if (options.slots !== undefined) values[NUM_TASK_SLOTS.key] = options.slots;
  if (options.jobManagerMemory !== undefined) values['jobmanager.memory.process.size'] = yarnStyleMemory(options.jobManagerMemory);
  if (options.taskManagerMemory !== undefined) values['taskmanager.memory.process.size'] = yarnStyleMemory(options.taskManagerMemory);
  return loadClientConfiguration({ env: options.env, dynamicProperties: options.dynamicProperties, overrides: [{ source: 'session flags', values }] });
}

/** Runs the command; resolves with the exit code (0 stopped or detached cleanly, 1 failure, 2 usage). */
export function runSshSession(options: SshSessionOptions): Promise<number> {
  return runSessionClient(sshSessionTarget(options.env), { ...options, configuration: () => sessionConfiguration(options) });
}

function sshSessionTarget(env: NodeJS.ProcessEnv): SessionTarget {
  return {
    name: 'ssh-session',
    contextPrefix: 'ssh',
    deploy: async (configuration, log) => sshSession(await deploySessionCluster(configuration, { env, log, recordHosts: true }), true),
    attach: (context, configuration, log) => Promise.resolve(sshSession(attachSshCluster(configuration, context.clusterId ?? '', context.restAddress, { env, log }), false)),
    detachedLines: (cluster, name) => [
      'The session runs detached. Stop it with:',
      `  echo stop | flink-ts ssh-session -id ${cluster.clusterId}`,
      `or: flink-ts stop-cluster -D high-availability.cluster-id=${cluster.clusterId}   (then: flink-ts context remove ${name})`,
    ],
    unknownSessionMessage: (id) =>
      `No context records an ssh session '${id}' (see \`flink-ts context list\`). A session whose context is gone can still be stopped with: flink-ts stop-cluster -D high-availability.cluster-id=${id}`,
  };
}

function sshSession(cluster: SshCluster, started: boolean): SessionCluster {
  const plan = cluster.plan;
  const workers = [...new Set(plan.workers.map((w) => formatHostSpec(w.spec)))].join(', ');
  return {
    clusterId: cluster.clusterId,
    restAddress: cluster.restAddress,
    startedLines: started
      ? [
          `Session cluster '${cluster.clusterId}' is running: the JobManager on ${plan.master.host}; TaskManagers with ${plan.configuration.get(NUM_TASK_SLOTS)} slot(s) each start on demand on ${workers} ` +
            `and stop after ${formatDuration(plan.configuration.get(TASK_MANAGER_TIMEOUT))} idle.`,
        ]
      : [],
    detach: () => cluster.detach(),
    // The REST endpoint is silent: lost only when the JobManager process is gone too.
    isGone: async () => !(await cluster.jobManagerAlive()),
    shutDown: async () => {
      const report = await cluster.shutDown();
      return { ...shutdownLines(report, 'session cluster'), ok: report.ok };
    },
  };
}

/**
 * What the `jobmanager` and `taskmanager` commands share: their flags and the dispatch from a verb
 * to the launcher. The command files stay declarations (help texts, examples); files placed in
 * `src/commands/` would themselves be loaded as commands, so this lives here.
 */
import { Flags } from '@oclif/core';
import { configurationFlags } from '../../client/cli-config.js';
import { POOL_AGENT_LABELS, POOL_AGENT_MEMORY, POOL_AGENT_SLOTS } from '../../config/index.js';
import type { DaemonName } from '../daemons.js';
import { AGENT_HOST_KEY } from '../pool-agent/agent-settings.js';
import type { DaemonCommandOptions } from './daemon-launcher.js';
import { startDaemon, stopAllDaemons, stopDaemon } from './daemon-launcher.js';
import { runDaemonInForeground } from './foreground.js';

export type DaemonVerb = 'start' | 'start-foreground' | 'stop' | 'stop-all';

/** `-D key=value`, repeatable: passed on to the daemon, which loads its configuration with it. */
export const taskManagerFlags = { ...configurationFlags };

/** jobmanager.sh's options on top of `-D`. */
export const jobManagerFlags = {
  ...configurationFlags,
  host: Flags.string({
    summary: 'Address the JobManager advertises to TaskManagers and clients (jobmanager.rpc.address).',
    helpValue: '<host>',
  }),
  'webui-port': Flags.integer({
    summary: 'Port of the REST endpoint and web UI (rest.port).',
    helpValue: '<port>',
    min: 0,
    max: 65535,
  }),
};

/** The pool agent's options on top of `-D` (they become -D pool.agent.*). */
export const poolAgentFlags = {
  ...configurationFlags,
  host: Flags.string({
    summary: "The host the agent stands for: its id in the pool and the address its containers bind (default: this machine's first non-loopback IPv4 address).",
    helpValue: '<address>',
  }),
  slots: Flags.integer({ summary: 'Task slots offered to the pool (pool.agent.slots; default: the number of cores).', helpValue: '<n>', min: 0 }),
  memory: Flags.string({ summary: 'Memory offered to the pool, e.g. 16g (pool.agent.memory; default: 80 % of the RAM).', helpValue: '<size>' }),
  labels: Flags.string({ summary: 'Comma-separated node labels of the host (pool.agent.labels).', helpValue: '<a,b>' }),
};

/** `--host` picks which agent `pool agent stop|stop-all` stops, when several run on this machine. */
export const poolAgentStopFlags = {
  ...configurationFlags,
  host: Flags.string({ summary: 'Stop only the agent started with this --host.', helpValue: '<address>' }),
};

/** Only `-D` for stop and stop-all: it can point them at another env.pid.dir. */
export const stopFlags = { ...configurationFlags };

export interface DaemonFlagValues {
  readonly property?: string[] | undefined;
  readonly host?: string | undefined;
  readonly 'webui-port'?: number | undefined;
  readonly slots?: number | undefined;
  readonly memory?: string | undefined;
  readonly labels?: string | undefined;
}

/**
 * The pool agent's flags as `-D`s after the user's, so that they win. `--host` becomes an
 * internal key, which also marks the process's command line for `stop --host`.
 */
export function poolAgentProperties(flags: DaemonFlagValues): string[] {
  const properties = [...(flags.property ?? [])];
  if (flags.slots !== undefined) properties.push(`${POOL_AGENT_SLOTS.key}=${flags.slots}`);
  if (flags.memory !== undefined) properties.push(`${POOL_AGENT_MEMORY.key}=${flags.memory}`);
  if (flags.labels !== undefined) properties.push(`${POOL_AGENT_LABELS.key}=${flags.labels}`);
  if (flags.host !== undefined) properties.push(agentHostMarker(flags.host));
  return properties;
}

/** The `-D` value naming an agent's host. */
export function agentHostMarker(host: string): string {
  return `${AGENT_HOST_KEY}=${host}`;
}

/** Runs a verb for a daemon; resolves with the process exit code. */
export async function runDaemonVerb(verb: DaemonVerb, daemon: DaemonName, flags: DaemonFlagValues): Promise<number> {
  const options: DaemonCommandOptions =
    daemon === 'poolagent'
      ? { daemon, dynamicProperties: poolAgentProperties(flags), instanceMarker: flags.host === undefined ? undefined : agentHostMarker(flags.host) }
      : { daemon, dynamicProperties: flags.property ?? [], host: flags.host, webUiPort: flags['webui-port'] };
  switch (verb) {
    case 'start':
      return startDaemon(options);
    case 'start-foreground':
      return runDaemonInForeground(options);
    case 'stop':
      return stopDaemon(options);
    case 'stop-all':
      return stopAllDaemons(options);
  }
}

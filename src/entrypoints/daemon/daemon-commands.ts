/**
 * What the `jobmanager` and `taskmanager` commands share: their flags and the dispatch from a verb
 * to the launcher. The command files stay declarations (help texts, examples); files placed in
 * `src/commands/` would themselves be loaded as commands, so this lives here.
 */
import { Flags } from '@oclif/core';
import { configurationFlags } from '../../client/cli-config.js';
import type { DaemonName } from '../daemons.js';
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

/** Only `-D` for stop and stop-all: it can point them at another env.pid.dir. */
export const stopFlags = { ...configurationFlags };

export interface DaemonFlagValues {
  readonly property?: string[] | undefined;
  readonly host?: string | undefined;
  readonly 'webui-port'?: number | undefined;
}

/** Runs a verb for a daemon; resolves with the process exit code. */
export async function runDaemonVerb(verb: DaemonVerb, daemon: DaemonName, flags: DaemonFlagValues): Promise<number> {
  const options: DaemonCommandOptions = {
    daemon,
    dynamicProperties: flags.property ?? [],
    host: flags.host,
    webUiPort: flags['webui-port'],
  };
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

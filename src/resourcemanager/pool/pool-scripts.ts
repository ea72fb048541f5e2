import { readFileSync } from 'node:fs';

/**
 * The pool's Lua scripts (./scripts/<name>.lua), each with lib.lua in front of it: Redis
 * scripts cannot call one another, and the lease expiry and the scheduler must run inside each
 * script to be atomic with it. Loaded once per process; the build copies the files next to the
 * compiled code.
 */
export const SCRIPT_NAMES = [
  'register-host',
  'heartbeat-host',
  'deregister-host',
  'launch-spec',
  'container-started',
  'container-exited',
  'put-artifact',
  'submit-application',
  'request-containers',
  'cancel-request',
  'release-container',
  'register-application-master',
  'heartbeat-application',
  'release-lease',
  'finish-application',
  'read-state',
  'set-queues',
] as const;

export type ScriptName = (typeof SCRIPT_NAMES)[number];

let cached: ReadonlyMap<ScriptName, string> | undefined;

export function poolScripts(): ReadonlyMap<ScriptName, string> {
  if (cached !== undefined) return cached;
  const read = (name: string): string => readFileSync(new URL(`./scripts/${name}.lua`, import.meta.url), 'utf8');
  const lib = read('lib');
  cached = new Map(SCRIPT_NAMES.map((name) => [name, `${lib}\n${read(name)}`]));
  return cached;
}

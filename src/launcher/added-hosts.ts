/**
 * Hosts that `flink-ts jobmanager|taskmanager start --host` added to a cluster beyond
 * conf/masters and conf/workers, remembered where the launcher runs
 * (`~/.flink-ts/clusters/<cluster>/added-hosts`), so that `stop-cluster` stops them too and no
 * process is left behind on a host the hosts files do not name. `stop-cluster` removes the file.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, rmdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { HostSpec } from './host-spec.js';
import { formatHostSpec, hostKey } from './host-spec.js';
import { parseWorkers } from './hosts-file.js';
import type { DaemonRole } from './remote-daemons.js';

export interface AddedHost {
  readonly role: DaemonRole;
  readonly spec: HostSpec;
}

/** The file for a cluster, below the launcher's home directory. */
export function addedHostsFile(home: string, clusterId: string): string {
  return join(home, '.flink-ts', 'clusters', clusterId, 'added-hosts');
}

/** The recorded hosts ([] without the file); lines that do not parse are skipped. */
export function readAddedHosts(file: string): AddedHost[] {
  if (!existsSync(file)) return [];
  const hosts: AddedHost[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [role, host] = line.trim().split(/\s+/);
    if ((role !== 'jobmanager' && role !== 'taskmanager') || host === undefined) continue;
    try {
      const [entry] = parseWorkers(host, file);
      if (entry !== undefined) hosts.push({ role, spec: entry.spec });
    } catch {
      // Written by this module; a damaged line names no host to stop.
    }
  }
  return hosts;
}

/** Records a host (once per role and host). */
export function recordAddedHost(file: string, role: DaemonRole, spec: HostSpec): void {
  if (readAddedHosts(file).some((h) => h.role === role && hostKey(h.spec) === hostKey(spec))) return;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  appendFileSync(file, `${role} ${formatHostSpec(spec)}\n`);
}

/** Forgets the cluster's added hosts (and its directory when nothing else is in it). */
export function removeAddedHosts(file: string): void {
  rmSync(file, { force: true });
  try {
    rmdirSync(dirname(file));
  } catch {
    // Not empty (a local host's directory of the cluster), or gone: both fine.
  }
}

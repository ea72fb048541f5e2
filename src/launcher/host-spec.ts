/**
 * A host the launcher starts processes on, as `conf/masters` and `conf/workers` name it.
 */

/** A host entry: its address, and the SSH user and port when the hosts file gives them. */
export interface HostSpec {
  /** Host name or address (an IPv6 address without brackets). */
  readonly host: string;
  /** `user@` of a `conf/workers` line; `launcher.ssh.user`, else the local user, when absent. */
  readonly user?: string | undefined;
  /** `:sshport` of a `conf/workers` line; `launcher.ssh.port` when absent. */
  readonly port?: number | undefined;
}

const LOCAL_NAMES = new Set(['localhost', '127.0.0.1']);

/**
 * True when the launcher runs the host's commands as local processes instead of over SSH. As in
 * Flink's config.sh, only `localhost` and `127.0.0.1` are local, and only when the entry names no
 * user or port: `root@localhost` or `localhost:2222` ask for an SSH login explicitly.
 */
export function isLocalHost(spec: HostSpec): boolean {
  return LOCAL_NAMES.has(spec.host) && spec.user === undefined && spec.port === undefined;
}

/** `[user@]host[:port]`, as written in `conf/workers` (IPv6 hosts in brackets when a port follows). */
export function formatHostSpec(spec: HostSpec): string {
  const host = spec.port !== undefined && spec.host.includes(':') ? `[${spec.host}]` : spec.host;
  return `${spec.user === undefined ? '' : `${spec.user}@`}${host}${spec.port === undefined ? '' : `:${spec.port}`}`;
}

/** A key that is equal for entries naming the same login (duplicates mean several TaskManagers). */
export function hostKey(spec: HostSpec): string {
  return formatHostSpec(spec);
}

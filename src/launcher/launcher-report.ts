/**
 * What the launcher's commands print about their hosts: the rows of the per-host summary table,
 * and after it why each failure happened, with what the host printed.
 */
import { ensureError } from '../core/errors.js';
import type { HostSpec } from './host-spec.js';
import { formatHostSpec, hostKey } from './host-spec.js';
import type { DaemonStartResult, DaemonStopResult } from './remote-daemons.js';
import type { SummaryRow } from './summary-table.js';

/** Where the launcher's messages go: `out` is stdout (the table), `err` stderr (failures, notes). */
export interface LauncherOutput {
  out(line: string): void;
  err(line: string): void;
}

export function startRow(result: DaemonStartResult): SummaryRow {
  return { host: formatHostSpec(result.host), role: result.role, pid: result.pid, result: result.summary };
}

export function stopRow(result: DaemonStopResult): SummaryRow {
  return { host: formatHostSpec(result.host), role: result.role, pid: result.pid, result: result.summary };
}

/**
 * After the table: why each start failed, with what the host printed (exit code, the end of the
 * process's .out and .log). A reason shared by several processes of a host (it could not be
 * reached) is printed once.
 */
export function reportStartFailures(results: readonly DaemonStartResult[], output: LauncherOutput): void {
  const groups = new Map<string, { host: HostSpec; roles: string[]; details: readonly string[] }>();
  for (const result of results) {
    if (result.ok || result.error === undefined) continue;
    const key = `${hostKey(result.host)}\n${result.details.join('\n')}`;
    const group = groups.get(key) ?? { host: result.host, roles: [], details: result.details };
    group.roles.push(result.role);
    groups.set(key, group);
  }
  for (const { host, roles, details } of groups.values()) {
    const counted = [...new Set(roles)].map((role) => (roles.filter((r) => r === role).length > 1 ? `${roles.filter((r) => r === role).length} ${role}s` : role));
    output.err('');
    output.err(`${formatHostSpec(host)} (${counted.join(', ')}): ${details[0] ?? ''}`);
    for (const line of details.slice(1)) output.err(`  ${line}`);
  }
}

/** Prints a command's error (its message only) and gives exit code 1. */
export function reportCommandError(error: unknown, output: LauncherOutput): number {
  output.err(error instanceof Error ? ensureError(error).message : String(error));
  return 1;
}

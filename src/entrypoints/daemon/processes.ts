/**
 * Looking at and stopping processes by pid, for pid files that may outlive their processes.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DaemonName } from '../daemons.js';

/** True when a process with this pid exists (possibly another user's). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True when `pid` is a live process that can be our daemon. Pids are reused: after a crash or a
 * reboot the pid in a file can belong to an unrelated process, which `stop` must not kill. Where
 * `/proc` exists (Linux), a process whose command line does not name the daemon (every daemon's
 * command line holds its log file, `flink-<user>-<daemon>-…`) is not ours, and a zombie (empty
 * command line) is already gone. Elsewhere, existence is all that can be checked.
 */
export function isDaemonAlive(pid: number, daemon: DaemonName): boolean {
  if (!processExists(pid)) return false;
  if (!hasProcFs()) return true;
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
  } catch (error) {
    // ENOENT: it ended since kill(0). Anything else (hidepid, EACCES): assume it is ours.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
  if (cmdline === '') return false;
  return cmdline.includes(daemon);
}

/** The argv of a process, or undefined when it is gone or cannot be read. */
export function processCommandLine(pid: number): string[] | undefined {
  if (hasProcFs()) {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((arg) => arg !== '');
    } catch {
      return undefined;
    }
  }
  try {
    return execFileSync('ps', ['-ww', '-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).trim().split(/\s+/);
  } catch {
    return undefined;
  }
}

let procFs: boolean | undefined;

function hasProcFs(): boolean {
  procFs ??= existsSync('/proc/self/cmdline');
  return procFs;
}

export interface StopOutcome {
  /** How the process ended: `SIGTERM` (stopped in time), `SIGKILL` (forced) or `gone` (already ended). */
  readonly how: 'SIGTERM' | 'SIGKILL' | 'gone';
}

/**
 * SIGTERM, wait up to `timeoutMs` for the process to end, then SIGKILL and wait for that too.
 * `onEscalate` is told before the SIGKILL.
 * @throws Error when the process cannot be signalled (EPERM) or survives SIGKILL.
 */
export async function stopProcess(pid: number, daemon: DaemonName, timeoutMs: number, onEscalate: () => void): Promise<StopOutcome> {
  if (!signal(pid, 'SIGTERM')) return { how: 'gone' };
  if (await waitUntilGone(pid, daemon, timeoutMs)) return { how: 'SIGTERM' };
  onEscalate();
  if (!signal(pid, 'SIGKILL')) return { how: 'SIGKILL' };
  // SIGKILL cannot be ignored; this only waits for the kernel to tear the process down.
  if (await waitUntilGone(pid, daemon, 10_000)) return { how: 'SIGKILL' };
  throw new Error(`The process ${pid} is still running after SIGKILL.`);
}

/** False when the process is already gone. */
function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return false;
    throw new Error(`Cannot send ${name} to the process ${pid}: ${code === 'EPERM' ? 'it belongs to another user' : String(code)}.`, { cause: error });
  }
}

/** Polls until the process is gone; true if it went within `timeoutMs`. */
export async function waitUntilGone(pid: number, daemon: DaemonName, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let delay = 10;
  while (isDaemonAlive(pid, daemon)) {
    if (Date.now() >= deadline) return false;
    await sleep(Math.min(delay, Math.max(1, deadline - Date.now())));
    delay = Math.min(delay * 2, 200);
  }
  return true;
}

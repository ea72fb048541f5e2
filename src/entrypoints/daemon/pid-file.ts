/**
 * The pid file of a daemon, as flink-daemon.sh keeps it: `<env.pid.dir>/flink-<user>-<daemon>.pid`,
 * one pid per line, oldest first, so that several instances can run on one host and `stop` ends
 * the newest (LIFO). Unlike the script, which relies on `flock(1)`:
 *
 * - every change happens under a lock file created with `O_EXCL` (works wherever Node does), whose
 *   holder's pid is in it so that a lock left by a crashed command is detected and broken;
 * - pids whose process is gone (or was reused by an unrelated process) are dropped on every
 *   change, with a note, so the instance count and `stop` only see live daemons;
 * - the file is replaced atomically (write + rename) and removed when it becomes empty.
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FlinkTsError, ensureError } from '../../core/errors.js';
import type { DaemonName } from '../daemons.js';
import { isDaemonAlive, processExists } from './processes.js';

/** How long a command waits for another one holding the pid file's lock. */
export const LOCK_TIMEOUT_MS = 10_000;
// A lock file without a pid is being written by its creator, unless it is this old.
const EMPTY_LOCK_STALE_MS = 5_000;

/** `$env.pid.dir/flink-<user>-<daemon>.pid`. */
export function pidFilePath(pidDir: string, user: string, daemon: DaemonName): string {
  return join(pidDir, `flink-${user}-${daemon}.pid`);
}

/** Reads the pids of a pid file (oldest first); lines that are not pids are reported and skipped. */
export function readPids(path: string, note: (line: string) => void = () => undefined): number[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const pids: number[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (/^\d+$/.test(trimmed) && Number(trimmed) > 0) pids.push(Number(trimmed));
    else note(`Ignoring the line '${trimmed}' of ${path}: not a pid.`);
  }
  return pids;
}

export interface PidFileChange<T> {
  /** The pids the file holds afterwards, oldest first; empty removes the file. */
  readonly pids: readonly number[];
  readonly value: T;
}

/** One daemon's pid file. */
export class PidFile {
  readonly lockPath: string;

  constructor(
    readonly path: string,
    readonly daemon: DaemonName,
    private readonly note: (line: string) => void,
    private readonly lockTimeoutMs = LOCK_TIMEOUT_MS,
  ) {
    this.lockPath = `${path}.lock`;
  }

  /**
   * Runs `change` under the lock with the live pids (stale ones already dropped) and writes the
   * pids it returns. Nothing else may touch the file meanwhile, which is what makes the instance
   * id (the number of live pids) unique among concurrent starts.
   *
   * Only a start (`createDirectory`) creates a missing pid directory. Without it, a missing
   * directory means no pid is recorded: `change` gets none, and must record none. A stop that
   * arrives after the cluster's directories were removed (the ResourceManager releasing a
   * TaskManager while the launcher cleans up) would otherwise create them again.
   */
  async update<T>(
    change: (livePids: readonly number[]) => PidFileChange<T> | Promise<PidFileChange<T>>,
    expectedGone: ReadonlySet<number> = new Set(),
    options: { readonly createDirectory?: boolean } = {},
  ): Promise<T> {
    const locked = await this.acquire(options.createDirectory === true);
    if (!locked) {
      const result = await change([]);
      if (result.pids.length > 0) {
        throw new FlinkTsError('ERR_ILLEGAL_STATE', `Cannot record pids in ${this.path}: its directory does not exist (it was removed).`);
      }
      return result.value;
    }
    try {
      const live = this.livePids(expectedGone);
      const result = await change(live);
      this.write(result.pids);
      return result.value;
    } finally {
      rmSync(this.lockPath, { force: true });
    }
  }

  /** The live pids, oldest first (stale ones are removed from the file). */
  async running(): Promise<number[]> {
    return this.update((live) => ({ pids: live, value: [...live] }));
  }

  /** Appends a pid (a started instance); creates the pid directory when it is missing. */
  async append(pid: number): Promise<void> {
    await this.update((live) => ({ pids: [...live.filter((p) => p !== pid), pid], value: undefined }), new Set(), { createDirectory: true });
  }

  /** Removes one pid, e.g. of an instance that failed to start (no stale note for it). */
  async remove(pid: number): Promise<void> {
    await this.update((live) => ({ pids: live.filter((p) => p !== pid), value: undefined }), new Set([pid]));
  }

  /** Takes the newest live pid out of the file (`stop`: last in, first out). */
  async popLast(): Promise<number | undefined> {
    return this.update((live) => ({ pids: live.slice(0, -1), value: live.at(-1) }));
  }

  /** Takes every live pid out of the file (`stop-all`). */
  async takeAll(): Promise<number[]> {
    return this.update((live) => ({ pids: [], value: [...live] }));
  }

  private livePids(expectedGone: ReadonlySet<number>): number[] {
    const live: number[] = [];
    for (const pid of readPids(this.path, this.note)) {
      if (live.includes(pid)) continue;
      if (isDaemonAlive(pid, this.daemon)) live.push(pid);
      else if (!expectedGone.has(pid)) this.note(`Removed the stale pid ${pid} from ${this.path}: no ${this.daemon} process with that pid is running.`);
    }
    return live;
  }

  private write(pids: readonly number[]): void {
    if (pids.length === 0) {
      rmSync(this.path, { force: true });
      return;
    }
    // A reader (or a crash) must never see a half-written file.
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, pids.map((pid) => `${pid}\n`).join(''));
    renameSync(temp, this.path);
  }

  /** Takes the lock; false (and no lock) when the pid directory is missing and may not be created. */
  private async acquire(createDirectory: boolean): Promise<boolean> {
    const deadline = Date.now() + this.lockTimeoutMs;
    let delay = 5;
    for (;;) {
      try {
        const fd = openSync(this.lockPath, 'wx');
        try {
          writeSync(fd, `${process.pid}\n`);
        } finally {
          closeSync(fd);
        }
        return true;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          if (!createDirectory) return false;
          // The pid dir does not exist yet (the first start after a reboot cleared /tmp).
          mkdirSync(join(this.lockPath, '..'), { recursive: true });
          continue;
        }
        if (code !== 'EEXIST') throw error;
      }
      if (this.breakStaleLock()) continue;
      if (Date.now() >= deadline) {
        const holder = readLockHolder(this.lockPath);
        throw new FlinkTsError(
          'ERR_ILLEGAL_STATE',
          `Timed out after ${this.lockTimeoutMs} ms waiting for the lock ${this.lockPath}` +
            `${holder === undefined ? '' : `, held by pid ${holder}`}. If no flink-ts command is running, delete the file.`,
        );
      }
      await sleep(delay);
      delay = Math.min(delay * 2, 100);
    }
  }

  /** Removes the lock if its holder is gone; true when the caller should try again at once. */
  private breakStaleLock(): boolean {
    let before;
    try {
      before = statSync(this.lockPath);
    } catch {
      return true; // released meanwhile
    }
    const holder = readLockHolder(this.lockPath);
    const stale = holder === undefined ? Date.now() - before.mtimeMs > EMPTY_LOCK_STALE_MS : !processExists(holder);
    if (!stale) return false;
    try {
      // Only the lock we looked at: another command may have broken it and taken a new one since.
      if (statSync(this.lockPath).ino !== before.ino) return true;
      rmSync(this.lockPath, { force: true });
      this.note(`Removed the stale lock ${this.lockPath}${holder === undefined ? '' : ` of pid ${holder}, which is gone`}.`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw ensureError(error);
    }
    return true;
  }
}

function readLockHolder(lockPath: string): number | undefined {
  try {
    const text = readFileSync(lockPath, 'utf8').trim();
    return /^\d+$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
  }
}

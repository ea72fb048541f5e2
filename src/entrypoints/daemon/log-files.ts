/**
 * A daemon's log files, named as flink-daemon.sh names them so that tools and habits carry over:
 * `<env.log.dir>/flink-<user>-<daemon>-<id>-<hostname>.log` (the process's log) and `.out` (its
 * stdout and stderr), where `<id>` is the number of instances already running, so that several
 * TaskManagers on one host write to different files.
 *
 * Before a start, existing files are rotated: `x.log` → `x.log.1` → … → `x.log.<env.log.max>`,
 * dropping what would go beyond. Unlike the script, rotated files above the limit are deleted
 * (after lowering `env.log.max`, the old ones do not linger), and `env.log.max: 0` keeps no copy.
 */
import { readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { closeSync, openSync, readSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Configuration } from '../../config/index.js';
import { LOG_DIR } from '../../config/index.js';
import type { DaemonName } from '../daemons.js';
import { INSTALLATION_ROOT } from '../installation.js';

export interface DaemonLogFiles {
  /** `<dir>/flink-<user>-<daemon>-<id>-<host>` */
  readonly prefix: string;
  readonly log: string;
  readonly out: string;
}

/** `env.log.dir`, else the installation's `log` folder (Flink's `$FLINK_HOME/log`); absolute. */
export function logDirectory(configuration: Configuration, cwd: string = process.cwd()): string {
  return resolve(cwd, configuration.get(LOG_DIR) ?? join(INSTALLATION_ROOT, 'log'));
}

export function daemonLogFiles(logDir: string, user: string, daemon: DaemonName, instanceId: number, host: string): DaemonLogFiles {
  const prefix = join(logDir, `flink-${user}-${daemon}-${instanceId}-${host}`);
  return { prefix, log: `${prefix}.log`, out: `${prefix}.out` };
}

/** Rotates one file, keeping at most `keep` numbered copies (`file.1` is the newest). */
export function rotateLogFile(file: string, keep: number): void {
  const dir = dirname(file);
  const name = basename(file);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const numbered = entries
    .filter((entry) => entry.startsWith(`${name}.`) && /^\d+$/.test(entry.slice(name.length + 1)))
    .map((entry) => Number(entry.slice(name.length + 1)));
  // Copies that the shift below would push beyond the limit.
  for (const n of numbered) if (n >= keep) rmSync(join(dir, `${name}.${n}`), { force: true });
  for (let n = keep - 1; n >= 1; n--) {
    if (numbered.includes(n)) renameSync(join(dir, `${name}.${n}`), join(dir, `${name}.${n + 1}`));
  }
  if (!isFile(file)) return;
  if (keep > 0) renameSync(file, `${file}.1`);
  else rmSync(file, { force: true });
}

/** Rotates a daemon's `.log` and `.out` before it starts. */
export function rotateDaemonLogs(files: DaemonLogFiles, keep: number): void {
  rotateLogFile(files.log, keep);
  rotateLogFile(files.out, keep);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

const TAIL_BYTES = 64 * 1024;

/** The last `count` lines of a text file ([] when it does not exist); reads at most 64 KiB. */
export function tailLines(file: string, count: number): string[] {
  let text: string;
  try {
    const size = statSync(file).size;
    if (size <= TAIL_BYTES) {
      text = readFileSync(file, 'utf8');
    } else {
      const fd = openSync(file, 'r');
      try {
        const buffer = Buffer.alloc(TAIL_BYTES);
        const read = readSync(fd, buffer, 0, TAIL_BYTES, size - TAIL_BYTES);
        // The first line is probably cut; drop it.
        text = buffer.subarray(0, read).toString('utf8').split('\n').slice(1).join('\n');
      } finally {
        closeSync(fd);
      }
    }
  } catch {
    return [];
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.slice(-count);
}

/**
 * Where the in-process cluster of the local target logs. Like Flink's CLI, the client keeps the
 * cluster's log lines out of the terminal (which shows the job's output and result) and writes
 * them to `<env.log.dir>/flink-ts-<user>-client-<host>.log`, by default in the installation's
 * `log/` folder.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Configuration } from '../config/index.js';
import type { LogSink } from '../core/logger.js';
import { LOG_DIR } from '../config/index.js';
import { ensureError } from '../core/errors.js';
import { currentUserName } from './user-name.js';

// This file sits at <root>/src/client or <root>/dist/client: two levels below the installation.
const INSTALLATION_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The client log file for a configuration. */
export function clientLogFile(config: Configuration): string {
  const dir = config.get(LOG_DIR) ?? join(INSTALLATION_ROOT, 'log');
  return join(resolve(dir), `flink-ts-${currentUserName()}-client-${hostname()}.log`);
}

/**
 * A sink appending to `file`. Lines are written synchronously so none are lost when the client
 * exits right after a job ends. If the file cannot be written, one warning goes to `warn` and
 * logging stops: a read-only installation must not fail the job.
 */
export function fileLogSink(file: string, warn: (line: string) => void): LogSink {
  let state: 'new' | 'open' | 'broken' = 'new';
  return {
    write(line: string): void {
      if (state === 'broken') return;
      try {
        if (state === 'new') {
          mkdirSync(dirname(file), { recursive: true });
          state = 'open';
        }
        appendFileSync(file, line);
      } catch (error) {
        state = 'broken';
        warn(`Cannot write the client log ${file}: ${ensureError(error).message}. Cluster log lines are dropped.`);
      }
    },
  };
}

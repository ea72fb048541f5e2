import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CheckpointMetadata } from './checkpoint-metadata.js';
import { METADATA_FILE_NAME, METADATA_VERSION } from './checkpoint-metadata.js';
import { FlinkTsError } from '../../core/errors.js';

/**
 * Checkpoint storage on a file system (Flink's FsCheckpointStorage), shared by the JobManager and
 * every TaskManager: `<dir>/<jobId>/chk-<n>/` holds the tasks' state files and, once the
 * checkpoint completed, `_metadata`, which is what makes it a checkpoint. Savepoints live in
 * `<savepoint dir>/savepoint-<first 6 of job id>-<12 hex>/`.
 */
/**
 * A checkpoint or savepoint location as a local path: plain paths and `file://` URIs (Flink's
 * usual form) are accepted; other schemes (hdfs://, s3://) are not: flink-ts writes checkpoints
 * with the file system of each process, so a shared directory must be mounted on every host.
 */
export function localPath(location: string, what: string): string {
  if (location.startsWith('file:')) return fileURLToPath(new URL(location));
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(location)?.[1];
  if (scheme !== undefined) {
    throw new FlinkTsError(
      'ERR_CONFIG',
      `${what} '${location}' uses the file system scheme '${scheme}://', which flink-ts does not support: use a path (or file:// URI) of a directory that every JobManager and TaskManager host sees, e.g. a mounted shared file system.`,
    );
  }
  return resolve(location);
}

export function checkpointDirectory(checkpointDir: string, jobId: string, checkpointId: number): string {
  return join(resolve(checkpointDir), jobId, `chk-${checkpointId}`);
}

export function newSavepointDirectory(savepointDir: string, jobId: string): string {
  return join(resolve(savepointDir), `savepoint-${jobId.slice(0, 6)}-${randomBytes(6).toString('hex')}`);
}

export async function writeMetadata(directory: string, metadata: CheckpointMetadata): Promise<number> {
  await mkdir(directory, { recursive: true });
  const text = JSON.stringify(metadata);
  // Written under a temporary name first: a checkpoint is complete iff `_metadata` exists.
  const temp = join(directory, `.${METADATA_FILE_NAME}.inprogress`);
  await writeFile(temp, text);
  await rename(temp, join(directory, METADATA_FILE_NAME));
  return Buffer.byteLength(text);
}

/** Discards a checkpoint's directory; the job's directory too once it is empty. */
export async function discardCheckpointDirectory(directory: string): Promise<void> {
  await rm(directory, { recursive: true, force: true });
  await rmdir(dirname(directory)).catch(() => undefined);
}

/**
 * Reads the metadata of a savepoint or retained checkpoint, given its directory or its
 * `_metadata` file; returns the metadata and the directory its state files are relative to.
 */
export async function loadMetadata(path: string): Promise<{ metadata: CheckpointMetadata; directory: string }> {
  const absolute = localPath(path, 'The savepoint path');
  let info;
  try {
    info = await stat(absolute);
  } catch {
    throw new FlinkTsError('ERR_SAVEPOINT_RESTORE', `Cannot find a savepoint or checkpoint at ${absolute}: the path does not exist.`);
  }
  const file = info.isDirectory() ? join(absolute, METADATA_FILE_NAME) : absolute;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    const hint = info.isDirectory() ? await describeDirectory(absolute) : '';
    throw new FlinkTsError(
      'ERR_SAVEPOINT_RESTORE',
      `${absolute} is not a completed savepoint or checkpoint: it has no ${METADATA_FILE_NAME} file.${hint}`,
    );
  }
  let metadata: CheckpointMetadata;
  try {
    metadata = JSON.parse(text) as CheckpointMetadata;
  } catch {
    throw new FlinkTsError('ERR_SAVEPOINT_RESTORE', `${file} is not flink-ts checkpoint metadata (it is not JSON).`);
  }
  if (typeof metadata !== 'object' || metadata === null || metadata.version !== METADATA_VERSION || !Array.isArray(metadata.operators)) {
    throw new FlinkTsError('ERR_SAVEPOINT_RESTORE', `${file} is not flink-ts checkpoint metadata of version ${METADATA_VERSION}.`);
  }
  return { metadata, directory: basename(file) === METADATA_FILE_NAME ? dirname(file) : absolute };
}

async function describeDirectory(directory: string): Promise<string> {
  const entries = await readdir(directory).catch(() => []);
  const checkpoints = entries.filter((e) => /^chk-\d+$/.test(e));
  return checkpoints.length > 0 ? ` It holds checkpoint directories: pass one of them, e.g. ${join(directory, checkpoints.sort((a, b) => Number(a.slice(4)) - Number(b.slice(4))).at(-1) ?? '')}.` : '';
}

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { StateHandle } from '../checkpoint/checkpoint-metadata.js';

/**
 * Writes and reads the state files of checkpoint storage. A task writes its snapshot into the
 * checkpoint's directory, named uniquely so attempts never collide; small snapshots (and all of
 * them without a directory, the `jobmanager` storage) are inlined into the handle instead.
 */
export async function writeStateHandle(
  bytes: Uint8Array,
  location: string | undefined,
  name: string,
  inlineThreshold: number,
): Promise<StateHandle> {
  if (location === undefined || bytes.byteLength < inlineThreshold) {
    return { inline: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'), size: bytes.byteLength };
  }
  await mkdir(location, { recursive: true });
  const file = `${name}-${randomBytes(6).toString('hex')}`;
  await writeFile(join(location, file), bytes);
  return { file, size: bytes.byteLength };
}

/** Reads a handle; `file` handles are relative to the directory of the snapshot's `_metadata`. */
export async function readStateHandle(handle: StateHandle, baseDir: string | undefined): Promise<Uint8Array> {
  if ('inline' in handle) return new Uint8Array(Buffer.from(handle.inline, 'base64'));
  const path = isAbsolute(handle.file) || baseDir === undefined ? handle.file : join(baseDir, handle.file);
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    throw new Error(`Cannot read state file ${path} of the checkpoint being restored: ${(error as Error).message}`, { cause: error });
  }
}

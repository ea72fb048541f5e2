/**
 * Uploaded job files ("jars" in Flink's API) under `web.upload.dir`. Each is stored as
 * `<uuid>_<name>`, which is also its id in the API. Uploads are written to a hidden temporary
 * file and renamed when complete, so a listing never shows a half-written file and a failed
 * upload leaves nothing behind.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import type { PartSink } from './multipart.js';

/** Job files the server accepts: module sources and bundled artifacts. */
export const JOB_FILE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'] as const;

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const SAFE_NAME = '[A-Za-z0-9._-]{1,200}';
const JAR_ID = new RegExp(`^${UUID}_${SAFE_NAME}$`);
const TEMP_PREFIX = '.upload-';

export interface StoredJar {
  /** `<uuid>_<name>`. */
  readonly id: string;
  /** The name the file was uploaded with (sanitised). */
  readonly name: string;
  /** Upload time, epoch milliseconds. */
  readonly uploaded: number;
  readonly path: string;
}

/** An upload in progress: write its content through the sink, then commit or abort. */
export interface JarUpload extends PartSink {
  readonly id: string;
  readonly path: string;
  /** Makes the file visible under its id. */
  commit(): Promise<void>;
  /** Removes whatever was written. Safe to call at any time, also after a failure. */
  abort(): Promise<void>;
}

export class JarStore {
  private constructor(readonly dir: string) {}

  static async open(dir: string): Promise<JarStore> {
    await mkdir(dir, { recursive: true });
    return new JarStore(dir);
  }

  /** Whether `id` has the form of a stored file's id (and so cannot leave the directory). */
  static isValidId(id: string): boolean {
    return JAR_ID.test(id);
  }

  /**
   * The name an upload is stored under: the base name (browsers may send a path) with anything
   * outside `[A-Za-z0-9._-]` replaced.
   * @returns undefined when the extension is not a job file's.
   */
  static storedName(fileName: string): string | undefined {
    const base = fileName.split(/[\\/]/).pop() ?? '';
    const safe = base.replace(/[^A-Za-z0-9._-]/g, '_').slice(-200);
    const ext = JOB_FILE_EXTENSIONS.find((e) => safe.toLowerCase().endsWith(e));
    // A bare extension (`.ts`) is no file name.
    if (ext === undefined || safe.length === ext.length) return undefined;
    return safe;
  }

  /** Starts storing an upload named `name` (already checked by {@link storedName}). */
  beginUpload(name: string): JarUpload {
    const uuid = randomUUID();
    const id = `${uuid}_${name}`;
    const path = join(this.dir, id);
    const tempPath = join(this.dir, `${TEMP_PREFIX}${uuid}`);
    let stream: WriteStream | undefined;
    let failure: Error | undefined;
    const open = (): WriteStream => {
      if (stream === undefined) {
        stream = createWriteStream(tempPath, { flags: 'wx' });
        // A write error must reach the upload, not crash the process as an unhandled 'error'.
        stream.on('error', (error) => {
          failure ??= error;
        });
      }
      return stream;
    };
    const closeStream = async (): Promise<void> => {
      const s = open();
      if (!s.closed) {
        s.end();
        await once(s, 'close').catch(() => undefined);
      }
      if (failure !== undefined) throw failure;
    };
    return {
      id,
      path,
      async write(chunk: Buffer): Promise<void> {
        const s = open();
        if (failure !== undefined) throw failure;
        if (s.write(chunk)) return;
        await new Promise<void>((resolve, reject) => {
          const onDrain = (): void => {
            s.off('error', onError);
            resolve();
          };
          const onError = (error: Error): void => {
            s.off('drain', onDrain);
            reject(error);
          };
          s.once('drain', onDrain);
          s.once('error', onError);
        });
      },
      async end(): Promise<void> {
        await closeStream();
      },
      async commit(): Promise<void> {
        await closeStream();
        await rename(tempPath, path);
      },
      async abort(): Promise<void> {
        if (stream !== undefined && !stream.closed) {
          stream.destroy();
          await once(stream, 'close').catch(() => undefined);
        }
        await rm(tempPath, { force: true });
      },
    };
  }

  /** Stored files, newest first. */
  async list(): Promise<StoredJar[]> {
    const names = await readdir(this.dir);
    const jars = await Promise.all(
      names
        .filter((name) => JAR_ID.test(name))
        .map(async (id): Promise<StoredJar | undefined> => {
          const path = join(this.dir, id);
          try {
            const info = await stat(path);
            if (!info.isFile()) return undefined;
            return { id, name: id.slice(id.indexOf('_') + 1), uploaded: Math.round(info.mtimeMs), path };
          } catch {
            // Deleted between readdir and stat.
            return undefined;
          }
        }),
    );
    return jars.filter((jar): jar is StoredJar => jar !== undefined).sort((a, b) => b.uploaded - a.uploaded || a.id.localeCompare(b.id));
  }

  /** The stored file of `id`, or undefined when there is none (or the id is malformed). */
  async find(id: string): Promise<StoredJar | undefined> {
    if (!JAR_ID.test(id)) return undefined;
    const path = join(this.dir, id);
    try {
      const info = await stat(path);
      if (!info.isFile()) return undefined;
      return { id, name: id.slice(id.indexOf('_') + 1), uploaded: Math.round(info.mtimeMs), path };
    } catch {
      return undefined;
    }
  }

  /** Deletes a stored file; false when there was none. */
  async delete(id: string): Promise<boolean> {
    const jar = await this.find(id);
    if (jar === undefined) return false;
    await rm(jar.path, { force: true });
    return true;
  }
}

import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What TaskManagers may ask of the BlobServer. */
export interface BlobServerGateway {
  getBlob(hash: string): Promise<Uint8Array>;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const HASH = /^[0-9a-f]{64}$/;

/**
 * The JobManager's store of job artifacts, addressed by the sha256 of their content: a job
 * submitted twice is stored once, and a TaskManager can verify what it received. Blobs travel
 * over the authenticated RPC connection, so `blob.server.port` needs no port of its own.
 */
export class BlobServer implements BlobServerGateway {
  static readonly ENDPOINT_NAME = 'blobserver';
  readonly directory: string;

  constructor(parentDir: string) {
    mkdirSync(parentDir, { recursive: true });
    this.directory = mkdtempSync(join(parentDir, 'blobStore-'));
  }

  /** Stores bytes and returns their hash; storing the same content again is a no-op. */
  put(bytes: Uint8Array): string {
    const hash = sha256Hex(bytes);
    const path = this.pathOf(hash);
    if (!existsSync(path)) {
      const tmp = `${path}.${randomUUID()}.tmp`;
      writeFileSync(tmp, bytes);
      renameSync(tmp, path);
    }
    return hash;
  }

  /** The local file of a blob (for the JobManager's own use, e.g. running an application). */
  pathOf(hash: string): string {
    if (!HASH.test(hash)) throw new Error(`'${hash}' is not a blob key: expected 64 hexadecimal characters.`);
    return join(this.directory, `${hash}.mjs`);
  }

  getBlob(hash: string): Promise<Uint8Array> {
    const path = this.pathOf(hash);
    if (!existsSync(path)) return Promise.reject(new Error(`No blob ${hash} on the BlobServer.`));
    return Promise.resolve(new Uint8Array(readFileSync(path)));
  }

  close(): void {
    rmSync(this.directory, { recursive: true, force: true });
  }
}

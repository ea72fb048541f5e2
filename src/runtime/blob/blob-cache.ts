import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JobId } from '../../core/ids.js';
import type { RpcService } from '../rpc/rpc-service.js';
import type { ArtifactResolver } from '../taskexecutor/task-executor.js';
import type { BlobServerGateway } from './blob-server.js';
import { BlobServer, sha256Hex } from './blob-server.js';
import { parseRpcAddress } from '../rpc/rpc-address.js';

/**
 * A TaskManager's cache of job artifacts: each blob is fetched once from the JobManager that
 * submitted the job, checked against its hash, and kept for later tasks of the job and for any
 * other job with the same artifact. The directory goes with the TaskManager.
 */
export class BlobCache implements ArtifactResolver {
  readonly directory: string;
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(
    parentDir: string,
    private readonly rpc: RpcService,
  ) {
    mkdirSync(parentDir, { recursive: true });
    this.directory = mkdtempSync(join(parentDir, 'blobCache-'));
  }

  resolve(_jobId: JobId, artifactHash: string, jobMasterAddress: string): Promise<string> {
    const path = join(this.directory, `${artifactHash}.mjs`);
    if (existsSync(path)) return Promise.resolve(path);
    let pending = this.inFlight.get(artifactHash);
    if (pending === undefined) {
      pending = this.fetch(artifactHash, jobMasterAddress, path).finally(() => this.inFlight.delete(artifactHash));
      this.inFlight.set(artifactHash, pending);
    }
    return pending;
  }

  close(): void {
    rmSync(this.directory, { recursive: true, force: true });
  }

  private async fetch(hash: string, jobMasterAddress: string, path: string): Promise<string> {
    const parsed = parseRpcAddress(jobMasterAddress);
    const address = parsed.kind === 'remote' ? `${parsed.base}/${BlobServer.ENDPOINT_NAME}` : BlobServer.ENDPOINT_NAME;
    const bytes = await this.rpc.connect<BlobServerGateway>(address).getBlob(hash);
    const actual = sha256Hex(bytes);
    if (actual !== hash) throw new Error(`The artifact fetched from ${address} is corrupt: expected sha256 ${hash}, got ${actual}.`);
    const tmp = `${path}.${randomUUID()}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
    return path;
  }

  /** For tests: the bytes of a cached artifact. */
  read(hash: string): Uint8Array {
    return new Uint8Array(readFileSync(join(this.directory, `${hash}.mjs`)));
  }
}

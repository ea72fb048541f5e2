import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientOutput } from '../../../../src/client/cli-output.js';

/** A port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Collects what a client action prints. */
export class RecordingOutput implements ClientOutput {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  out(line: string): void {
    this.stdout.push(line);
  }
  err(line: string): void {
    this.stderr.push(line);
  }
}

let confDir: string | undefined;

/**
 * An environment whose conf dir holds an empty config.yaml: the tests must not depend on the
 * repository's conf/ or on the developer's FLINK_TS_* variables.
 */
export function isolatedEnv(): NodeJS.ProcessEnv {
  if (confDir === undefined) {
    const parent = mkdtempSync(join(tmpdir(), 'flink-ts-remote-test-'));
    process.on('exit', () => {
      rmSync(parent, { recursive: true, force: true });
    });
    confDir = join(parent, 'conf');
    mkdirSync(confDir);
    writeFileSync(join(confDir, 'config.yaml'), '');
  }
  return { FLINK_TS_CONF_DIR: confDir };
}

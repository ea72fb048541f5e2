import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly maxRssMb: number;
}

/**
 * Runs the built CLI as a user would and samples its resident memory (the whole local cluster
 * lives in that process). `stopAfterMs` sends SIGINT, which cancels an attached job.
 */
export function runCli(args: string[], options: { stopAfterMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${ROOT}bin/flink-ts`, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let maxRssMb = 0;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const sampler = setInterval(() => {
      maxRssMb = Math.max(maxRssMb, rssMb(child.pid));
    }, 100);
    const stopper = options.stopAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGINT'), options.stopAfterMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(sampler);
      if (stopper !== undefined) clearTimeout(stopper);
      resolve({ code, stdout, stderr, maxRssMb });
    });
  });
}

function rssMb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    // /proc/<pid>/statm: size resident ... in pages.
    const statm = readProcFile(`/proc/${pid}/statm`);
    const resident = Number(statm.split(' ')[1]);
    return (resident * 4096) / (1024 * 1024);
  } catch {
    return 0;
  }
}

import { readFileSync } from 'node:fs';
function readProcFile(path: string): string {
  return readFileSync(path, 'utf8');
}

/** The `Job Runtime: <ms> ms` line `flink-ts run` prints for an attached job. */
export function jobRuntimeMs(stdout: string): number {
  const match = /Job Runtime: (\d+) ms/.exec(stdout);
  if (match === null) throw new Error(`No job runtime in the CLI output:\n${stdout}`);
  return Number(match[1]);
}

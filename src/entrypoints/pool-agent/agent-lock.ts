/**
 * One agent per work dir: `<work dir>/agent.pid` holds the pid of the agent using it. Two agents
 * for the same host would each kill the other's containers as "not listed" and report them twice;
 * the second one refuses to start instead, naming the first.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FlinkTsError } from '../../core/errors.js';
import { processExists } from '../daemon/processes.js';

export const AGENT_PID_FILE = 'agent.pid';

export class AgentLock {
  private constructor(private readonly path: string) {}

  /** @throws FlinkTsError when a live agent holds the work dir. */
  static acquire(workDir: string, hostId: string): AgentLock {
    mkdirSync(workDir, { recursive: true, mode: 0o700 });
    const path = join(workDir, AGENT_PID_FILE);
    const holder = readHolder(path);
    if (holder !== undefined && holder !== process.pid && processExists(holder)) {
      throw new FlinkTsError(
        'ERR_ILLEGAL_STATE',
        `An agent for host ${hostId} already runs (pid ${holder}, work dir ${workDir}). Stop it first (flink-ts pool agent stop --host ${hostId}), or give this one another --host or pool.agent.work-dir.`,
      );
    }
    // A pid left by an agent that died is stale; taking it over is what a restart is.
    writeFileSync(path, `${process.pid}\n`, { mode: 0o600 });
    return new AgentLock(path);
  }

  release(): void {
    if (readHolder(this.path) === process.pid) rmSync(this.path, { force: true });
  }
}

function readHolder(path: string): number | undefined {
  try {
    const text = readFileSync(path, 'utf8').trim();
    return /^\d+$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Container processes of an earlier run of the agent on this work dir. They end with their agent
 * (`--exit-with-parent`), but one can survive, e.g. one stuck in its shutdown. The pool has
 * written them off by the time the agent registers again (registering marks the host's old
 * containers LOST), so a survivor runs for nobody and holds capacity the pool hands out again:
 * the agent kills it before it registers.
 *
 * Pids are reused, so a recorded pid is only killed while its command line still carries the
 * container's id (`-D $internal.pool.container.id=<id>`).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../core/logger.js';
import { processCommandLine } from '../daemon/processes.js';
import { containerPaths, listContainerIds, readMetadata, writeMetadata } from './container-directory.js';
import { CONTAINER_ID_KEY } from './container-keys.js';

/** Whether `pid` is the process of that container (alive, and its command line names the container). */
export function isContainerProcess(pid: number, containerId: string): boolean {
  const argv = processCommandLine(pid);
  return argv !== undefined && argv.includes(`${CONTAINER_ID_KEY}=${containerId}`);
}

/**
 * Kills the live processes recorded in the container directories below `workDir`: SIGTERM, then
 * SIGKILL after `graceMs`. Marks their metadata EXITED. Resolves with the ids of those killed.
 */
export async function killLeftoverContainers(workDir: string, graceMs: number, logger: Logger): Promise<string[]> {
  const killed: string[] = [];
  await Promise.all(
    listContainerIds(workDir).map(async (containerId) => {
      const paths = containerPaths(workDir, containerId);
      const metadata = readMetadata(paths);
      if (metadata === undefined || metadata.state === 'EXITED') return;
      const pid = metadata.pid;
      const alive = pid !== undefined && isContainerProcess(pid, containerId);
      let diagnostics = 'The agent that ran it stopped without reporting its end.';
      if (alive) {
        logger.warn(`Container ${containerId} (pid ${pid}) of an earlier run of this agent is still running: killing it.`);
        await terminate(pid, containerId, graceMs);
        killed.push(containerId);
        diagnostics = 'Killed by the agent at its start: it belonged to an earlier run of the agent.';
      }
      writeMetadata(paths, { ...metadata, state: 'EXITED', diagnostics, finishedAt: Date.now() });
    }),
  );
  return killed;
}

async function terminate(pid: number, containerId: string, graceMs: number): Promise<void> {
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(pid, name);
    } catch {
      // Gone meanwhile.
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isContainerProcess(pid, containerId)) {
    if (Date.now() >= deadline) {
      signal('SIGKILL');
      break;
    }
    await sleep(50);
  }
  // SIGKILL cannot be ignored; wait (bounded) for the kernel to tear the process down.
  const killDeadline = Date.now() + 10_000;
  while (isContainerProcess(pid, containerId) && Date.now() < killDeadline) await sleep(20);
}

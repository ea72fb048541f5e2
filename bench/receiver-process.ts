import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT } from './cli.js';

/** A baseline's receiving child process, listening on a loopback port. */
export interface ReceiverProcess {
  readonly port: number;
  /** The next line the child prints on stdout. */
  nextLine(): Promise<string>;
  /** Resolves when the child has exited. */
  readonly exited: Promise<unknown>;
  /** Kills the child if it still runs (after a failure on this side). */
  kill(): void;
}

/**
 * Starts `bench/<script>` (TypeScript, through tsx) and waits until it prints `ready <port>`.
 * Start-up is not part of any measurement: callers start timing after this resolves.
 */
export async function startReceiver(script: string, args: readonly string[] = []): Promise<ReceiverProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', script), ...args], {
    cwd: ROOT,
    // stdin stays open while this process lives: the receiver exits when it closes (see orphanGuard).
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  // Closing stdin after the child exited may fail with EPIPE: nothing to do about it then.
  child.stdin.on('error', () => undefined);
  // Listened for at once: the child may exit before its last line has been read.
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const receiver: ReceiverProcess = {
    port: 0,
    async nextLine() {
      const next = await lines.next();
      if (next.done === true) throw new Error(`The receiver ${script} ended without printing a result.`);
      return next.value;
    },
    exited,
    kill() {
      child.stdin.end();
      if (child.exitCode === null && child.signalCode === null) child.kill();
    },
  };
  try {
    const ready = await receiver.nextLine();
    if (!ready.startsWith('ready ')) throw new Error(`The receiver ${script} did not start: ${ready}`);
    return { ...receiver, port: Number(ready.slice('ready '.length)) };
  } catch (error) {
    receiver.kill();
    throw error;
  }
}

/**
 * For the receivers: ends the process when its parent's end of stdin closes, so a benchmark that
 * was killed (Ctrl-C, a crash before it connected) leaves no receiver listening forever.
 */
export function orphanGuard(): void {
  process.stdin.on('end', () => process.exit(1));
  process.stdin.resume();
}

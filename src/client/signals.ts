/** How interrupts (Ctrl-C, `kill`) reach a client action. */

export type InterruptSignal = 'SIGINT' | 'SIGTERM';

/** Delivers interrupts (Ctrl-C, `kill`) to the client; returns an unsubscribe function. */
export interface SignalSource {
  subscribe(handler: (signal: InterruptSignal) => void): () => void;
}

/** SIGINT and SIGTERM of this process. Subscribing replaces Node's default of exiting at once. */
export const processSignals: SignalSource = {
  subscribe(handler) {
    const onInt = (): void => {
      handler('SIGINT');
    };
    const onTerm = (): void => {
      handler('SIGTERM');
    };
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    return () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    };
  },
};

/** `run --timeout`: when the run must have ended. */
export interface RunTimeout {
  /** As the user sees it in messages (`90 s`, `2 min`). */
  readonly text: string;
  /** Epoch ms. */
  readonly deadline: number;
}

/**
 * Calls `onTimeout` at the deadline (at once when it passed already); returns the function that
 * disarms it. The timer never keeps the client alive by itself.
 */
export function armTimeout(timeout: RunTimeout | undefined, onTimeout: () => void): () => void {
  if (timeout === undefined) return () => undefined;
  const timer = setTimeout(onTimeout, Math.max(0, timeout.deadline - Date.now()));
  timer.unref();
  return () => clearTimeout(timer);
}

/** The last line of a run that timed out (exit code 124). */
export function timedOutLine(timeout: RunTimeout, cancelledJobIds: readonly string[]): string {
  if (cancelledJobIds.length === 0) return `Timed out after ${timeout.text}: no job was running.`;
  return `Timed out after ${timeout.text}: cancelled job(s) ${cancelledJobIds.join(', ')}.`;
}

/**
 * Bounded concurrency for the launcher: most hosts at once (`launcher.ssh.parallelism`), most
 * channels per SSH connection (sshd's MaxSessions), most files in flight during an upload.
 */

/** A counting semaphore; waiters are served in arrival order. */
export class Semaphore {
  private available: number;
  private readonly waiters: (() => void)[] = [];

  constructor(readonly permits: number) {
    if (!Number.isInteger(permits) || permits < 1) throw new TypeError(`Expected a positive integer of permits, got ${permits}.`);
    this.available = permits;
  }

  /** Runs `action` once a permit is free, and frees it when the action settles. */
  async run<T>(action: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await action();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.available > 0) {
      this.available--;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  private release(): void {
    const next = this.waiters.shift();
    // The permit passes straight to the next waiter, so a newcomer cannot overtake it.
    if (next !== undefined) next();
    else this.available++;
  }
}

/** `action` for every item, at most `limit` at a time; results in item order. Rejects with the first failure after all settled. */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, action: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const semaphore = new Semaphore(Math.max(1, limit));
  const settled = await Promise.allSettled(items.map((item, index) => semaphore.run(() => action(item, index))));
  const failure = settled.find((result) => result.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<R>).value);
}

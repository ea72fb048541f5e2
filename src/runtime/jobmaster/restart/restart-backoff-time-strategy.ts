/**
 * Decides whether a job may restart after a failure and how long it waits first (Flink's
 * RestartBackoffTimeStrategy). The JobMaster calls {@link RestartBackoffTimeStrategy.notifyFailure}
 * for every recoverable failure, then asks {@link RestartBackoffTimeStrategy.canRestart}; if it
 * may, it waits {@link RestartBackoffTimeStrategy.getBackoffTime} before redeploying.
 */
export interface RestartBackoffTimeStrategy {
  /**
   * Records a failure. Returns whether it counts as a new restart attempt: false when it is
   * merged into a restart that is already pending (the exponential-delay strategy does that).
   */
  notifyFailure(cause: unknown): boolean;
  /** Whether the job may restart after the failures notified so far. */
  canRestart(): boolean;
  /** Milliseconds to wait before the restart, as of now. */
  getBackoffTime(): number;
  /** Flink's description, e.g. `FixedDelayRestartBackoffTimeStrategy(maxNumberRestartAttempts=2, backoffTimeMS=100)`. */
  toString(): string;
}

/** Milliseconds since the epoch; injected so that tests can move time themselves. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

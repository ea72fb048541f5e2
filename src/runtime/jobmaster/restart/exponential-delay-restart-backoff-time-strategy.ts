import type { Clock, RestartBackoffTimeStrategy } from './restart-backoff-time-strategy.js';
import { systemClock } from './restart-backoff-time-strategy.js';

export interface ExponentialDelaySettings {
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly backoffMultiplier: number;
  readonly resetBackoffThresholdMs: number;
  /** Each wait varies randomly by up to this fraction of it, both ways. */
  readonly jitterFactor: number;
  readonly attemptsBeforeResetBackoff: number;
}

/**
 * `restart-strategy.type: exponential-delay` (the default when checkpointing is enabled): the
 * n-th restart since the last reset waits `initial · multiplier^(n-1)` ± jitter, bounded by
 * `[initial, max]`. Failures that arrive before the pending restart happens are merged into it
 * (a lost TaskManager fails many tasks at once). After `reset-backoff-threshold` without a
 * failure the wait and the attempt count start over.
 */
export class ExponentialDelayRestartBackoffTimeStrategy implements RestartBackoffTimeStrategy {
  private attempt = 0;
  private nextRestartTimestamp = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly settings: ExponentialDelaySettings,
    private readonly clock: Clock = systemClock,
    /** A number in [0, 1); Math.random unless a test fixes it. */
    private readonly random: () => number = Math.random,
  ) {}

  notifyFailure(_cause?: unknown): boolean {
    const now = this.clock();
    if (now <= this.nextRestartTimestamp) return false;
    if (now - this.nextRestartTimestamp >= this.settings.resetBackoffThresholdMs) this.attempt = 0;
    this.nextRestartTimestamp = now + this.backoffOfCurrentAttempt();
    this.attempt++;
    return true;
  }

  canRestart(): boolean {
    return this.attempt <= this.settings.attemptsBeforeResetBackoff;
  }

  getBackoffTime(): number {
    return Math.max(0, this.nextRestartTimestamp - this.clock());
  }

  toString(): string {
    const s = this.settings;
    return (
      `ExponentialDelayRestartBackoffTimeStrategy(initialBackoffMS=${s.initialBackoffMs}, maxBackoffMS=${s.maxBackoffMs}, ` +
      `backoffMultiplier=${s.backoffMultiplier}, resetBackoffThresholdMS=${s.resetBackoffThresholdMs}, jitterFactor=${s.jitterFactor}, ` +
      `attemptsBeforeResetBackoff=${s.attemptsBeforeResetBackoff}, currentRestartAttempt=${this.attempt}, nextRestartTimestamp=${this.nextRestartTimestamp})`
    );
  }

  private backoffOfCurrentAttempt(): number {
    const s = this.settings;
    const base = Math.trunc(s.initialBackoffMs * Math.pow(s.backoffMultiplier, this.attempt));
    const offset = Math.trunc(base * s.jitterFactor);
    // A whole number in [-offset, offset].
    const jitter = offset === 0 ? 0 : Math.floor(this.random() * (2 * offset + 1)) - offset;
    return Math.max(s.initialBackoffMs, Math.min(base + jitter, s.maxBackoffMs));
  }
}

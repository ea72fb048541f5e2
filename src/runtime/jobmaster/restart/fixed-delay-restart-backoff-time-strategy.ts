import type { RestartBackoffTimeStrategy } from './restart-backoff-time-strategy.js';

/**
 * `restart-strategy.type: fixed-delay`: up to `attempts` restarts, each after the same delay;
 * the failure after the last allowed restart fails the job (attempts = 2 → 3 runs in all).
 */
export class FixedDelayRestartBackoffTimeStrategy implements RestartBackoffTimeStrategy {
  private failures = 0;

  constructor(
    private readonly maxAttempts: number,
    private readonly backoffTimeMs: number,
  ) {}

  notifyFailure(_cause?: unknown): boolean {
    this.failures++;
    return true;
  }

  canRestart(): boolean {
    return this.failures <= this.maxAttempts;
  }

  getBackoffTime(): number {
    return this.backoffTimeMs;
  }

  toString(): string {
    return `FixedDelayRestartBackoffTimeStrategy(maxNumberRestartAttempts=${this.maxAttempts}, backoffTimeMS=${this.backoffTimeMs})`;
  }
}

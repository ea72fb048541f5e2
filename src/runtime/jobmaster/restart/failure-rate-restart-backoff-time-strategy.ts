import type { Clock, RestartBackoffTimeStrategy } from './restart-backoff-time-strategy.js';
import { systemClock } from './restart-backoff-time-strategy.js';

/**
 * `restart-strategy.type: failure-rate`: restarts after a fixed delay until
 * `max-failures-per-interval` failures fall within one sliding `failure-rate-interval`. As in
 * Flink, the failure that fills the window fails the job: with a maximum of 3, the first two
 * failures within the interval restart the job and the third fails it.
 */
export class FailureRateRestartBackoffTimeStrategy implements RestartBackoffTimeStrategy {
  /** The newest `maxFailuresPerInterval` failure times, oldest first. */
  private readonly failureTimestamps: number[] = [];

  constructor(
    private readonly maxFailuresPerInterval: number,
    private readonly failuresIntervalMs: number,
    private readonly backoffTimeMs: number,
    private readonly clock: Clock = systemClock,
  ) {}

  notifyFailure(_cause?: unknown): boolean {
    if (this.isWindowFull()) this.failureTimestamps.shift();
    this.failureTimestamps.push(this.clock());
    return true;
  }

  canRestart(): boolean {
    const earliest = this.failureTimestamps[0];
    if (!this.isWindowFull() || earliest === undefined) return true;
    return this.clock() - earliest > this.failuresIntervalMs;
  }

  getBackoffTime(): number {
    return this.backoffTimeMs;
  }

  toString(): string {
    return `FailureRateRestartBackoffTimeStrategy(failuresIntervalMS=${this.failuresIntervalMs}, backoffTimeMS=${this.backoffTimeMs}, maxFailuresPerInterval=${this.maxFailuresPerInterval})`;
  }

  private isWindowFull(): boolean {
    return this.failureTimestamps.length >= this.maxFailuresPerInterval;
  }
}

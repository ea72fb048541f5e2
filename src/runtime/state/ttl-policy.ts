import type { StateTtlConfig } from '../../api/state/state-ttl-config.js';
import type { ProcessingTimeService } from './processing-time-service.js';

/**
 * A state's time-to-live as its accessors apply it (Flink's TTL decorators, folded into the heap
 * states instead of wrapping them: one object and one branch per access). Created only for an
 * enabled config, so `ttl === undefined` is the fast path of every state.
 */
export class TtlPolicy {
  readonly ttl: number;
  /** OnReadAndWrite: a read of a live value refreshes its timestamp too. */
  readonly updateOnRead: boolean;
  /** ReturnExpiredIfNotCleanedUp: an expired value still present is returned once, then dropped. */
  readonly returnExpired: boolean;

  private constructor(
    config: StateTtlConfig,
    private readonly clock: ProcessingTimeService,
  ) {
    this.ttl = config.ttl;
    this.updateOnRead = config.updateType === 'OnReadAndWrite';
    this.returnExpired = config.stateVisibility === 'ReturnExpiredIfNotCleanedUp';
  }

  static of(config: StateTtlConfig | undefined, clock: ProcessingTimeService): TtlPolicy | undefined {
    return config !== undefined && config.isEnabled() ? new TtlPolicy(config, clock) : undefined;
  }

  now(): number {
    return this.clock.now();
  }

  /** Flink's rule, which its e2e verifier checks: expired once `lastUpdate + ttl <= now`. */
  isExpired(lastUpdate: number, now: number): boolean {
    return lastUpdate + this.ttl <= now;
  }
}

import type { Configuration } from '../../../config/index.js';
import type { Clock, RestartBackoffTimeStrategy } from './restart-backoff-time-strategy.js';
import {
  CHECKPOINTING_INTERVAL,
  RESTART_EXPONENTIAL_ATTEMPTS,
  RESTART_EXPONENTIAL_BACKOFF_MULTIPLIER,
  RESTART_EXPONENTIAL_INITIAL_BACKOFF,
  RESTART_EXPONENTIAL_JITTER,
  RESTART_EXPONENTIAL_MAX_BACKOFF,
  RESTART_EXPONENTIAL_RESET_THRESHOLD,
  RESTART_FAILURE_RATE_DELAY,
  RESTART_FAILURE_RATE_INTERVAL,
  RESTART_FAILURE_RATE_MAX_FAILURES,
  RESTART_FIXED_DELAY_ATTEMPTS,
  RESTART_FIXED_DELAY_DELAY,
  RESTART_STRATEGY,
} from '../../../config/index.js';
import { systemClock } from './restart-backoff-time-strategy.js';
import { NoRestartBackoffTimeStrategy } from './no-restart-backoff-time-strategy.js';
import { FixedDelayRestartBackoffTimeStrategy } from './fixed-delay-restart-backoff-time-strategy.js';
import { FailureRateRestartBackoffTimeStrategy } from './failure-rate-restart-backoff-time-strategy.js';
import { ExponentialDelayRestartBackoffTimeStrategy } from './exponential-delay-restart-backoff-time-strategy.js';

/** Builds a fresh strategy for each job: strategies count that job's failures. */
export type RestartBackoffTimeStrategyFactory = () => RestartBackoffTimeStrategy;

export type RestartStrategyType = 'none' | 'fixed-delay' | 'failure-rate' | 'exponential-delay';

/**
 * The strategy `restart-strategy.type` names (`off` and `disable` mean `none`). Unset, it is
 * Flink's default: `exponential-delay` when checkpointing is enabled
 * (`execution.checkpointing.interval` set), else `none`.
 */
export function restartStrategyTypeOf(config: Configuration): RestartStrategyType {
  const type = config.get(RESTART_STRATEGY);
  switch (type) {
    case undefined:
      return config.get(CHECKPOINTING_INTERVAL) === undefined ? 'none' : 'exponential-delay';
    case 'none':
    case 'off':
    case 'disable':
      return 'none';
    case 'fixed-delay':
    case 'failure-rate':
    case 'exponential-delay':
      return type;
  }
}

export function restartBackoffTimeStrategyFactoryFrom(config: Configuration, clock: Clock = systemClock): RestartBackoffTimeStrategyFactory {
  const type = restartStrategyTypeOf(config);
  switch (type) {
    case 'none':
      return () => new NoRestartBackoffTimeStrategy();
    case 'fixed-delay': {
      const attempts = config.get(RESTART_FIXED_DELAY_ATTEMPTS);
      const delay = config.get(RESTART_FIXED_DELAY_DELAY);
      return () => new FixedDelayRestartBackoffTimeStrategy(attempts, delay);
    }
    case 'failure-rate': {
      const max = config.get(RESTART_FAILURE_RATE_MAX_FAILURES);
      const interval = config.get(RESTART_FAILURE_RATE_INTERVAL);
      const delay = config.get(RESTART_FAILURE_RATE_DELAY);
      return () => new FailureRateRestartBackoffTimeStrategy(max, interval, delay, clock);
    }
    case 'exponential-delay': {
      const settings = {
        initialBackoffMs: config.get(RESTART_EXPONENTIAL_INITIAL_BACKOFF),
        maxBackoffMs: config.get(RESTART_EXPONENTIAL_MAX_BACKOFF),
        backoffMultiplier: config.get(RESTART_EXPONENTIAL_BACKOFF_MULTIPLIER),
        resetBackoffThresholdMs: config.get(RESTART_EXPONENTIAL_RESET_THRESHOLD),
        jitterFactor: config.get(RESTART_EXPONENTIAL_JITTER),
        attemptsBeforeResetBackoff: config.get(RESTART_EXPONENTIAL_ATTEMPTS),
      };
      return () => new ExponentialDelayRestartBackoffTimeStrategy(settings, clock);
    }
  }
}

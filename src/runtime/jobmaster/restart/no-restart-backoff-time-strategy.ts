import type { RestartBackoffTimeStrategy } from './restart-backoff-time-strategy.js';

/** `restart-strategy.type: none` (aliases `off`, `disable`): the first failure fails the job. */
export class NoRestartBackoffTimeStrategy implements RestartBackoffTimeStrategy {
  notifyFailure(_cause?: unknown): boolean {
    return true;
  }

  canRestart(): boolean {
    return false;
  }

  getBackoffTime(): number {
    return 0;
  }

  toString(): string {
    return 'NoRestartBackoffTimeStrategy';
  }
}

/**
 * How fast a generator source may emit. The rate is for the whole source: each of its `p`
 * subtasks emits at `recordsPerSecond / p`.
 */
export class RateLimiterStrategy {
  private constructor(
    /** Records per second across all subtasks; undefined means unlimited. */
    readonly recordsPerSecond: number | undefined,
  ) {}

  static perSecond(recordsPerSecond: number): RateLimiterStrategy {
    if (!Number.isFinite(recordsPerSecond) || recordsPerSecond <= 0) {
      throw new TypeError(`RateLimiterStrategy.perSecond needs a positive finite rate, got ${recordsPerSecond}`);
    }
    return new RateLimiterStrategy(recordsPerSecond);
  }

  static noOp(): RateLimiterStrategy {
    return new RateLimiterStrategy(undefined);
  }

  /** One subtask's share of the rate, or undefined when unlimited. */
  ratePerSubtask(parallelism: number): number | undefined {
    return this.recordsPerSecond === undefined ? undefined : this.recordsPerSecond / parallelism;
  }
}

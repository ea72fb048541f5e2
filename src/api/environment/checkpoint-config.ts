/**
 * Checkpointing settings of one job (Flink's CheckpointConfig), set in the job's code. They are
 * stored as Flink's configuration keys and travel with the job, overriding the cluster's
 * configuration for this job only, as `-D` options of `flink-ts run` do.
 */
export type CheckpointingMode = 'EXACTLY_ONCE' | 'AT_LEAST_ONCE';
export type ExternalizedCheckpointRetention = 'DELETE_ON_CANCELLATION' | 'RETAIN_ON_CANCELLATION' | 'NO_EXTERNALIZED_CHECKPOINTS';

export class CheckpointConfig {
  /** @internal Flink keys → values, applied on top of the cluster configuration. */
  readonly entries = new Map<string, string>();

  /** @param intervalMs milliseconds between checkpoint triggers. */
  setCheckpointInterval(intervalMs: number): this {
    return this.set('execution.checkpointing.interval', positive(intervalMs, 'checkpoint interval'), 'ms');
  }
  setCheckpointingMode(mode: CheckpointingMode): this {
    if (mode !== 'EXACTLY_ONCE' && mode !== 'AT_LEAST_ONCE') throw new TypeError(`Unknown checkpointing mode '${String(mode)}': expected EXACTLY_ONCE or AT_LEAST_ONCE.`);
    return this.set('execution.checkpointing.mode', mode);
  }
  setCheckpointTimeout(timeoutMs: number): this {
    return this.set('execution.checkpointing.timeout', positive(timeoutMs, 'checkpoint timeout'), 'ms');
  }
  setMinPauseBetweenCheckpoints(minPauseMs: number): this {
    if (!Number.isInteger(minPauseMs) || minPauseMs < 0) throw new TypeError(`The min pause between checkpoints must be 0 or more milliseconds, got ${minPauseMs}.`);
    return this.set('execution.checkpointing.min-pause', minPauseMs, 'ms');
  }
  setMaxConcurrentCheckpoints(max: number): this {
    return this.set('execution.checkpointing.max-concurrent-checkpoints', positive(max, 'number of concurrent checkpoints'));
  }
  setTolerableCheckpointFailureNumber(failures: number): this {
    if (!Number.isInteger(failures) || failures < 0) throw new TypeError(`The tolerable checkpoint failure number must be 0 or more, got ${failures}.`);
    return this.set('execution.checkpointing.tolerable-failed-checkpoints', failures);
  }
  setExternalizedCheckpointRetention(retention: ExternalizedCheckpointRetention): this {
    return this.set('execution.checkpointing.externalized-checkpoint-retention', retention);
  }
  /** A directory path: checkpoints go to `<dir>/<jobId>/chk-<n>`. */
  setCheckpointStorage(directory: string): this {
    if (typeof directory !== 'string' || directory.length === 0) throw new TypeError('The checkpoint storage needs a directory path.');
    return this.set('execution.checkpointing.dir', directory);
  }

  private set(key: string, value: string | number, unit = ''): this {
    this.entries.set(key, `${value}${unit}`);
    return this;
  }
}

function positive(value: number, what: string): number {
  if (!Number.isInteger(value) || value <= 0) throw new TypeError(`The ${what} must be a positive integer, got ${value}.`);
  return value;
}

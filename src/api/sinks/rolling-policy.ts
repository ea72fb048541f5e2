/** What a rolling policy sees of an in-progress part file. Times are processing time in ms. */
export interface PartFileInfo {
  readonly bucketId: string;
  readonly creationTime: number;
  readonly lastUpdateTime: number;
  /** Bytes written to the part so far. */
  readonly size: number;
}

/**
 * Decides when a file sink closes its in-progress part file and starts a new one. Asked before
 * each record is written and periodically by a timer. At checkpoints flink-ts rolls every part
 * whatever `shouldRollOnCheckpoint` says: it cannot resume an open part after a failure (Flink
 * truncates it to the checkpointed length), so a checkpoint must never refer to an open part.
 * The method is kept so policies written for Flink still compile.
 */
export interface RollingPolicy<T> {
  shouldRollOnCheckpoint(part: PartFileInfo): boolean;
  shouldRollOnEvent(part: PartFileInfo, element: T): boolean;
  shouldRollOnProcessingTime(part: PartFileInfo, currentTime: number): boolean;
}

const MIB = 1024 * 1024;

/**
 * Rolls when a part reaches `maxPartSize` bytes, has been open for `rolloverInterval` ms, or has
 * had no writes for `inactivityInterval` ms (defaults 128 MiB, 60 s, 60 s).
 */
export class DefaultRollingPolicy implements RollingPolicy<unknown> {
  /** Use `DefaultRollingPolicy.builder()`. */
  constructor(
    readonly maxPartSize: number,
    readonly rolloverInterval: number,
    readonly inactivityInterval: number,
  ) {}

  static builder(): DefaultRollingPolicyBuilder {
    return new DefaultRollingPolicyBuilder();
  }

  shouldRollOnCheckpoint(part: PartFileInfo): boolean {
    return part.size >= this.maxPartSize;
  }

  shouldRollOnEvent(part: PartFileInfo, _element: unknown): boolean {
    return part.size >= this.maxPartSize;
  }

  shouldRollOnProcessingTime(part: PartFileInfo, currentTime: number): boolean {
    return (
      currentTime - part.creationTime >= this.rolloverInterval ||
      currentTime - part.lastUpdateTime >= this.inactivityInterval
    );
  }
}

export class DefaultRollingPolicyBuilder {
  private maxPartSize = 128 * MIB;
  private rolloverInterval = 60_000;
  private inactivityInterval = 60_000;

  /** Part size in bytes at which a part is rolled. */
  withMaxPartSize(bytes: number): this {
    this.maxPartSize = positive('withMaxPartSize', bytes);
    return this;
  }

  /** Longest time in ms a part stays open. */
  withRolloverInterval(ms: number): this {
    this.rolloverInterval = positive('withRolloverInterval', ms);
    return this;
  }

  /** Time in ms without writes after which a part is rolled. */
  withInactivityInterval(ms: number): this {
    this.inactivityInterval = positive('withInactivityInterval', ms);
    return this;
  }

  build(): DefaultRollingPolicy {
    return new DefaultRollingPolicy(this.maxPartSize, this.rolloverInterval, this.inactivityInterval);
  }
}

function positive(method: string, value: number): number {
  if (!(value > 0)) throw new TypeError(`DefaultRollingPolicy.${method} needs a positive number, got ${value}`);
  return value;
}

/**
 * Rolls only at checkpoints (required for bulk formats in Flink): never by size or time, so
 * without checkpointing each part stays open until end of input.
 */
export class OnCheckpointRollingPolicy implements RollingPolicy<unknown> {
  private constructor() {}

  static build(): OnCheckpointRollingPolicy {
    return new OnCheckpointRollingPolicy();
  }

  shouldRollOnCheckpoint(_part: PartFileInfo): boolean {
    return true;
  }

  shouldRollOnEvent(_part: PartFileInfo, _element: unknown): boolean {
    return false;
  }

  shouldRollOnProcessingTime(_part: PartFileInfo, _currentTime: number): boolean {
    return false;
  }
}

import type { Partitioner } from '../functions/function-types.js';
import { assignKeyToParallelOperator } from '../../core/key-group-range-assignment.js';
import { StreamPartitioner } from './stream-partitioner.js';

export class ForwardPartitioner<T> extends StreamPartitioner<T> {
  readonly shipStrategy = 'FORWARD' as const;
  override isPointwise(): boolean {
    return true;
  }
  selectChannel(): number {
    return 0;
  }
  copy(): ForwardPartitioner<T> {
    return new ForwardPartitioner();
  }
}

/** Round-robin over all channels, starting at a random channel per producer as Flink does. */
export class RebalancePartitioner<T> extends StreamPartitioner<T> {
  readonly shipStrategy = 'REBALANCE' as const;
  private next = -1;
  override setup(numberOfChannels: number): void {
    super.setup(numberOfChannels);
    this.next = Math.floor(Math.random() * numberOfChannels);
  }
  selectChannel(): number {
    this.next = (this.next + 1) % this.numberOfChannels;
    return this.next;
  }
  copy(): RebalancePartitioner<T> {
    return new RebalancePartitioner();
  }
}

/** Round-robin over the channels of this producer's pointwise range only. */
export class RescalePartitioner<T> extends StreamPartitioner<T> {
  readonly shipStrategy = 'RESCALE' as const;
  private next = -1;
  override isPointwise(): boolean {
    return true;
  }
  selectChannel(): number {
    this.next = (this.next + 1) % this.numberOfChannels;
    return this.next;
  }
  copy(): RescalePartitioner<T> {
    return new RescalePartitioner();
  }
}

export class ShufflePartitioner<T> extends StreamPartitioner<T> {
  readonly shipStrategy = 'SHUFFLE' as const;
  selectChannel(): number {
    return Math.floor(Math.random() * this.numberOfChannels);
  }
  copy(): ShufflePartitioner<T> {
    return new ShufflePartitioner();
  }
}

export class GlobalPartitioner<T> extends StreamPartitioner<T> {
  readonly shipStrategy = 'GLOBAL' as const;
  selectChannel(): number {
    return 0;
  }
  copy(): GlobalPartitioner<T> {
    return new GlobalPartitioner();
  }
}

/** Every record goes to every channel; the writer special-cases it instead of calling selectChannel. */
export class BroadcastPartitioner<T> extends StreamPartitioner<T> {
  readonly shipStrategy = 'BROADCAST' as const;
  override isBroadcast(): boolean {
    return true;
  }
  selectChannel(): number {
    throw new Error('Broadcast partitioner does not select a single channel.');
  }
  copy(): BroadcastPartitioner<T> {
    return new BroadcastPartitioner();
  }
}

/** keyBy: key → key group (murmur of the Java-compatible hash) → operator index, Flink's formulas. */
export class KeyGroupStreamPartitioner<T, K> extends StreamPartitioner<T> {
  readonly shipStrategy = 'HASH' as const;
  private maxParallelism = 128;

  constructor(readonly keySelector: (value: T) => K) {
    super();
  }
  override configure(maxParallelism: number): void {
    this.maxParallelism = maxParallelism;
  }
  selectChannel(value: T): number {
    if (this.numberOfChannels === 1) return 0;
    return assignKeyToParallelOperator(this.keySelector(value), this.maxParallelism, this.numberOfChannels);
  }
  copy(): KeyGroupStreamPartitioner<T, K> {
    const p = new KeyGroupStreamPartitioner(this.keySelector);
    p.maxParallelism = this.maxParallelism;
    return p;
  }
}

export class CustomPartitionerWrapper<T, K> extends StreamPartitioner<T> {
  readonly shipStrategy = 'CUSTOM' as const;
  private readonly partition: (key: K, n: number) => number;

  constructor(
    private readonly partitioner: Partitioner<K>,
    private readonly keySelector: (value: T) => K,
  ) {
    super();
    this.partition = typeof partitioner === 'function' ? partitioner : (k, n) => partitioner.partition(k, n);
  }
  selectChannel(value: T): number {
    const channel = this.partition(this.keySelector(value), this.numberOfChannels);
    if (!Number.isInteger(channel) || channel < 0 || channel >= this.numberOfChannels) {
      throw new Error(
        `The custom partitioner returned ${channel} for ${this.numberOfChannels} partitions: it must return an integer in [0, ${this.numberOfChannels}).`,
      );
    }
    return channel;
  }
  copy(): CustomPartitionerWrapper<T, K> {
    return new CustomPartitionerWrapper(this.partitioner, this.keySelector);
  }
}

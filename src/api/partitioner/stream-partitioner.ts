/**
 * Chooses the output channel (downstream subtask) of each record. One instance serves one
 * producing subtask: `copy()` is called per writer, since some partitioners keep state.
 */
export type ShipStrategy = 'FORWARD' | 'REBALANCE' | 'RESCALE' | 'HASH' | 'BROADCAST' | 'SHUFFLE' | 'GLOBAL' | 'CUSTOM';

export abstract class StreamPartitioner<T = unknown> {
  protected numberOfChannels = 1;
  abstract readonly shipStrategy: ShipStrategy;

  setup(numberOfChannels: number): void {
    this.numberOfChannels = numberOfChannels;
  }

  /** Pointwise partitioners connect producer i only to the consumers of its pointwise range. */
  isPointwise(): boolean {
    return false;
  }

  isBroadcast(): boolean {
    return false;
  }

  /** Keyed partitioners need the downstream max parallelism; the others ignore it. */
  configure(_maxParallelism: number): void {
    // Nothing by default.
  }

  abstract selectChannel(value: T): number;
  abstract copy(): StreamPartitioner<T>;

  toString(): string {
    return this.shipStrategy;
  }
}

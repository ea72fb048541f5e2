import type { Buffer } from './buffer.js';
import type { ChannelAvailabilityListener, InputChannel } from './input-channel.js';
import type { ResultSubpartition, SubpartitionListener } from './result-subpartition.js';

/**
 * Reads a subpartition produced in the same worker: buffers are handed over as object batches,
 * without serialisation.
 */
export class LocalInputChannel implements InputChannel, SubpartitionListener {
  private subpartition: ResultSubpartition | undefined;

  constructor(
    readonly channelIndex: number,
    private readonly listener: ChannelAvailabilityListener,
    private readonly connect: (channel: LocalInputChannel) => void,
  ) {}

  request(): void {
    this.connect(this);
  }

  /** Called by the network environment once the producer's partition exists. */
  attach(subpartition: ResultSubpartition): void {
    this.subpartition = subpartition;
    subpartition.setListener(this);
  }

  poll(): Buffer | undefined {
    return this.subpartition?.poll();
  }

  notifyDataAvailable(): void {
    this.listener.notifyChannelNonEmpty(this);
  }

  release(): void {
    this.subpartition = undefined;
  }
}

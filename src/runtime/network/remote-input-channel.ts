import type { Buffer } from './buffer.js';
import type { ChannelAvailabilityListener, InputChannel } from './input-channel.js';
import { deserializeBuffer } from './buffer-serializer.js';

/** The floating buffers a gate shares among its remote channels (Flink's floating-buffers-per-gate). */
export class FloatingBufferPool {
  constructor(public available: number) {}
}

export interface RemoteChannelTransport {
  requestPartition(channel: RemoteInputChannel, initialCredit: number): void;
  announceCredit(channel: RemoteInputChannel, credit: number): void;
  cancel(channel: RemoteInputChannel): void;
}

/**
 * Reads a subpartition of another worker or process with credit-based flow control: the
 * producer sends a buffer only against a credit, which stands for a free buffer here. The
 * channel owns `exclusive` buffers and borrows floating ones from its gate when the producer
 * reports a backlog, so one slow channel cannot take all of a gate's memory.
 */
export class RemoteInputChannel implements InputChannel {
  private readonly received: Uint8Array[] = [];
  private floatingHeld = 0;
  private lastBacklog = 0;
  /** Serialised bytes received (the task's numBytesIn). */
  bytesReceived = 0;

  constructor(
    readonly channelIndex: number,
    readonly receiverId: string,
    readonly partitionId: string,
    readonly subpartitionIndex: number,
    private readonly exclusive: number,
    private readonly floating: FloatingBufferPool,
    private readonly listener: ChannelAvailabilityListener,
    private readonly transport: RemoteChannelTransport,
  ) {}

  request(): void {
    this.transport.requestPartition(this, this.exclusive);
  }

  /** A BufferResponse arrived: queue it and, if the producer has more, borrow floating buffers. */
  onBuffer(bytes: Uint8Array, backlog: number): void {
    this.received.push(bytes);
    this.lastBacklog = backlog;
    if (backlog > this.floatingHeld && this.floating.available > 0) {
      const extra = Math.min(backlog - this.floatingHeld, this.floating.available);
      this.floating.available -= extra;
      this.floatingHeld += extra;
      this.transport.announceCredit(this, extra);
    }
    if (this.received.length === 1) this.listener.notifyChannelNonEmpty(this);
  }

  onError(error: Error): void {
    this.listener.notifyChannelError(this, error);
  }

  poll(): Buffer | undefined {
    const bytes = this.received.shift();
    if (bytes === undefined) return undefined;
    this.bytesReceived += bytes.byteLength;
    // The buffer is free again: give a floating one back when the backlog shrank, else re-announce it.
    if (this.floatingHeld > 0 && this.lastBacklog < this.floatingHeld) {
      this.floatingHeld--;
      this.floating.available++;
    } else {
      this.transport.announceCredit(this, 1);
    }
    return deserializeBuffer(bytes);
  }

  release(): void {
    this.transport.cancel(this);
    this.floating.available += this.floatingHeld;
    this.floatingHeld = 0;
  }
}

import type { Buffer, DataBuffer, EventBuffer } from './buffer.js';

/** The reader of a subpartition: a local input channel, or the sender of a remote one. */
export interface SubpartitionListener {
  notifyDataAvailable(): void;
}

/**
 * One consumer's queue of buffers (Flink's PipelinedSubpartition). Records accumulate in the
 * current batch until it holds `batchLimit` records or a flush comes (buffer timeout, event, end).
 */
export class ResultSubpartition {
  private readonly queue: Buffer[] = [];
  private head = 0;
  private values: unknown[] = [];
  private timestamps: number[] | undefined;
  private listener: SubpartitionListener | undefined;
  /** Serialised bytes a remote reader sent of this subpartition (the task's numBytesOut). */
  bytesSent = 0;
  /**
   * Records per buffer. Small for local channels: the consumer then reads records while they are
   * still in the CPU cache (measured: 128 beats 1024 by ~20% on WordCount). The remote sender
   * raises it so a serialised buffer is about 32 KiB.
   */
  batchLimit = 128;

  constructor(
    readonly index: number,
    private readonly onQueued: () => void,
    private readonly onDequeued: () => void,
  ) {}

  add(value: unknown, timestamp: number, hasTimestamp: boolean): void {
    if (hasTimestamp && this.timestamps === undefined) {
      this.timestamps = new Array<number>(this.values.length).fill(Number.MIN_SAFE_INTEGER);
    }
    this.values.push(value);
    this.timestamps?.push(timestamp);
    if (this.values.length >= this.batchLimit) this.flush();
  }

  /** Makes the current batch consumable. */
  flush(): void {
    if (this.values.length === 0) return;
    const buffer: DataBuffer = { kind: 'data', values: this.values, timestamps: this.timestamps };
    this.values = [];
    this.timestamps = undefined;
    this.enqueue(buffer);
  }

  addEvent(event: EventBuffer): void {
    this.flush();
    this.enqueue(event);
  }

  poll(): Buffer | undefined {
    if (this.head >= this.queue.length) return undefined;
    const buffer = this.queue[this.head] as Buffer;
    this.queue[this.head++] = undefined as unknown as Buffer;
    if (this.head > 64 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    this.onDequeued();
    return buffer;
  }

  /** Buffers ready to be consumed: Flink's backlog, sent along with every remote buffer. */
  get backlog(): number {
    return this.queue.length - this.head;
  }

  setListener(listener: SubpartitionListener): void {
    this.listener = listener;
    if (this.backlog > 0) listener.notifyDataAvailable();
  }

  private enqueue(buffer: Buffer): void {
    this.queue.push(buffer);
    this.onQueued();
    this.listener?.notifyDataAvailable();
  }
}

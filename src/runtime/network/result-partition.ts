import type { EventBuffer } from './buffer.js';
import { ResultSubpartition } from './result-subpartition.js';

/**
 * A producer subtask's output for one intermediate data set: one subpartition per consumer it
 * feeds. Its buffer pool is bounded, as Flink's local buffer pool is: once it holds more
 * finished buffers than the pool allows (or one subpartition more than
 * `max-buffers-per-channel`), the partition is unavailable and the producing task waits. That
 * wait is backpressure, and it keeps memory bounded.
 */
export class ResultPartition {
  readonly subpartitions: ResultSubpartition[];
  private queued = 0;
  private waiters: (() => void)[] = [];
  private readonly poolSize: number;

  constructor(
    readonly partitionId: string,
    numberOfSubpartitions: number,
    buffersPerChannel: number,
    floatingBuffers: number,
    private readonly maxBuffersPerChannel: number,
  ) {
    this.poolSize = numberOfSubpartitions * buffersPerChannel + floatingBuffers;
    this.subpartitions = Array.from(
      { length: numberOfSubpartitions },
      (_, i) =>
        new ResultSubpartition(
          i,
          () => this.queued++,
          () => this.dequeued(),
        ),
    );
  }

  isAvailable(): boolean {
    if (this.queued >= this.poolSize) return false;
    for (const s of this.subpartitions) if (s.backlog >= this.maxBuffersPerChannel) return false;
    return true;
  }

  /** Resolves once a consumer took a buffer; the caller re-checks `isAvailable`. */
  whenAvailable(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  flushAll(): void {
    for (const s of this.subpartitions) s.flush();
  }

  broadcastEvent(event: EventBuffer): void {
    if (event.event.type === 'Watermark') this.lastWatermark = event.event.watermark;
    for (const s of this.subpartitions) s.addEvent(event);
  }

  /** The last watermark sent downstream (the task's `currentOutputWatermark`). */
  lastWatermark = Number.NEGATIVE_INFINITY;

  /** Releases waiters so a canceled producer stops waiting. */
  release(): void {
    this.wakeWaiters();
  }

  private dequeued(): void {
    this.queued--;
    if (this.waiters.length > 0) this.wakeWaiters();
  }

  private wakeWaiters(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

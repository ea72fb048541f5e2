import type { Buffer } from './buffer.js';
import type { ChannelAvailabilityListener, InputChannel } from './input-channel.js';

export type GateEvent =
  | { readonly kind: 'data'; readonly buffer: Buffer & { kind: 'data' } }
  | { readonly kind: 'watermark'; readonly watermark: number }
  | { readonly kind: 'end' };

/**
 * All channels of one logical input of a task (Flink's union of input gates plus its
 * StatusWatermarkValve): hands out buffers from whichever channel has data, round-robin, tracks
 * end of partition per channel, and forwards the minimum of the channels' watermarks whenever
 * it advances.
 */
export class InputGate implements ChannelAvailabilityListener {
  readonly channels: InputChannel[] = [];
  private readonly ready: InputChannel[] = [];
  private readonly queued = new Set<InputChannel>();
  private readonly finished = new Set<InputChannel>();
  private readonly watermarks: number[] = [];
  private combinedWatermark = Number.NEGATIVE_INFINITY;
  private error: Error | undefined;

  constructor(private readonly onAvailable: () => void) {}

  addChannel(channel: InputChannel): void {
    this.channels.push(channel);
    this.watermarks.push(Number.NEGATIVE_INFINITY);
  }

  requestPartitions(): void {
    for (const c of this.channels) c.request();
  }

  /** Bytes read by this gate's remote channels. */
  bytesReceived(): number {
    let total = 0;
    for (const c of this.channels) total += (c as { bytesReceived?: number }).bytesReceived ?? 0;
    return total;
  }

  isFinished(): boolean {
    return this.finished.size === this.channels.length;
  }

  hasData(): boolean {
    return this.ready.length > 0 || this.error !== undefined;
  }

  /** The next thing the task must handle, or undefined when nothing has arrived. */
  pollNext(): GateEvent | undefined {
    if (this.error !== undefined) throw this.error;
    while (this.ready.length > 0) {
      const channel = this.ready[0] as InputChannel;
      const buffer = channel.poll();
      if (buffer === undefined) {
        this.ready.shift();
        this.queued.delete(channel);
        continue;
      }
      // Round-robin: the channel goes to the back so one busy producer cannot starve the others.
      if (this.ready.length > 1) this.ready.push(this.ready.shift() as InputChannel);
      if (buffer.kind === 'data') return { kind: 'data', buffer };
      const event = buffer.event;
      if (event.type === 'Watermark') {
        const advanced = this.updateWatermark(channel.channelIndex, event.watermark);
        if (advanced !== undefined) return { kind: 'watermark', watermark: advanced };
        continue;
      }
      this.finished.add(channel);
      this.ready.splice(this.ready.indexOf(channel), 1);
      this.queued.delete(channel);
      channel.release();
      if (this.isFinished()) return { kind: 'end' };
    }
    return undefined;
  }

  notifyChannelNonEmpty(channel: InputChannel): void {
    if (this.queued.has(channel) || this.finished.has(channel)) return;
    this.queued.add(channel);
    this.ready.push(channel);
    this.onAvailable();
  }

  notifyChannelError(_channel: InputChannel, error: Error): void {
    this.error ??= error;
    this.onAvailable();
  }

  release(): void {
    for (const c of this.channels) if (!this.finished.has(c)) c.release();
  }

  private updateWatermark(channelIndex: number, watermark: number): number | undefined {
    if (watermark <= (this.watermarks[channelIndex] as number)) return undefined;
    this.watermarks[channelIndex] = watermark;
    const min = Math.min(...this.watermarks);
    if (min <= this.combinedWatermark) return undefined;
    this.combinedWatermark = min;
    return min;
  }
}

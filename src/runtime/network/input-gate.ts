import type { Buffer } from './buffer.js';
import type { ChannelAvailabilityListener, InputChannel } from './input-channel.js';
import type { CheckpointBarrier } from '../checkpoint/checkpoint-options.js';
import type { ValveOutput } from './status-watermark-valve.js';
import { StatusWatermarkValve } from './status-watermark-valve.js';

export type GateEvent =
  | { readonly kind: 'data'; readonly buffer: Buffer & { kind: 'data' } }
  | { readonly kind: 'watermark'; readonly watermark: number }
  /** Every channel went idle (true), or one came back (false). */
  | { readonly kind: 'watermarkStatus'; readonly idle: boolean }
  | { readonly kind: 'barrier'; readonly barrier: CheckpointBarrier; readonly channel: InputChannel }
  | { readonly kind: 'cancelMarker'; readonly checkpointId: number; readonly channel: InputChannel }
  /** Every channel of the gate delivered EndOfData (or ended): no more records will come. */
  | { readonly kind: 'endOfData' }
  /** One channel ended while others go on; a pending alignment may now be complete. */
  | { readonly kind: 'channelEnded'; readonly channel: InputChannel }
  | { readonly kind: 'end' };

/**
 * All channels of one logical input of a task (Flink's union of input gates plus its
 * StatusWatermarkValve): hands out buffers from whichever channel has data, round-robin, tracks
 * end of data and of partition per channel, and forwards the minimum of the channels' watermarks
 * whenever it advances, leaving idle channels out. For aligned checkpoints a channel can be blocked: it is not read until
 * `resumeConsumption`, so its records stay queued (and, for a remote channel, credit stops
 * flowing back to the producer).
 */
export class InputGate implements ChannelAvailabilityListener {
  readonly channels: InputChannel[] = [];
  private readonly ready: InputChannel[] = [];
  private readonly queued = new Set<InputChannel>();
  private readonly finished = new Set<InputChannel>();
  private readonly endOfData = new Set<InputChannel>();
  private readonly blocked = new Set<InputChannel>();
  private endOfDataReported = false;
  private readonly valve = new StatusWatermarkValve();
  /** Valve outputs not handed out yet: one status change can yield a watermark and a status. */
  private readonly pendingValveOutputs: ValveOutput[] = [];
  private error: Error | undefined;

  constructor(private readonly onAvailable: () => void) {}

  addChannel(channel: InputChannel): void {
    this.channels.push(channel);
    this.valve.addChannel();
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

  isChannelFinished(channel: InputChannel): boolean {
    return this.finished.has(channel);
  }

  /** Every channel delivered EndOfData or ended. */
  hasReportedEndOfData(): boolean {
    return this.endOfDataReported;
  }

  /** Channels that have not ended: the ones a barrier must still come through. */
  liveChannels(): InputChannel[] {
    return this.channels.filter((c) => !this.finished.has(c));
  }

  hasData(): boolean {
    return this.ready.length > 0 || this.error !== undefined || this.endPending || this.pendingValveOutputs.length > 0;
  }

  /** Stops reading `channel` until `resumeConsumption` (barrier alignment). */
  blockChannel(channel: InputChannel): void {
    this.blocked.add(channel);
  }

  resumeConsumption(): void {
    if (this.blocked.size === 0) return;
    for (const channel of this.blocked) {
      // It may hold data that arrived while blocked: put it back in the rotation; an empty one drops out at the next poll.
      if (!this.queued.has(channel) && !this.finished.has(channel)) {
        this.queued.add(channel);
        this.ready.push(channel);
      }
    }
    this.blocked.clear();
    if (this.ready.length > 0) this.onAvailable();
  }

  /** The next thing the task must handle, or undefined when nothing has arrived. */
  pollNext(): GateEvent | undefined {
    if (this.error !== undefined) throw this.error;
    const pending = this.pendingValveOutputs.shift();
    if (pending !== undefined) return pending;
    while (this.ready.length > 0) {
      const channel = this.ready[0] as InputChannel;
      const buffer = this.blocked.has(channel) ? undefined : channel.poll();
      if (buffer === undefined) {
        this.ready.shift();
        this.queued.delete(channel);
        continue;
      }
      // Round-robin: the channel goes to the back so one busy producer cannot starve the others.
      if (this.ready.length > 1) this.ready.push(this.ready.shift() as InputChannel);
      if (buffer.kind === 'data') return { kind: 'data', buffer };
      const event = buffer.event;
      switch (event.type) {
        case 'Watermark': {
          const outputs = this.valve.inputWatermark(channel.channelIndex, event.watermark);
          if (outputs.length === 0) continue;
          this.pendingValveOutputs.push(...outputs.slice(1));
          return outputs[0];
        }
        case 'WatermarkStatus': {
          const outputs = this.valve.inputWatermarkStatus(channel.channelIndex, event.idle);
          if (outputs.length === 0) continue;
          this.pendingValveOutputs.push(...outputs.slice(1));
          return outputs[0];
        }
        case 'CheckpointBarrier':
          return { kind: 'barrier', barrier: event.barrier, channel };
        case 'CancelCheckpointMarker':
          return { kind: 'cancelMarker', checkpointId: event.checkpointId, channel };
        case 'EndOfData': {
          this.endOfData.add(channel);
          const ended = this.checkEndOfData();
          if (ended !== undefined) return ended;
          continue;
        }
        case 'EndOfPartition': {
          this.finished.add(channel);
          this.endOfData.add(channel);
          this.blocked.delete(channel);
          const index = this.ready.indexOf(channel);
          if (index >= 0) this.ready.splice(index, 1);
          this.queued.delete(channel);
          channel.release();
          const ended = this.checkEndOfData();
          if (ended !== undefined) {
            // Report end of data first; the gate's end comes with the next poll.
            if (this.isFinished()) this.queueEnd();
            return ended;
          }
          return this.isFinished() ? { kind: 'end' } : { kind: 'channelEnded', channel };
        }
      }
    }
    if (this.endPending) {
      this.endPending = false;
      return { kind: 'end' };
    }
    return undefined;
  }

  private endPending = false;

  private queueEnd(): void {
    this.endPending = true;
  }

  private checkEndOfData(): GateEvent | undefined {
    if (this.endOfDataReported || this.endOfData.size < this.channels.length) return undefined;
    this.endOfDataReported = true;
    return { kind: 'endOfData' };
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
}

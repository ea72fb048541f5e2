import type { Buffer, DataBuffer, EventBuffer } from '../../../src/runtime/network/buffer.js';
import type { InputChannel } from '../../../src/runtime/network/input-channel.js';
import type { GateEvent } from '../../../src/runtime/network/input-gate.js';
import type { CheckpointBarrier, CheckpointType } from '../../../src/runtime/checkpoint/checkpoint-options.js';
import type { BarrierHandlerActions } from '../../../src/runtime/worker/checkpoint-barrier-handler.js';
import { END_OF_DATA, END_OF_PARTITION } from '../../../src/runtime/network/buffer.js';
import { InputGate } from '../../../src/runtime/network/input-gate.js';

/** An input channel that hands out the buffers queued into it and, like real channels, tells its gate when it turns non-empty. */
export class QueueChannel implements InputChannel {
  readonly queue: Buffer[] = [];
  released = false;
  requested = false;

  constructor(
    readonly channelIndex: number,
    private readonly gate: InputGate,
  ) {}

  push(...buffers: Buffer[]): this {
    const wasEmpty = this.queue.length === 0;
    this.queue.push(...buffers);
    if (wasEmpty && buffers.length > 0) this.gate.notifyChannelNonEmpty(this);
    return this;
  }

  poll(): Buffer | undefined {
    return this.queue.shift();
  }
  request(): void {
    this.requested = true;
  }
  release(): void {
    this.released = true;
  }
}

export interface TestGate {
  readonly gate: InputGate;
  readonly channels: QueueChannel[];
  /** How often the gate signalled that it has something to read. */
  readonly wakeUps: { count: number };
}

export function gateWith(numChannels: number): TestGate {
  const wakeUps = { count: 0 };
  const gate = new InputGate(() => wakeUps.count++);
  const channels: QueueChannel[] = [];
  for (let i = 0; i < numChannels; i++) {
    const channel = new QueueChannel(i, gate);
    gate.addChannel(channel);
    channels.push(channel);
  }
  return { gate, channels, wakeUps };
}

export function one(channels: readonly QueueChannel[]): QueueChannel {
  const [c] = channels;
  if (c === undefined) throw new Error('no channel');
  return c;
}

export function two(channels: readonly QueueChannel[]): [QueueChannel, QueueChannel] {
  const [a, b] = channels;
  if (a === undefined || b === undefined) throw new Error('fewer than two channels');
  return [a, b];
}

export function data(...values: unknown[]): DataBuffer {
  return { kind: 'data', values, timestamps: undefined };
}

export function barrierOf(checkpointId: number, type: CheckpointType = 'CHECKPOINT'): CheckpointBarrier {
  return { checkpointId, timestamp: 1000 + checkpointId, options: { type, targetLocation: undefined, inlineThreshold: 0 } };
}

export function barrier(checkpointId: number, type: CheckpointType = 'CHECKPOINT'): EventBuffer {
  return { kind: 'event', event: { type: 'CheckpointBarrier', barrier: barrierOf(checkpointId, type) } };
}

export function cancelMarker(checkpointId: number): EventBuffer {
  return { kind: 'event', event: { type: 'CancelCheckpointMarker', checkpointId } };
}

export function watermark(value: number): EventBuffer {
  return { kind: 'event', event: { type: 'Watermark', watermark: value } };
}

export { END_OF_DATA, END_OF_PARTITION };

/** Every event the gate hands out until it has nothing more. */
export function drain(gate: InputGate): GateEvent[] {
  const events: GateEvent[] = [];
  for (let e = gate.pollNext(); e !== undefined; e = gate.pollNext()) events.push(e);
  return events;
}

/** A short, comparable description of an event. */
export function describeEvent(event: GateEvent): string {
  switch (event.kind) {
    case 'data':
      return `data:${event.buffer.values.join(',')}`;
    case 'watermark':
      return `wm:${event.watermark}`;
    case 'watermarkStatus':
      return event.idle ? 'IDLE' : 'ACTIVE';
    case 'barrier':
      return `barrier:${event.barrier.checkpointId}@${event.channel.channelIndex}`;
    case 'cancelMarker':
      return `cancel:${event.checkpointId}@${event.channel.channelIndex}`;
    case 'endOfData':
      return 'endOfData';
    case 'channelEnded':
      return `channelEnded@${event.channel.channelIndex}`;
    case 'end':
      return 'end';
  }
}

/** Records what the barrier handler asks of its task. */
export class RecordingActions implements BarrierHandlerActions {
  readonly log: string[] = [];
  readonly triggered: CheckpointBarrier[] = [];
  readonly aborted: { checkpointId: number; reason: string }[] = [];
  /** Runs inside triggerCheckpoint, i.e. while the snapshot is being taken. */
  duringSnapshot: (() => void) | undefined;

  triggerCheckpoint(barrier: CheckpointBarrier): Promise<void> {
    this.triggered.push(barrier);
    this.log.push(`snapshot:${barrier.checkpointId}`);
    this.duringSnapshot?.();
    return Promise.resolve();
  }

  abortCheckpoint(checkpointId: number, reason: string): void {
    this.aborted.push({ checkpointId, reason });
    this.log.push(`abort:${checkpointId}`);
  }
}

import type { CheckpointBarrier } from '../checkpoint/checkpoint-options.js';
import type { InputChannel } from '../network/input-channel.js';
import type { InputGate } from '../network/input-gate.js';

export interface BarrierHandlerActions {
  /** Every live channel delivered the barrier: snapshot now (the snapshot forwards the barrier). */
  triggerCheckpoint(barrier: CheckpointBarrier): Promise<void>;
  /** The checkpoint cannot complete here: decline it and tell downstream tasks to stop aligning. */
  abortCheckpoint(checkpointId: number, reason: string): void;
}

/**
 * Turns the barriers arriving on a task's input channels into one snapshot per checkpoint
 * (Flink's CheckpointBarrierHandler). Aligned (exactly-once, and every savepoint): a channel that
 * delivered barrier n is blocked until n arrived on all live channels, so no record after the
 * barrier is processed before the snapshot. Unaligned tracking (at-least-once): channels keep
 * flowing and the snapshot is taken when the last barrier arrives, so records after the barrier
 * on fast channels may be replayed after a restore. Channels that ended count as arrived.
 */
export class CheckpointBarrierHandler {
  private pending: CheckpointBarrier | undefined;
  private readonly arrived = new Set<InputChannel>();
  /** The newest checkpoint id triggered or aborted here; older barriers are late and ignored. */
  private latestHandled = 0;

  constructor(
    private readonly gates: readonly InputGate[],
    private readonly exactlyOnce: boolean,
    private readonly actions: BarrierHandlerActions,
  ) {}

  get pendingCheckpointId(): number | undefined {
    return this.pending?.checkpointId;
  }

  async processBarrier(barrier: CheckpointBarrier, gate: InputGate, channel: InputChannel): Promise<void> {
    const id = barrier.checkpointId;
    // A barrier older than the one being aligned for is late (its checkpoint is given up here): it
    // must not count as this channel's barrier of the newer checkpoint.
    if (id <= this.latestHandled || (this.pending !== undefined && id < this.pending.checkpointId)) return;
    if (this.pending !== undefined && id > this.pending.checkpointId) {
      this.abortPending(`Checkpoint ${this.pending.checkpointId} was subsumed by checkpoint ${id} during alignment.`);
    }
    if (this.pending === undefined) {
      this.pending = barrier;
      this.arrived.clear();
    }
    this.arrived.add(channel);
    if (this.exactlyOnce || barrier.options.type !== 'CHECKPOINT') gate.blockChannel(channel);
    await this.completeIfAligned();
  }

  processCancelMarker(checkpointId: number): void {
    if (checkpointId <= this.latestHandled) return;
    if (this.pending !== undefined && this.pending.checkpointId <= checkpointId) {
      this.abortPending(`Checkpoint ${checkpointId} was canceled upstream.`);
    } else if (this.pending === undefined) {
      // The marker came before any barrier of that checkpoint: abort it before it starts here.
      this.latestHandled = checkpointId;
      this.actions.abortCheckpoint(checkpointId, `Checkpoint ${checkpointId} was canceled upstream.`);
    }
    this.latestHandled = Math.max(this.latestHandled, checkpointId);
  }

  /** A channel ended: it will deliver no barrier, so alignment may be complete now. */
  async processChannelEnded(): Promise<void> {
    await this.completeIfAligned();
  }

  private async completeIfAligned(): Promise<void> {
    const barrier = this.pending;
    if (barrier === undefined) return;
    for (const gate of this.gates) for (const c of gate.liveChannels()) if (!this.arrived.has(c)) return;
    this.pending = undefined;
    this.arrived.clear();
    this.latestHandled = barrier.checkpointId;
    try {
      await this.actions.triggerCheckpoint(barrier);
    } finally {
      this.resumeAll();
    }
  }

  private abortPending(reason: string): void {
    const id = (this.pending as CheckpointBarrier).checkpointId;
    this.pending = undefined;
    this.arrived.clear();
    this.latestHandled = Math.max(this.latestHandled, id);
    this.resumeAll();
    this.actions.abortCheckpoint(id, reason);
  }

  private resumeAll(): void {
    for (const gate of this.gates) gate.resumeConsumption();
  }
}

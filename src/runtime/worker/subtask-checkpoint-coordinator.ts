import type { CheckpointBarrier } from '../checkpoint/checkpoint-options.js';
import type { OperatorStateMeta, OperatorSubtaskState } from '../checkpoint/checkpoint-metadata.js';
import type { ResultPartition } from '../network/result-partition.js';
import type { OperatorChain } from './operator-chain.js';
import type { CheckpointResponder } from './stream-task.js';
import { serializeError } from '../../core/errors.js';
import { writeStateHandle } from '../state/state-handle-io.js';
import { wrapOperatorError } from './operator-exception.js';

/** What the synchronous part of a snapshot took from one operator's backends. */
interface RawOperatorSnapshot {
  readonly operatorId: string;
  readonly keyed: { readonly bytes: Uint8Array; readonly range: readonly [number, number] } | undefined;
  readonly operator: { readonly bytes: Uint8Array; readonly states: readonly OperatorStateMeta[] };
}

/**
 * A task's part of a checkpoint (Flink's SubtaskCheckpointCoordinator). The synchronous part
 * runs in the task's loop, between records: operators emit what belongs before the barrier, the
 * barrier goes out on every output, operators put their state into the backends, and the backends
 * are copied. The asynchronous part writes the copies to checkpoint storage and acknowledges the
 * checkpoint to the JobMaster, while the task goes on with records.
 */
export class SubtaskCheckpointCoordinator {
  constructor(
    private readonly chain: OperatorChain,
    private readonly partitions: readonly ResultPartition[],
    private readonly subtaskIndex: number,
    private readonly responder: CheckpointResponder,
  ) {}

  async checkpointState(barrier: CheckpointBarrier, operatorsFinished: boolean): Promise<void> {
    const { checkpointId, timestamp } = barrier;
    const chain = this.chain;
    let raw: RawOperatorSnapshot[];
    try {
      for (let i = chain.operators.length - 1; i >= 0; i--) {
        await this.call(i, () => chain.operators[i]?.prepareSnapshotPreBarrier?.(checkpointId));
      }
      for (const p of this.partitions) p.broadcastEvent({ kind: 'event', event: { type: 'CheckpointBarrier', barrier } });
      for (let i = 0; i < chain.operators.length; i++) {
        await this.call(i, () => chain.operators[i]?.snapshotState?.(checkpointId, timestamp));
      }
      raw = chain.operators.map((_, i) => {
        const keyed = chain.keyedBackends[i];
        const range = keyed?.keyGroupRange;
        return {
          operatorId: chain.operatorIds[i] as string,
          keyed: keyed === undefined || range === undefined ? undefined : { bytes: keyed.snapshot(), range: [range.startKeyGroup, range.endKeyGroup] as const },
          operator: (chain.operatorBackends[i] as (typeof chain.operatorBackends)[number]).snapshot(),
        };
      });
    } catch (error) {
      this.decline(checkpointId, error);
      return;
    }
    void this.persist(barrier, raw, operatorsFinished).then(
      (states) => this.responder.acknowledge(checkpointId, states),
      (error: unknown) => this.decline(checkpointId, error),
    );
  }

  /** Declines a checkpoint the task cannot take part in, and stops downstream tasks aligning for it. */
  abort(checkpointId: number, reason: string): void {
    for (const p of this.partitions) p.broadcastEvent({ kind: 'event', event: { type: 'CancelCheckpointMarker', checkpointId } });
    this.decline(checkpointId, new Error(reason));
  }

  private decline(checkpointId: number, error: unknown): void {
    this.responder.decline(checkpointId, serializeError(error));
  }

  private async call(index: number, hook: () => void | Promise<void>): Promise<void> {
    try {
      await hook();
    } catch (e) {
      throw wrapOperatorError(e, this.chain.names[index] as string);
    }
  }

  private async persist(
    barrier: CheckpointBarrier,
    raw: readonly RawOperatorSnapshot[],
    finished: boolean,
  ): Promise<Record<string, OperatorSubtaskState>> {
    const { targetLocation, inlineThreshold } = barrier.options;
    const states: Record<string, OperatorSubtaskState> = {};
    for (const op of raw) {
      const prefix = `${op.operatorId}-${this.subtaskIndex}`;
      const keyed =
        op.keyed === undefined
          ? undefined
          : { handle: await writeStateHandle(op.keyed.bytes, targetLocation, `${prefix}-keyed`, inlineThreshold), keyGroupRange: op.keyed.range };
      const operator =
        op.operator.states.length === 0
          ? undefined
          : { handle: await writeStateHandle(op.operator.bytes, targetLocation, `${prefix}-op`, inlineThreshold), states: op.operator.states };
      states[op.operatorId] = {
        subtask: this.subtaskIndex,
        ...(keyed === undefined ? {} : { keyed }),
        ...(operator === undefined ? {} : { operator }),
        ...(finished ? { finished } : {}),
      };
    }
    return states;
  }
}

import type { ExecutionAttemptId } from '../../core/ids.js';
import type { TaskDeploymentDescriptor } from '../deployment/task-deployment-descriptor.js';
import type { NetworkMessage, RoutedMessage, WorkerAddress } from '../network/network-messages.js';
import type { TaskStateReport } from '../worker/stream-task.js';
import type { TaskMetricsSnapshot } from '../worker/task-metrics.js';
import type { CheckpointBarrier } from '../checkpoint/checkpoint-options.js';
import type { OperatorSubtaskState } from '../checkpoint/checkpoint-metadata.js';
import type { SerializedThrowable } from '../../core/errors.js';

/** Messages between a TaskExecutor and one of its slot workers. */
export type ToSlotWorker =
  | { readonly type: 'deploy'; readonly tdd: TaskDeploymentDescriptor }
  | { readonly type: 'cancel'; readonly attemptId: ExecutionAttemptId }
  | { readonly type: 'net'; readonly message: NetworkMessage }
  | { readonly type: 'triggerCheckpoint'; readonly attemptId: ExecutionAttemptId; readonly barrier: CheckpointBarrier }
  | { readonly type: 'notifyCheckpoint'; readonly attemptId: ExecutionAttemptId; readonly checkpointId: number; readonly completed: boolean };

/** A task's answer to a checkpoint, or its request for a final one. */
export type CheckpointMessage =
  | {
      readonly kind: 'ack';
      readonly checkpointId: number;
      readonly states: Readonly<Record<string, OperatorSubtaskState>>;
    }
  | { readonly kind: 'decline'; readonly checkpointId: number; readonly reason: SerializedThrowable }
  | { readonly kind: 'endOfData' };

export type FromSlotWorker =
  | ({ readonly type: 'taskState'; readonly attemptId: ExecutionAttemptId } & TaskStateReport)
  | { readonly type: 'net'; readonly routed: RoutedMessage }
  | { readonly type: 'coordinator'; readonly attemptId: ExecutionAttemptId; readonly operatorId: string; readonly payload: unknown }
  | { readonly type: 'stdout'; readonly text: string; readonly stderr: boolean }
  | { readonly type: 'metrics'; readonly snapshots: readonly TaskMetricsSnapshot[] }
  | { readonly type: 'checkpoint'; readonly attemptId: ExecutionAttemptId; readonly message: CheckpointMessage };

export interface SlotWorkerData {
  readonly address: WorkerAddress;
}

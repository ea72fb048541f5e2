import type { ExecutionAttemptId } from '../../core/ids.js';
import type { TaskDeploymentDescriptor } from '../deployment/task-deployment-descriptor.js';
import type { NetworkMessage, RoutedMessage, WorkerAddress } from '../network/network-messages.js';
import type { TaskStateReport } from '../worker/stream-task.js';
import type { TaskMetricsSnapshot } from '../worker/task-metrics.js';

/** Messages between a TaskExecutor and one of its slot workers. */
export type ToSlotWorker =
  | { readonly type: 'deploy'; readonly tdd: TaskDeploymentDescriptor }
  | { readonly type: 'cancel'; readonly attemptId: ExecutionAttemptId }
  | { readonly type: 'net'; readonly message: NetworkMessage };

export type FromSlotWorker =
  | ({ readonly type: 'taskState'; readonly attemptId: ExecutionAttemptId } & TaskStateReport)
  | { readonly type: 'net'; readonly routed: RoutedMessage }
  | { readonly type: 'coordinator'; readonly attemptId: ExecutionAttemptId; readonly operatorId: string; readonly payload: unknown }
  | { readonly type: 'stdout'; readonly text: string; readonly stderr: boolean }
  | { readonly type: 'metrics'; readonly snapshots: readonly TaskMetricsSnapshot[] };

export interface SlotWorkerData {
  readonly address: WorkerAddress;
}

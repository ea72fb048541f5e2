import type { ExecutionAttemptId, IntermediateDataSetId, JobId } from '../../core/ids.js';
import type { JobVertex, StreamNodeSummary } from '../jobgraph/job-graph.js';
import type { ProgramInfo } from '../jobgraph/program-info.js';
import type { WorkerAddress } from '../network/network-messages.js';
import type { TaskRestore } from '../checkpoint/checkpoint-metadata.js';

/** Network sizing, Flink's keys: buffers-per-channel, floating-buffers-per-gate, max-buffers-per-channel. */
export interface NetworkSettings {
  readonly buffersPerChannel: number;
  readonly floatingBuffersPerGate: number;
  readonly maxBuffersPerChannel: number;
}

export interface ProducedPartitionDescriptor {
  readonly dataSetId: IntermediateDataSetId;
  readonly partitionId: string;
  readonly numberOfSubpartitions: number;
  /** The consumer vertex's max parallelism, which keyed partitioners need for key groups. */
  readonly consumerMaxParallelism: number;
}

export interface InputChannelDescriptor {
  readonly partitionId: string;
  readonly subpartitionIndex: number;
  readonly producer: WorkerAddress;
}

export interface InputGateDescriptor {
  readonly dataSetId: IntermediateDataSetId;
  readonly typeNumber: number;
  readonly channels: readonly InputChannelDescriptor[];
}

/** How a task takes part in checkpoints; absent when the job does not checkpoint. */
export interface TaskCheckpointingSettings {
  readonly mode: 'EXACTLY_ONCE' | 'AT_LEAST_ONCE';
  /** Periodic checkpoints are configured: sinks commit on checkpoints (else only savepoints happen). */
  readonly periodic: boolean;
  /**
   * FLIP-147: once its input ended, a task waits for one more checkpoint to complete before it
   * finishes, so two-phase-commit sinks commit their last output.
   */
  readonly finalCheckpoint: boolean;
}

/** Everything a TaskManager needs to run one subtask attempt (Flink's TaskDeploymentDescriptor). */
export interface TaskDeploymentDescriptor {
  readonly jobId: JobId;
  readonly jobName: string;
  readonly jobType: 'STREAMING' | 'BATCH';
  readonly vertex: JobVertex;
  readonly subtaskIndex: number;
  readonly attemptNumber: number;
  readonly attemptId: ExecutionAttemptId;
  readonly program: ProgramInfo;
  readonly streamNodes: readonly StreamNodeSummary[];
  readonly producedPartitions: readonly ProducedPartitionDescriptor[];
  readonly inputGates: readonly InputGateDescriptor[];
  readonly location: WorkerAddress;
  readonly network: NetworkSettings;
  readonly checkpointing?: TaskCheckpointingSettings;
  /** The state this attempt starts from; absent on a fresh start. */
  readonly taskRestore?: TaskRestore;
}

/** `"<name> (i/p)#attempt"`, Flink's task name with subtasks. */
export function taskNameWithSubtasks(tdd: TaskDeploymentDescriptor): string {
  return `${tdd.vertex.name} (${tdd.subtaskIndex + 1}/${tdd.vertex.parallelism})#${tdd.attemptNumber}`;
}

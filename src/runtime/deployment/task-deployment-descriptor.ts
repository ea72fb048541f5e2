import type { ExecutionAttemptId, IntermediateDataSetId, JobId } from '../../core/ids.js';
import type { JobVertex, StreamNodeSummary } from '../jobgraph/job-graph.js';
import type { ProgramInfo } from '../jobgraph/program-info.js';
import type { WorkerAddress } from '../network/network-messages.js';

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
}

/** `"<name> (i/p)#attempt"`, Flink's task name with subtasks. */
export function taskNameWithSubtasks(tdd: TaskDeploymentDescriptor): string {
  return `${tdd.vertex.name} (${tdd.subtaskIndex + 1}/${tdd.vertex.parallelism})#${tdd.attemptNumber}`;
}

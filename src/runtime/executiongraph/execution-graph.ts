import type { AllocationId, ExecutionAttemptId } from '../../core/ids.js';
import type { SerializedThrowable } from '../../core/errors.js';
import type { JobStatus } from '../../api/environment/job-client.js';
import type { JobGraph, JobVertex } from '../jobgraph/job-graph.js';
import type { WorkerAddress } from '../network/network-messages.js';
import type { ExecutionState } from './execution-state.js';
import { newExecutionAttemptId } from '../../core/ids.js';

/** One attempt of a subtask (Flink's Execution). */
export interface Execution {
  readonly attemptId: ExecutionAttemptId;
  readonly attemptNumber: number;
  state: ExecutionState;
  readonly stateTimestamps: Partial<Record<ExecutionState, number>>;
  location?: WorkerAddress;
  allocationId?: AllocationId;
  failure?: SerializedThrowable;
}

export class ExecutionVertex {
  currentExecution: Execution;
  constructor(
    readonly jobVertex: ExecutionJobVertex,
    readonly subtaskIndex: number,
  ) {
    this.currentExecution = newExecution(0);
  }
  /** Replaces the ended current attempt with a new one (attempt number + 1), as a restart does. */
  resetForNewExecution(): Execution {
    this.currentExecution = newExecution(this.currentExecution.attemptNumber + 1);
    return this.currentExecution;
  }
  /** `"<vertex> (i/p)#attempt"`. */
  get taskNameWithSubtask(): string {
    const v = this.jobVertex.jobVertex;
    return `${v.name} (${this.subtaskIndex + 1}/${v.parallelism})#${this.currentExecution.attemptNumber}`;
  }
}

export class ExecutionJobVertex {
  readonly subtasks: ExecutionVertex[];
  constructor(readonly jobVertex: JobVertex) {
    this.subtasks = Array.from({ length: jobVertex.parallelism }, (_, i) => new ExecutionVertex(this, i));
  }
}

/** The parallel, per-attempt view of a JobGraph the JobMaster schedules and tracks. */
export class ExecutionGraph {
  readonly vertices: ExecutionJobVertex[];
  readonly byAttempt = new Map<ExecutionAttemptId, ExecutionVertex>();
  status: JobStatus = 'INITIALIZING';
  readonly statusTimestamps: Partial<Record<JobStatus, number>> = { INITIALIZING: Date.now() };
  failureCause: SerializedThrowable | undefined;

  constructor(readonly jobGraph: JobGraph) {
    this.vertices = jobGraph.vertices.map((v) => new ExecutionJobVertex(v));
    for (const ev of this.allExecutionVertices()) this.byAttempt.set(ev.currentExecution.attemptId, ev);
  }

  /** Starts a new attempt of `ev` and routes the new attempt's reports to it. */
  resetForNewExecution(ev: ExecutionVertex): Execution {
    const execution = ev.resetForNewExecution();
    this.byAttempt.set(execution.attemptId, ev);
    return execution;
  }

  *allExecutionVertices(): Generator<ExecutionVertex> {
    for (const v of this.vertices) yield* v.subtasks;
  }

  vertex(id: string): ExecutionJobVertex | undefined {
    return this.vertices.find((v) => v.jobVertex.id === id);
  }
}

function newExecution(attemptNumber: number): Execution {
  return { attemptId: newExecutionAttemptId(), attemptNumber, state: 'CREATED', stateTimestamps: { CREATED: Date.now() } };
}

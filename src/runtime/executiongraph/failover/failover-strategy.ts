import type { ExecutionGraph, ExecutionVertex } from '../execution-graph.js';
import type { PipelinedRegion } from './pipelined-regions.js';
import { computePipelinedRegions } from './pipelined-regions.js';

/**
 * Which subtasks restart when one fails (Flink's FailoverStrategy), chosen by
 * `jobmanager.execution.failover-strategy`.
 */
export interface FailoverStrategy {
  /** The subtasks to cancel and restart after `failed` failed; always includes `failed`. */
  getTasksNeedingRestart(failed: ExecutionVertex): ReadonlySet<ExecutionVertex>;
}

export type FailoverStrategyName = 'full' | 'region';

/** `full`: every failure restarts the whole job. */
export class RestartAllFailoverStrategy implements FailoverStrategy {
  private readonly all: ReadonlySet<ExecutionVertex>;

  constructor(graph: ExecutionGraph) {
    this.all = new Set(graph.allExecutionVertices());
  }

  getTasksNeedingRestart(): ReadonlySet<ExecutionVertex> {
    return this.all;
  }
}

/**
 * `region` (the default): a failure restarts the pipelined region of the failed subtask only. A
 * streaming job has no blocking exchanges, so no other region needs to re-produce its input.
 */
export class RestartPipelinedRegionFailoverStrategy implements FailoverStrategy {
  private readonly regionOf = new Map<ExecutionVertex, PipelinedRegion>();

  constructor(graph: ExecutionGraph) {
    for (const region of computePipelinedRegions(graph)) for (const ev of region) this.regionOf.set(ev, region);
  }

  getTasksNeedingRestart(failed: ExecutionVertex): ReadonlySet<ExecutionVertex> {
    return this.regionOf.get(failed) ?? new Set([failed]);
  }
}

export function createFailoverStrategy(name: FailoverStrategyName, graph: ExecutionGraph): FailoverStrategy {
  return name === 'full' ? new RestartAllFailoverStrategy(graph) : new RestartPipelinedRegionFailoverStrategy(graph);
}

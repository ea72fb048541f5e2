import type { StreamGraph } from '../graph/stream-graph.js';
import type { JobClient } from './job-client.js';

/**
 * How `env.execute()` reaches whatever runs the module, without the API importing the runtime.
 * The client (CLI), `flink-ts info` and every slot worker install a context before importing the
 * job module; the same job file therefore runs unchanged on every target.
 *
 * - `client`: execute() submits the graph and, when attached, waits for the result.
 * - `plan`: execute() records the graph and aborts the program (`flink-ts info`).
 * - `task`: a slot worker re-runs the module to get its user functions back; the targeted
 *   execute() records the graph and never returns, the others return at once.
 */
export type ExecutionMode = 'client' | 'plan' | 'task';

/**
 * Configuration the environment starts from (`parallelism.default`, `execution.runtime-mode`, …).
 * Slot workers get the client's values back, so the module rebuilds the same graph there.
 */
export interface EnvironmentDefaults {
  readonly parallelism: number;
  readonly maxParallelism: number | undefined;
  readonly runtimeMode: 'STREAMING' | 'BATCH' | 'AUTOMATIC';
  /** Milliseconds; -1 when `execution.buffer-timeout.enabled` is false. */
  readonly bufferTimeout: number;
  readonly chainingEnabled: boolean;
  readonly chainOperatorsWithDifferentMaxParallelism: boolean;
  /** `pipeline.auto-watermark-interval` in ms; 200 when absent. */
  readonly autoWatermarkInterval?: number;
}

export interface ExecutionContext {
  readonly mode: ExecutionMode;
  /** The job's own arguments (what follows the job file on the command line). */
  readonly args: readonly string[];
  /** The environment's defaults, resolved from the configuration by whoever installs the context. */
  readonly defaults: EnvironmentDefaults;
  /** Whether execute() waits for the job to end (`-d` makes it false). */
  readonly attached: boolean;
  executePipeline(graph: StreamGraph): Promise<JobClient>;
}

const CONTEXT_KEY = Symbol.for('flink-ts.execution-context');

export function installExecutionContext(context: ExecutionContext | undefined): void {
  (globalThis as Record<symbol, unknown>)[CONTEXT_KEY] = context;
}

export function currentExecutionContext(): ExecutionContext | undefined {
  return (globalThis as Record<symbol, unknown>)[CONTEXT_KEY] as ExecutionContext | undefined;
}

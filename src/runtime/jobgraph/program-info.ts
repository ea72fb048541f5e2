import type { EnvironmentDefaults } from '../../api/environment/execution-context.js';

/**
 * How a TaskManager gets the job's user code back: it loads the artifact (the bundled job
 * module), installs a task-mode context with the same arguments and environment defaults the
 * client used, and picks the graph built by the `executeIndex`-th `execute()` call.
 */
export interface ProgramInfo {
  /** Absolute path of the bundled ES module (the BlobServer delivers it in clusters). */
  readonly artifactPath: string;
  /** sha256 of the artifact's bytes, hex. */
  readonly artifactHash: string;
  readonly args: readonly string[];
  readonly defaults: EnvironmentDefaults;
  readonly executeIndex: number;
}

import type { Configuration } from '../config/index.js';
import type { Logger } from '../core/logger.js';

/**
 * What a process entrypoint runs: the JobManager's components (Dispatcher, ResourceManager, REST,
 * BlobServer) or a TaskManager's (TaskExecutor and its data server). The entrypoint owns the
 * process: signals, exit codes (Flink's: 0 clean, 1 startup failure, 2 runtime failure), log and
 * pid files; the component owns the cluster logic.
 */
export interface ClusterComponent {
  /** Starts every service; a rejection is a startup failure (exit code 1), with the reason. */
  start(): Promise<void>;
  /**
   * Resolves when the component ends on its own: a clean shutdown request (DELETE /cluster,
   * code 0) or a fatal error at runtime (code 2).
   */
  readonly terminated: Promise<ComponentTermination>;
  /** Graceful shutdown (first SIGTERM/SIGINT): cancels work, releases ports, removes temp files. */
  shutdown(): Promise<void>;
}

export interface ComponentTermination {
  readonly code: 0 | 2;
  readonly reason: string;
}

export type ClusterComponentFactory = (configuration: Configuration, logger: Logger) => ClusterComponent;

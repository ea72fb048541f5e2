/**
 * The daemons flink-ts runs as processes, by the names Flink's scripts give them: pid and log
 * files are named after them (`flink-<user>-taskexecutor.pid`), so they match Flink's.
 */
export type DaemonName = 'standalonesession' | 'taskexecutor' | 'poolagent';

export interface DaemonSpec {
  /** Flink's class for the daemon; the entrypoint logs under this name, as Flink's does. */
  readonly entrypointClass: string;
  /** Basename of the process main in `src/entrypoints` / `dist/entrypoints`. */
  readonly mainModule: 'jobmanager' | 'taskmanager' | 'pool-agent';
  /** What the daemon is, for messages. */
  readonly title: string;
}

export const DAEMONS: Readonly<Record<DaemonName, DaemonSpec>> = {
  standalonesession: { entrypointClass: 'StandaloneSessionClusterEntrypoint', mainModule: 'jobmanager', title: 'JobManager' },
  taskexecutor: { entrypointClass: 'TaskManagerRunner', mainModule: 'taskmanager', title: 'TaskManager' },
  // The pool's NodeManager: flink-ts's own daemon, named in Flink's style.
  poolagent: { entrypointClass: 'NodeAgentRunner', mainModule: 'pool-agent', title: 'pool agent' },
};

/** Flink's exit codes for cluster processes. */
export const EXIT_CLEAN = 0;
export const EXIT_STARTUP_FAILURE = 1;
export const EXIT_RUNTIME_FAILURE = 2;

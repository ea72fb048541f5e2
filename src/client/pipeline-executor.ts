/**
 * Execution targets (`-t`, `execution.target`) and the executor each one uses, as Flink's
 * PipelineExecutorServiceLoader maps a target name to a PipelineExecutor.
 */
import type { JobClient } from '../api/environment/job-client.js';
import type { StreamGraph } from '../api/graph/stream-graph.js';
import type { Configuration } from '../config/index.js';
import type { LogSink } from '../core/logger.js';
import type { ClientOutput } from './cli-output.js';
import type { ProgramInfo } from '../runtime/jobgraph/program-info.js';
import { FlinkTsError } from '../core/errors.js';

/** Submits one pipeline (one `execute()` call) as a job. */
export interface PipelineExecutor {
  /**
   * Resolves once the job has been submitted, with a handle on it. The handle's
   * `getJobExecutionResult()` rejects with a JobExecutionException when the job fails or is canceled.
   */
  execute(graph: StreamGraph, program: ProgramInfo): Promise<JobClient>;
  /**
   * Releases what the executor deployed for its jobs (the clusters of `ssh-per-job`); the
   * client calls it once the program and its jobs are done, however they ended. Rejects when
   * something could not be released.
   */
  close?(): Promise<void>;
  /**
   * The user interrupted the run (Ctrl-C, `--timeout`): deployments still under way give up
   * (a per-job cluster may wait for room in the pool). Jobs are canceled by the client.
   */
  interrupt?(): void;
  /** The ids of the clusters the executor deployed so far (per-job targets), for `run --json`. */
  readonly clusterIds?: readonly string[];
}

/** What every executor is built from. */
export interface PipelineExecutorOptions {
  readonly configuration: Configuration;
  /** Where the cluster components log; their default sink when absent. */
  readonly logSink?: LogSink;
  /** Where FLINK_TS_CONF_DIR, HOME and SSH_AUTH_SOCK come from (targets that deploy clusters). @default process.env */
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** For progress of targets that deploy clusters. @default stderr */
  readonly output?: ClientOutput | undefined;
}

/**
 * The targets. `ssh-per-job` and `ssh-application` deploy a cluster on the hosts of conf/masters
 * and conf/workers for the run; `pool-per-job` and `pool-application` deploy one into the
 * resource pool. Sessions started with `flink-ts ssh-session` or `pool-session` are reached
 * through their context (or `-m`), as `remote`; `pool-session` with `-D pool.application.id`
 * reaches a pool session by its application id.
 */
export const AVAILABLE_TARGETS = ['local', 'remote', 'ssh-per-job', 'ssh-application', 'pool-session', 'pool-per-job', 'pool-application'] as const;
export type ExecutionTarget = (typeof AVAILABLE_TARGETS)[number];

const YARN_TARGETS: Readonly<Record<string, ExecutionTarget>> = { 'yarn-session': 'pool-session', 'yarn-per-job': 'pool-per-job', 'yarn-application': 'pool-application' };

function isAvailableTarget(name: string): name is ExecutionTarget {
  return (AVAILABLE_TARGETS as readonly string[]).includes(name);
}

/**
 * Checks a target name.
 * @throws FlinkTsError `ERR_INVALID_ARGUMENT` naming the available targets.
 */
export function checkExecutionTarget(name: string): ExecutionTarget {
  if (isAvailableTarget(name)) return name;
  // Flink's YARN targets are the pool's: a Flink user's `-t yarn-application` works as is.
  const pool = YARN_TARGETS[name];
  if (pool !== undefined) return pool;
  throw new FlinkTsError(
    'ERR_INVALID_ARGUMENT',
    `Unknown target '${name}'. Available targets: ${AVAILABLE_TARGETS.join(', ')} (and yarn-session, yarn-per-job, yarn-application for the pool ones).`,
  );
}

/**
 * Whether a client may return right after submission (`-d`). The local target's cluster lives in
 * the client process, so a detached job would die with it; a remote cluster outlives the client.
 */
export function supportsDetached(target: ExecutionTarget): boolean {
  switch (target) {
    case 'local':
      return false;
    // The client takes the cluster down when the job ends: it must stay to see that.
    case 'ssh-per-job':
      return false;
    case 'remote':
      return true;
    case 'pool-per-job':
      return false;
    // The cluster ends by itself with the application.
    case 'ssh-application':
    case 'pool-application':
    case 'pool-session':
      return true;
  }
}

/** The executor of a target. Loaded lazily: `info` and `--help` never load the runtime. */
export async function createPipelineExecutor(target: ExecutionTarget, options: PipelineExecutorOptions): Promise<PipelineExecutor> {
  switch (target) {
    case 'local': {
      const { LocalExecutor } = await import('./local-executor.js');
      return new LocalExecutor(options);
    }
    case 'remote': {
      const { RemoteExecutor } = await import('./remote-executor.js');
      return new RemoteExecutor(options);
    }
    case 'ssh-per-job': {
      const { SshPerJobExecutor } = await import('./ssh/ssh-per-job-executor.js');
      return new SshPerJobExecutor(options);
    }
    case 'pool-per-job': {
      const { PoolPerJobExecutor } = await import('./pool/pool-per-job-executor.js');
      return new PoolPerJobExecutor(options);
    }
    case 'pool-session': {
      // A session of the pool, found by its application id: then submitted to as remote.
      const { poolRestAddress } = await import('./pool/pool-address.js');
      const { restAddressOverride } = await import('./rest-address.js');
      const address = await poolRestAddress(options.configuration, target);
      const { RemoteExecutor } = await import('./remote-executor.js');
      return new RemoteExecutor({ ...options, configuration: options.configuration.withOverrides(restAddressOverride(address), '-t pool-session') });
    }
    case 'ssh-application':
    case 'pool-application':
      // The program runs in the JobManager, not through an executor of this client (run-action.ts).
      throw new FlinkTsError('ERR_ILLEGAL_STATE', `The ${target} target runs the program in the JobManager; it has no client-side executor.`);
  }
}

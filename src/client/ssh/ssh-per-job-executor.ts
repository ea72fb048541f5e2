/**
 * The `ssh-per-job` target: every `execute()` of the program gets a cluster of its own on the
 * hosts of conf/masters and conf/workers (Flink's per-job mode, with SSH hosts instead of YARN).
 * The per-job logic itself (submit, tear down when the job ended, close() on interrupt) is the
 * target-independent {@link PerJobExecutor}; this adapter only deploys an {@link SshCluster}.
 */
import type { PipelineExecutorOptions } from '../pipeline-executor.js';
import { PerJobExecutor } from '../deployment/per-job-executor.js';
import { deployPerJobCluster } from './ssh-cluster-descriptor.js';

export class SshPerJobExecutor extends PerJobExecutor {
  constructor(options: PipelineExecutorOptions) {
    const env = options.env ?? process.env;
    super(options, (log) => deployPerJobCluster(options.configuration, { env, log }));
  }
}

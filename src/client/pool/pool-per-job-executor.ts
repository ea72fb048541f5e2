/**
 * The `pool-per-job` target: every `execute()` of the program gets a pool application of its own
 * (a JobManager container, TaskManager containers on demand), released when the job has ended
 * (Flink's per-job mode on YARN). The per-job logic is the target-independent
 * {@link PerJobExecutor}; this adapter deploys the application. The client holds a lease on it
 * while it runs: a client killed with -9 lets the lease expire, and the pool releases everything.
 */
import type { PipelineExecutorOptions } from '../pipeline-executor.js';
import { PerJobExecutor } from '../deployment/per-job-executor.js';
import { PoolCluster } from './pool-cluster.js';
import { poolDeployedCluster } from './pool-deployed-cluster.js';

export class PoolPerJobExecutor extends PerJobExecutor {
  constructor(options: PipelineExecutorOptions) {
    super(options, async (log, interrupted) =>
      poolDeployedCluster(await PoolCluster.deploy(options.configuration, { type: 'per-job', defaultName: 'Flink per-job cluster', log, interrupted }), 'per-job cluster'),
    );
  }
}

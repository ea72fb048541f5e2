/**
 * `flink-ts run -t pool-application job.ts`: Flink's application mode in the pool. The client
 * bundles the job and stores the artifact in the pool by its hash; the JobManager container runs
 * the job's main (each `execute()` a job), and TaskManager containers come on demand. With
 * `execution.shutdown-on-application-finish` the JobManager deregisters the application with how
 * its jobs ended and the pool releases everything. Following, Ctrl-C, the timeout and the exit
 * code are the target-independent {@link runApplicationCluster}.
 */
import type { ApplicationRunResult, ApplicationTargetOptions } from '../deployment/application-follower.js';
import { SHUTDOWN_ON_APPLICATION_FINISH } from '../../config/index.js';
import { checkAttachedApplication, runApplicationCluster } from '../deployment/application-follower.js';
import { PoolCluster } from './pool-cluster.js';
import { poolDeployedCluster } from './pool-deployed-cluster.js';

export type PoolApplicationOptions = ApplicationTargetOptions;

export async function runPoolApplication(options: PoolApplicationOptions): Promise<ApplicationRunResult> {
  const { configuration } = options;
  checkAttachedApplication(options, 'end it with flink-ts pool kill <application id>');
  return runApplicationCluster({
    jobFile: options.jobFile,
    attached: options.attached,
    output: options.output,
    signals: options.signals,
    timeout: options.timeout,
    deploy: async (log, interrupted) =>
      poolDeployedCluster(
        await PoolCluster.deploy(configuration, {
          type: 'application',
          defaultName: options.jobFile,
          application: { artifactPath: options.artifact.artifactPath, args: options.args },
          log,
          interrupted,
        }),
        'application',
      ),
    detachedLines: (cluster) => [
      `Application '${cluster.clusterId}' runs detached in the pool. JobManager Web Interface: ${cluster.restAddress}`,
      `Its jobs: flink-ts list -t pool-application -D pool.application.id=${cluster.clusterId} -a`,
      configuration.get(SHUTDOWN_ON_APPLICATION_FINISH)
        ? 'It ends with its jobs. To end it earlier:'
        : 'It stays up after its jobs (execution.shutdown-on-application-finish: false). End it with:',
      `  flink-ts pool kill ${cluster.clusterId}`,
    ],
  });
}

/**
 * `flink-ts run -t ssh-application job.ts`: Flink's application mode on SSH hosts. The client
 * bundles the job, copies the artifact to the master and starts a JobManager there that runs the
 * job's main itself (the program's code does not run in the client). TaskManagers start on the
 * worker hosts on demand. Following the application, Ctrl-C, the timeout and the exit code are
 * the target-independent {@link runApplicationCluster}; this adapter deploys an SshCluster and
 * says how a detached one is removed.
 */
import type { ApplicationRunResult, ApplicationTargetOptions } from '../deployment/application-follower.js';
import { SHUTDOWN_ON_APPLICATION_FINISH } from '../../config/index.js';
import { checkAttachedApplication, runApplicationCluster } from '../deployment/application-follower.js';
import { deployApplicationCluster } from './ssh-cluster-descriptor.js';

export interface SshApplicationOptions extends ApplicationTargetOptions {
  readonly env: NodeJS.ProcessEnv;
}

/** Runs the application; resolves with the exit code and the jobs' summaries. */
export async function runSshApplication(options: SshApplicationOptions): Promise<ApplicationRunResult> {
  const { configuration } = options;
  checkAttachedApplication(options, 'stop it with flink-ts stop-cluster -D high-availability.cluster-id=<id>');
  return runApplicationCluster({
    jobFile: options.jobFile,
    attached: options.attached,
    output: options.output,
    signals: options.signals,
    timeout: options.timeout,
    deploy: (log) =>
      deployApplicationCluster(configuration, { artifact: options.artifact, args: options.args }, { env: options.env, log, recordHosts: !options.attached }),
    detachedLines: (cluster) => [
      `Application cluster '${cluster.clusterId}' runs detached. JobManager Web Interface: ${cluster.restAddress}`,
      `Its jobs: flink-ts list -m ${cluster.restAddress.replace(/^http:\/\//, '')} -a`,
      configuration.get(SHUTDOWN_ON_APPLICATION_FINISH)
        ? "The JobManager ends with the application; then remove the cluster's files from the hosts with:"
        : 'The cluster stays up after the application (execution.shutdown-on-application-finish: false). Stop it with:',
      `  flink-ts stop-cluster -D high-availability.cluster-id=${cluster.clusterId}`,
    ],
  });
}

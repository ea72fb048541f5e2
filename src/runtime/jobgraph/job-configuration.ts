import type { Configuration } from '../../config/index.js';

/**
 * The keys that are a job's own business (Flink's job-level configuration): a session cluster
 * runs each job with the client's settings for them, not only the cluster's.
 */
const JOB_LEVEL_PREFIXES = ['execution.checkpointing.', 'restart-strategy.', 'state.', 'execution.state-recovery.'];

export function jobConfigurationOf(config: Configuration): Record<string, string> {
  const job: Record<string, string> = {};
  for (const [key, value] of Object.entries(config.toMap())) {
    if (JOB_LEVEL_PREFIXES.some((p) => key.startsWith(p))) job[key] = value;
  }
  return job;
}

/** The configuration a job runs with: the cluster's, with the job's own keys on top. */
export function effectiveJobConfiguration(cluster: Configuration, job: Readonly<Record<string, string>> | undefined): Configuration {
  return job === undefined || Object.keys(job).length === 0 ? cluster : cluster.withOverrides(job, 'job configuration');
}

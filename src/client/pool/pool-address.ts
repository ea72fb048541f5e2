/**
 * The REST address of a pool application's JobManager, for commands that address a cluster
 * (`list`, `cancel`) with `-t pool-session|pool-per-job|pool-application -D pool.application.id=…`,
 * as Flink's CLI finds a YARN application's JobManager through YARN.
 */
import type { Configuration } from '../../config/index.js';
import { POOL_APPLICATION_ID } from '../../config/index.js';
import { UsageError } from '../client-errors.js';
import { PoolCluster } from './pool-cluster.js';

export const POOL_TARGETS = ['pool-session', 'pool-per-job', 'pool-application'] as const;

export async function poolRestAddress(configuration: Configuration, target: string): Promise<string> {
  const applicationId = configuration.get(POOL_APPLICATION_ID);
  if (applicationId === undefined) {
    throw new UsageError(`-t ${target} needs the application: -D pool.application.id=<application id> (see \`flink-ts pool apps\`).`);
  }
  const cluster = await PoolCluster.attach(configuration, applicationId);
  await cluster.close();
  return cluster.restAddress;
}

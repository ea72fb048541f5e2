/**
 * `flink-ts pool kill <application id>` (`yarn application -kill`): ends an application at once.
 * Its containers are released, and their agents kill the processes: the JobManager, its
 * TaskManagers, and the jobs with them.
 */
import type { Configuration } from '../../config/index.js';
import type { ClientOutput } from '../cli-output.js';
import { FINAL_APPLICATION_STATES } from '../../resourcemanager/pool/pool-model.js';
import { ResourcePool } from '../../resourcemanager/pool/resource-pool.js';
import { EXIT_FAILURE, EXIT_OK, UsageError, reportError } from '../client-errors.js';
import { currentUserName } from '../user-name.js';

export async function killPoolApplication(options: { configuration: Configuration; applicationId: string; output: ClientOutput }): Promise<number> {
  const { output, applicationId } = options;
  let pool: ResourcePool | undefined;
  try {
    if (!/^application_\d+_\d+$/.test(applicationId)) {
      throw new UsageError(`'${applicationId}' is no application id: they look like application_1700000000000_0001 (see \`flink-ts pool apps\`).`);
    }
    pool = await ResourcePool.connect(options.configuration);
    const application = await pool.application(applicationId);
    if (application === undefined) {
      output.err(`The pool ${pool.describe()} has no application '${applicationId}': see \`flink-ts pool apps -a\`.`);
      return EXIT_FAILURE;
    }
    if (FINAL_APPLICATION_STATES.has(application.state)) {
      output.out(`Application ${applicationId} has already ended (${application.state}).`);
      return EXIT_OK;
    }
    await pool.finishApplication(applicationId, 'KILLED', `Killed by ${currentUserName()} with flink-ts pool kill.`);
    output.out(`Killed application ${applicationId} (${application.name}); its containers are released.`);
    return EXIT_OK;
  } catch (error) {
    return reportError(error, output);
  } finally {
    await pool?.close();
  }
}

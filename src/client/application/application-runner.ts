import type { Configuration } from '../../config/index.js';
import type { JobId } from '../../core/ids.js';
import { readFileSync } from 'node:fs';
import type { BlobServer } from '../../runtime/blob/blob-server.js';
import type { Dispatcher } from '../../runtime/dispatcher/dispatcher.js';
import type { RunJarOptions } from '../../runtime/rest/rest-cluster-facade.js';
import type { JobArtifact } from '../program/job-bundler.js';
import { PARALLELISM_DEFAULT } from '../../config/index.js';
import { bundleJob } from '../program/job-bundler.js';
import { runProgram, MISSING_JOB_MESSAGE, ProgramMissingJobException } from '../program/program-runner.js';
import { environmentDefaultsFrom } from '../environment-defaults.js';
import { createEmbeddedContext } from './embedded-executor.js';
import { RestHandlerError } from '../../runtime/rest/rest-errors.js';

export interface ApplicationRun {
  readonly jobIds: readonly JobId[];
}

/**
 * Runs a job program's `main` in the JobManager. Application clusters run it attached (each
 * `execute()` waits for its job, several `execute()` calls make several jobs); `POST
 * /jars/:jarid/run` runs it detached, as Flink's jar run does, and answers with the job ids.
 */
export async function runApplication(
  dispatcher: Dispatcher,
  configuration: Configuration,
  artifact: JobArtifact,
  args: readonly string[],
  attached: boolean,
): Promise<ApplicationRun> {
  const jobIds: JobId[] = [];
  const context = createEmbeddedContext(dispatcher, { artifact, args, defaults: environmentDefaultsFrom(configuration), attached }, (id) => jobIds.push(id));
  await runProgram(artifact.artifactPath, context);
  if (jobIds.length === 0) throw new ProgramMissingJobException();
  return { jobIds };
}

/** The JobManager's parts a jar run needs, looked up when a jar runs (they exist once the JobManager started). */
export interface JarRunnerCluster {
  readonly dispatcherInstance: Dispatcher;
  readonly blobServerInstance: BlobServer;
}

/** The `POST /jars/:jarid/run` handler's runner: bundles the uploaded job file and runs it detached. */
export function jarRunner(getCluster: () => JarRunnerCluster, configuration: Configuration) {
  return async (jarPath: string, options: RunJarOptions): Promise<readonly JobId[]> => {
    let config = configuration.withOverrides({ ...options.flinkConfiguration });
    if (options.parallelism !== undefined) config = config.with(PARALLELISM_DEFAULT, options.parallelism);
    const cluster = getCluster();
    let artifact: JobArtifact;
    try {
      const bundled = await bundleJob(jarPath);
      // TaskManagers fetch a job's code from the BlobServer by its hash, as for POST /jobs; main
      // runs from the same copy (what ApplicationClusterComponent does for application clusters).
      const artifactHash = cluster.blobServerInstance.put(readFileSync(bundled.artifactPath));
      artifact = { artifactPath: cluster.blobServerInstance.pathOf(artifactHash), artifactHash };
    } catch (e) {
      throw new RestHandlerError(400, `Could not execute application: ${e instanceof Error ? e.message : String(e)}`);
    }
    try {
      return (await runApplication(cluster.dispatcherInstance, config, artifact, options.programArgs, false)).jobIds;
    } catch (e) {
      const message = e instanceof ProgramMissingJobException ? MISSING_JOB_MESSAGE : e instanceof Error ? e.message : String(e);
      throw new RestHandlerError(400, `Could not execute application: ${message}`);
    }
  };
}

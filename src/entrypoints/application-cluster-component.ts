import type { ApplicationStatus } from '../resourcemanager/active/resource-manager-driver.js';
import { readFileSync } from 'node:fs';
import type { Configuration } from '../config/index.js';
import type { Logger } from '../core/logger.js';
import type { JobManagerComponent } from '../runtime/entrypoint/job-manager-component.js';
import type { ClusterComponent, ComponentTermination } from './cluster-component.js';
import { INTERNAL_PREFIX, SHUTDOWN_ON_APPLICATION_FINISH } from '../config/index.js';
import { runApplication } from '../client/application/application-runner.js';

/** The job artifact an application cluster runs, as the launcher placed it on the JobManager's host. */
export const APPLICATION_ARTIFACT_KEY = `${INTERNAL_PREFIX}application.artifact`;
/** The program arguments, as a JSON array. */
export const APPLICATION_ARGS_KEY = `${INTERNAL_PREFIX}application.args`;

/** Whether the configuration describes an application cluster (Flink's application mode). */
export function applicationOf(config: Configuration): { artifactPath: string; args: string[] } | undefined {
  const artifact = config.getRaw(APPLICATION_ARTIFACT_KEY);
  if (typeof artifact !== 'string') return undefined;
  const rawArgs = config.getRaw(APPLICATION_ARGS_KEY);
  const args = typeof rawArgs === 'string' ? (JSON.parse(rawArgs) as unknown) : [];
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) {
    throw new Error(`${APPLICATION_ARGS_KEY} must be a JSON array of strings.`);
  }
  return { artifactPath: artifact, args };
}

/**
 * An application cluster (Flink's ApplicationDispatcherBootstrap): the JobManager runs the job's
 * `main` itself once its services are up; each `execute()` is a job of this cluster. When `main`
 * has returned and its jobs ended, the cluster shuts down (`execution.shutdown-on-application-finish`).
 */
export class ApplicationClusterComponent implements ClusterComponent {
  readonly terminated: Promise<ComponentTermination>;

  constructor(
    private readonly inner: JobManagerComponent,
    private readonly application: { artifactPath: string; args: string[] },
    private readonly logger: Logger,
  ) {
    this.terminated = inner.terminated;
  }

  async start(): Promise<void> {
    await this.inner.start();
    void this.runMain();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  private async runMain(): Promise<void> {
    const { args } = this.application;
    const config = this.inner.configuration;
    this.logger.info(`Running the application ${this.application.artifactPath} with arguments ${JSON.stringify(args)}.`);
    let status: ApplicationStatus = 'SUCCEEDED';
    let diagnostics = 'The application finished.';
    try {
      // TaskManagers fetch a job's artifact from the BlobServer by its hash, so the application's
      // jobs must find it there, as jobs submitted over REST do; main runs from that copy too.
      const blobs = this.inner.blobServerInstance;
      const artifactHash = blobs.put(readFileSync(this.application.artifactPath));
      const artifactPath = blobs.pathOf(artifactHash);
      const run = await runApplication(this.inner.dispatcherInstance, config, { artifactPath, artifactHash }, args, true);
      this.logger.info(`The application finished; its jobs: ${run.jobIds.join(', ')}.`);
      const states = run.jobIds.map((id) => this.inner.dispatcherInstance.getJobStatus(id));
      if (states.some((s) => s === 'FAILED')) [status, diagnostics] = ['FAILED', 'A job of the application failed.'];
      else if (states.some((s) => s === 'CANCELED')) [status, diagnostics] = ['CANCELED', 'A job of the application was canceled.'];
    } catch (e) {
      this.logger.error('The application failed.', e);
      [status, diagnostics] = ['FAILED', `The application's main failed: ${e instanceof Error ? e.message : String(e)}`];
    }
    if (config.get(SHUTDOWN_ON_APPLICATION_FINISH)) {
      this.logger.info('Shutting down the application cluster (execution.shutdown-on-application-finish).');
      await this.inner.shutdown(status, diagnostics);
    }
  }
}

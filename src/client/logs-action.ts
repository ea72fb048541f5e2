/**
 * `flink-ts logs <applicationId>` (YARN's `yarn logs -applicationId`): finds the application's
 * containers in the pool and prints their log files, fetched from the agent of each container's
 * host (its REST endpoint, see container-log-server.ts). The agents keep the files after the
 * containers ended, so this works for running and for finished applications alike, as long as
 * the agent of the host runs.
 */
import { request } from 'node:http';
import type { Configuration } from '../config/index.js';
import { ensureError } from '../core/errors.js';
import { APPLICATION_ID_FORMAT, CONTAINER_ID_FORMAT, isApplicationId, isContainerId } from '../entrypoints/pool-agent/container-ids.js';
import type { ContainerStatus, HostStatus, ResourcePoolApi } from '../resourcemanager/pool/pool-model.js';
import { PoolError } from '../resourcemanager/pool/pool-errors.js';
import { ResourcePool } from '../resourcemanager/pool/resource-pool.js';
import { loadClientConfiguration } from './cli-config.js';
import type { ClientOutput } from './cli-output.js';
import { EXIT_FAILURE, EXIT_OK, UsageError, reportError } from './client-errors.js';

/** How long one request to an agent may take before it counts as not answering. */
const AGENT_TIMEOUT_MS = 10_000;

export interface LogsOptions {
  readonly applicationId: string | undefined;
  readonly containerId?: string | undefined;
  /** Only the last n lines of each file. */
  readonly tail?: number | undefined;
  readonly dynamicProperties?: readonly string[] | undefined;
  readonly env?: NodeJS.ProcessEnv | undefined;
  readonly output: ClientOutput;
  /** Replaces the connection to the pool (tests). */
  readonly connect?: ((configuration: Configuration) => Promise<ResourcePoolApi>) | undefined;
}

/** Resolves with the exit code: 0 when every container's logs were printed, 1 otherwise. */
export async function printApplicationLogs(options: LogsOptions): Promise<number> {
  const { output } = options;
  let pool: ResourcePoolApi | undefined;
  try {
    const given = options.applicationId ?? '';
    if (!isApplicationId(given)) throw new UsageError(`Expected an application id (${APPLICATION_ID_FORMAT}, as \`flink-ts pool apps\` lists them), got '${options.applicationId ?? ''}'.`);
    const applicationId: string = given;
    const containerArg = options.containerId ?? '';
    if (options.containerId !== undefined && !isContainerId(containerArg)) {
      throw new UsageError(`--container: '${options.containerId}' is not a container id (${CONTAINER_ID_FORMAT}).`);
    }
    const configuration = loadClientConfiguration({ env: options.env ?? process.env, dynamicProperties: options.dynamicProperties ?? [] });
    pool = await (options.connect ?? ((c) => ResourcePool.connect(c, { mode: 'command' })))(configuration);
    const application = await pool.application(applicationId);
    if (application === undefined) throw new PoolError('APPLICATION_UNKNOWN', `The pool has no application '${applicationId}': see \`flink-ts pool apps -a\`.`);
    let containers = await pool.containers(applicationId);
    if (options.containerId !== undefined) {
      containers = containers.filter((c) => c.id === options.containerId);
      if (containers.length === 0) throw new PoolError('CONTAINER_UNKNOWN', `Application ${applicationId} has no container ${options.containerId}.`);
    }
    if (containers.length === 0) {
      output.err(`Application ${applicationId} (${application.state}) has no containers yet.`);
      return EXIT_OK;
    }
    const hosts = new Map((await pool.status()).hosts.map((h) => [h.id, h]));
    let failures = 0;
    for (const container of sortContainers(containers)) {
      if (!(await printContainer(container, hosts.get(container.hostId), options.tail, output))) failures++;
    }
    return failures === 0 ? EXIT_OK : EXIT_FAILURE;
  } catch (error) {
    return reportError(error, output);
  } finally {
    await pool?.close().catch(() => undefined);
  }
}

/** The JobManager first, then TaskManagers, each in the order the pool created them. */
function sortContainers(containers: readonly ContainerStatus[]): ContainerStatus[] {
  return [...containers].sort((a, b) => (a.kind === b.kind ? a.id.localeCompare(b.id) : a.kind === 'jobmanager' ? -1 : 1));
}

async function printContainer(container: ContainerStatus, host: HostStatus | undefined, tail: number | undefined, output: ClientOutput): Promise<boolean> {
  const exit = container.exitCode === undefined ? '' : `, exit code ${container.exitCode}`;
  const title = `${container.id} (${container.kind} on ${container.hostId}, ${container.state}${exit})`;
  if (host === undefined || host.agentRestAddress === '') {
    output.err(`Cannot fetch the logs of container ${container.id}: the pool knows no agent for host ${container.hostId}.`);
    return false;
  }
  const base = `${host.agentRestAddress}/containers/${container.id}/logs`;
  try {
    const listing = await getText(base);
    if (listing.status === 404) {
      output.err(`The agent of host ${container.hostId} has no logs of container ${container.id} (its directory was removed, or the container never started there).`);
      return false;
    }
    if (listing.status !== 200) throw new Error(`HTTP ${listing.status}: ${listing.body}`);
    const { files } = JSON.parse(listing.body) as { files: { name: string }[] };
    for (const file of files) {
      const content = await getText(`${base}/${encodeURIComponent(file.name)}${tail === undefined ? '' : `?tail=${tail}`}`);
      if (content.status !== 200) throw new Error(`HTTP ${content.status} for ${file.name}: ${content.body}`);
      output.out(`==> ${title} ${file.name} <==`);
      for (const line of content.body.replace(/\n$/, '').split('\n')) if (content.body !== '') output.out(line);
      output.out('');
    }
    return true;
  } catch (error) {
    output.err(
      `Cannot fetch the logs of container ${container.id} from the agent of host ${container.hostId} at ${host.agentRestAddress}: ${ensureError(error).message}. ` +
        `Is the agent running there? (flink-ts pool agent start --host ${container.hostId})`,
    );
    return false;
  }
}

function getText(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, timeout: AGENT_TIMEOUT_MS }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${AGENT_TIMEOUT_MS / 1000} s`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Where the client finds a cluster's REST API: `-m host:port` (Flink's `-m/--jobmanager`, which
 * is the REST address, not the RPC one), else `rest.address`:`rest.port`.
 */
import type { Configuration } from '../config/index.js';
import type { FlagOverride } from './cli-config.js';
import { CLIENT_TIMEOUT, JOB_MANAGER_RPC_ADDRESS, REST_ADDRESS, REST_PORT, REST_RETRY_DELAY, REST_RETRY_MAX_ATTEMPTS } from '../config/index.js';
import { UsageError } from './client-errors.js';
import { RestClusterClient } from './rest-cluster-client.js';
import { loadClientConfiguration } from './cli-config.js';
import { withCurrentContext } from './contexts.js';
import { restAddressOverride } from './rest-address.js';

export interface ClusterAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * Parses `-m`: `host:port`, `[ipv6]:port`, optionally with `http://`.
 * @throws UsageError naming the value and the expected form.
 */
export function parseClusterAddress(value: string): ClusterAddress {
  const text = value.trim().replace(/^http:\/\//i, '').replace(/\/+$/, '');
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:/\s[\]]+):(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (match === null || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new UsageError(
      `Invalid -m value '${value}': expected the cluster's REST address as host:port, e.g. -m localhost:8081 (the REST port, not the RPC port 6123).`,
    );
  }
  const host = (match[1] as string).replace(/^\[(.*)\]$/, '$1');
  return { host, port };
}

/** The configuration `-m` stands for: Flink's DefaultCLI sets the REST address and the remote target. */
export function jobManagerOverride(value: string | undefined): FlagOverride {
  if (value === undefined) return { source: '-m', values: {} };
  const { host, port } = parseClusterAddress(value);
  return { source: '-m', values: { 'rest.address': host, 'rest.port': port, 'execution.target': 'remote' } };
}

/** `http://host:port` of the cluster's REST API. */
export function restBaseUrl(configuration: Configuration): string {
  // Flink falls back to the JobManager's RPC host when no REST address is set.
  const host = configuration.get(REST_ADDRESS) ?? configuration.get(JOB_MANAGER_RPC_ADDRESS) ?? 'localhost';
  return `http://${host.includes(':') ? `[${host}]` : host}:${configuration.get(REST_PORT)}`;
}

/** A REST client for the cluster of `configuration`, with its timeouts and retries. */
export function restClusterClientFor(configuration: Configuration): RestClusterClient {
  return new RestClusterClient(restBaseUrl(configuration), {
    timeoutMs: configuration.get(CLIENT_TIMEOUT),
    retries: configuration.get(REST_RETRY_MAX_ATTEMPTS),
    retryDelayMs: configuration.get(REST_RETRY_DELAY),
  });
}

/** What a command that talks to a cluster (`list`, `cancel`) is given. */
export interface ClusterCommandOptions {
  readonly jobManager?: string | undefined;
  /** `-t`: a pool target reaches its application's JobManager through the pool. */
  readonly target?: string | undefined;
  readonly dynamicProperties: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

/**
 * The REST client of the cluster a command addresses: `-m`, else `rest.address`/`rest.port` when
 * configured, else the current context (checked for liveness and announced).
 */
export async function clusterClientFor(options: ClusterCommandOptions, announce: (line: string) => void): Promise<RestClusterClient> {
  const configuration = loadClientConfiguration({
    env: options.env,
    dynamicProperties: options.dynamicProperties,
    overrides: [jobManagerOverride(options.jobManager)],
  });
  if (options.target !== undefined && options.target !== 'remote') {
    if (options.jobManager !== undefined) throw new UsageError(`-m names a cluster already; -t ${options.target} finds one by itself. Use one of them.`);
    const { POOL_TARGETS, poolRestAddress } = await import('./pool/pool-address.js');
    if (!(POOL_TARGETS as readonly string[]).includes(options.target)) {
      throw new UsageError(`-t ${options.target}: list and cancel reach remote clusters (-m host:port) and pool applications (-t ${POOL_TARGETS.join('|')}).`);
    }
    return restClusterClientFor(configuration.withOverrides(restAddressOverride(await poolRestAddress(configuration, options.target)), `-t ${options.target}`));
  }
  return restClusterClientFor(await withCurrentContext(configuration, options.jobManager === undefined, options.env, announce));
}

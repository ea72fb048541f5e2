/**
 * The node agent as the entrypoint runs it: settings from the configuration and the machine, the
 * pool reached through `pool.redis-url` in service mode (calls wait for Redis to come back
 * rather than fail the agent).
 */
import { POOL_NAME, POOL_REDIS_URL } from '../../config/index.js';
import { redactedUrl } from '../../resourcemanager/pool/redis-connection.js';
import { ResourcePool } from '../../resourcemanager/pool/resource-pool.js';
import type { ClusterComponentFactory } from '../cluster-component.js';
import { resolveAgentSettings } from './agent-settings.js';
import { NodeAgent } from './node-agent.js';

export function nodeAgentFactory(): ClusterComponentFactory {
  return (configuration, logger) =>
    new NodeAgent({
      settings: resolveAgentSettings(configuration),
      connect: () => ResourcePool.connect(configuration, { mode: 'service' }),
      logger,
      poolDescription: `pool '${configuration.get(POOL_NAME)}' at ${redactedUrl(configuration.get(POOL_REDIS_URL))}`,
    });
}

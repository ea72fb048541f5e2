import type { Configuration } from '../../config/index.js';
import type { JobMasterOptions } from './job-master.js';
import { BUFFERS_PER_CHANNEL, FAILOVER_STRATEGY, FLOATING_BUFFERS_PER_GATE, MAX_BUFFERS_PER_CHANNEL, SLOT_REQUEST_TIMEOUT } from '../../config/index.js';
import { heartbeatSettingsFrom } from '../heartbeat/heartbeat-settings.js';
import { restartBackoffTimeStrategyFactoryFrom } from './restart/restart-backoff-time-strategy-factory.js';

/** The JobMaster settings a configuration implies; the RPC service and addresses come from the caller. */
export function jobMasterSettingsFrom(
  config: Configuration,
): Pick<JobMasterOptions, 'network' | 'slotRequestTimeoutMs' | 'heartbeat' | 'restartStrategy' | 'failoverStrategy' | 'configuration'> {
  return {
    configuration: config,
    network: {
      buffersPerChannel: config.get(BUFFERS_PER_CHANNEL),
      floatingBuffersPerGate: config.get(FLOATING_BUFFERS_PER_GATE),
      maxBuffersPerChannel: config.get(MAX_BUFFERS_PER_CHANNEL),
    },
    slotRequestTimeoutMs: config.get(SLOT_REQUEST_TIMEOUT),
    heartbeat: heartbeatSettingsFrom(config),
    restartStrategy: restartBackoffTimeStrategyFactoryFrom(config),
    failoverStrategy: config.get(FAILOVER_STRATEGY),
  };
}

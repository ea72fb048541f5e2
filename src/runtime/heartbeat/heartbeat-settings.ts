import type { Configuration } from '../../config/index.js';
import type { HeartbeatSettings } from './heartbeat-monitor.js';
import { HEARTBEAT_INTERVAL, HEARTBEAT_RPC_FAILURE_THRESHOLD, HEARTBEAT_TIMEOUT } from '../../config/index.js';

export function heartbeatSettingsFrom(config: Configuration): HeartbeatSettings {
  return {
    intervalMs: config.get(HEARTBEAT_INTERVAL),
    timeoutMs: config.get(HEARTBEAT_TIMEOUT),
    rpcFailureThreshold: config.get(HEARTBEAT_RPC_FAILURE_THRESHOLD),
  };
}

/**
 * What an agent offers and where it keeps its files, from its configuration and its machine:
 * `--host` (else the machine's first non-loopback IPv4 address), `pool.agent.slots` (else the
 * number of cores), `pool.agent.memory` (else 80 % of the RAM), `pool.agent.labels`,
 * `pool.agent.work-dir` (else `~/.flink-ts/pool-agent/<host>`), `pool.agent.rest.port`.
 */
import { availableParallelism, homedir, hostname, networkInterfaces, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import type { Configuration } from '../../config/index.js';
import {
  INTERNAL_PREFIX,
  POOL_AGENT_LABELS,
  POOL_AGENT_MEMORY,
  POOL_AGENT_REST_PORT,
  POOL_AGENT_SLOTS,
  POOL_AGENT_WORK_DIR,
  POOL_HEARTBEAT_INTERVAL,
} from '../../config/index.js';
import { FlinkTsError } from '../../core/errors.js';

/**
 * The host an agent stands for, as `flink-ts pool agent start --host` gives it. Set by the
 * command (and by `pool hosts add`), never in config.yaml: each agent has its own.
 */
export const AGENT_HOST_KEY = `${INTERNAL_PREFIX}pool.agent.host`;

/** Host ids and addresses: names, IPv4 and IPv6 addresses; no slashes, no spaces. */
const HOST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,252}$/;
/** The share of the machine's memory an agent offers unless told otherwise (YARN leaves room for the OS too). */
export const DEFAULT_MEMORY_SHARE = 0.8;
/** How long a container gets between SIGTERM and SIGKILL. */
export const DEFAULT_KILL_GRACE_MS = 20_000;

export interface NodeAgentSettings {
  /** The host's id in the pool and the address its containers bind. */
  readonly hostId: string;
  readonly slots: number;
  readonly memoryBytes: number;
  readonly labels: readonly string[];
  readonly workDir: string;
  readonly restPort: number;
  readonly heartbeatIntervalMs: number;
  readonly killGraceMs: number;
}

export interface MachineFacts {
  readonly cores: number;
  readonly memoryBytes: number;
  readonly address: string;
  readonly home: string;
}

export function machineFacts(): MachineFacts {
  return { cores: availableParallelism(), memoryBytes: totalmem(), address: defaultAddress(), home: homedir() };
}

/** The first non-internal IPv4 address of the machine (what other hosts can reach), else its host name. */
export function defaultAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return hostname();
}

/** @throws FlinkTsError for a host id that cannot name a host (it becomes a directory name too). */
export function resolveAgentSettings(configuration: Configuration, machine: MachineFacts = machineFacts(), cwd: string = process.cwd()): NodeAgentSettings {
  const given = configuration.getRaw(AGENT_HOST_KEY);
  const hostId = typeof given === 'string' && given !== '' ? given : machine.address;
  if (!HOST_ID.test(hostId)) {
    throw new FlinkTsError('ERR_INVALID_ARGUMENT', `--host ${JSON.stringify(hostId)} is not a host name or address: use letters, digits, '.', '-', ':' (e.g. --host worker7 or --host 10.0.0.7).`);
  }
  const workDir = configuration.get(POOL_AGENT_WORK_DIR);
  return {
    hostId,
    slots: configuration.get(POOL_AGENT_SLOTS) ?? machine.cores,
    memoryBytes: configuration.get(POOL_AGENT_MEMORY) ?? Math.floor(machine.memoryBytes * DEFAULT_MEMORY_SHARE),
    labels: configuration.get(POOL_AGENT_LABELS),
    workDir: workDir === undefined ? join(machine.home, '.flink-ts', 'pool-agent', hostId.replace(/:/g, '_')) : resolve(cwd, workDir),
    restPort: configuration.get(POOL_AGENT_REST_PORT),
    heartbeatIntervalMs: configuration.get(POOL_HEARTBEAT_INTERVAL),
    killGraceMs: DEFAULT_KILL_GRACE_MS,
  };
}

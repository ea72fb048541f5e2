/**
 * The agent's check of a container's launch spec. The spec comes out of Redis, which anyone with
 * the pool's password can write, so the agent trusts none of it: it only ever starts a flink-ts
 * JobManager or TaskManager, with a configuration that passes the same validation as a
 * `config.yaml`, and never lets a value choose where the agent writes. A spec that fails is
 * reported as the container's failure, naming what was wrong, and nothing is started.
 *
 * What is refused:
 * - ids that are not the pool's (they become directory names), a kind other than
 *   `jobmanager`/`taskmanager`, slot and memory numbers that are not sane integers, an artifact
 *   hash that is not sha256 hex;
 * - keys flink-ts does not know (with the config loader's message and did-you-mean), values that
 *   do not parse, values or keys with control characters;
 * - `launcher.*` keys (the CLI's SSH settings: never a container's business);
 * - `$internal.*` keys outside a short allowlist, and `$internal.resourcemanager.*` other than the
 *   driver the agent sets anyway (`pool`);
 * - the directories the agent sets itself (pid, log, tmp, the application artifact) when they
 *   would point outside the container's directory.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import type { ConfigEntry } from '../../config/resolve-entries.js';
import { resolveEntries } from '../../config/resolve-entries.js';
import { INTERNAL_PREFIX, LOG_DIR, PID_DIR, TMP_DIRS } from '../../config/index.js';
import { FlinkTsError } from '../../core/errors.js';
import type { ContainerKind } from '../../resourcemanager/pool/pool-model.js';
import { APPLICATION_ARGS_KEY, APPLICATION_ARTIFACT_KEY } from '../application-cluster-component.js';
import { APPLICATION_ID_FORMAT, CONTAINER_ID_FORMAT, isApplicationId, isContainerId, quoteForMessage } from './container-ids.js';
import { CONTAINER_ID_KEY, POOL_DRIVER, RESOURCE_MANAGER_DRIVER_KEY } from './container-keys.js';

/** A launch spec the agent accepted: everything in it checked. */
export interface ValidatedLaunchSpec {
  readonly containerId: string;
  readonly applicationId: string;
  readonly kind: ContainerKind;
  readonly slots: number;
  readonly memoryBytes: number;
  readonly configuration: Readonly<Record<string, string>>;
  readonly artifactSha256: string | undefined;
}

/** A spec the agent refuses to launch; `key` names the configuration key at fault, when one is. */
export class LaunchSpecRejectedError extends FlinkTsError {
  constructor(
    readonly containerId: string,
    message: string,
    readonly key?: string,
  ) {
    super('ERR_INVALID_ARGUMENT', message);
  }
}
Object.defineProperty(LaunchSpecRejectedError.prototype, 'name', { value: 'LaunchSpecRejectedError' });

const KINDS: readonly ContainerKind[] = ['jobmanager', 'taskmanager'];
/** More than any host has; a bigger number is a bug or an attack, not a request. */
const MAX_SLOTS = 4096;
const MAX_MEMORY_BYTES = 2 ** 50; // 1 PiB
const MAX_ENTRIES = 2000;
const MAX_KEY_LENGTH = 256;
const MAX_VALUE_LENGTH = 64 * 1024;
const SHA256 = /^[0-9a-f]{64}$/;
// C0 controls and DEL: a newline in a value could forge lines of config.yaml or of a log.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** `$internal.*` keys a spec may carry. The agent's own (container id, driver, artifact) are set by it. */
const INTERNAL_ALLOWLIST: ReadonlySet<string> = new Set([APPLICATION_ARGS_KEY]);
/** Keys the agent sets to paths inside the container's directory; a spec may only point them there too. */
const AGENT_PATH_KEYS: ReadonlySet<string> = new Set([PID_DIR.key, LOG_DIR.key, TMP_DIRS.key, APPLICATION_ARTIFACT_KEY]);

/**
 * Checks a launch spec as read from the pool against what the agent asked for.
 * @param spec the pool's answer to `launchSpec(containerId)`, untrusted
 * @param containerId the id the agent asked for (already checked by {@link isContainerId})
 * @param containerDir the container's directory, against which relative paths resolve
 * @throws LaunchSpecRejectedError naming the field or key at fault and what is accepted
 */
export function validateLaunchSpec(spec: unknown, containerId: string, containerDir: string): ValidatedLaunchSpec {
  const reject = (message: string, key?: string): never => {
    throw new LaunchSpecRejectedError(containerId, `Rejected the launch spec of ${containerId}: ${message}`, key);
  };
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) return reject('it is not an object.');
  const s = spec as Record<string, unknown>;
  if (!isContainerId(s.containerId)) return reject(`containerId ${quoteForMessage(s.containerId)} is not a container id (${CONTAINER_ID_FORMAT}).`);
  if (s.containerId !== containerId) return reject(`it is the spec of ${quoteForMessage(s.containerId)}, not of ${containerId}.`);
  if (!isApplicationId(s.applicationId)) return reject(`applicationId ${quoteForMessage(s.applicationId)} is not an application id (${APPLICATION_ID_FORMAT}).`);
  if (typeof s.kind !== 'string' || !(KINDS as readonly string[]).includes(s.kind)) {
    return reject(`kind ${quoteForMessage(s.kind)} is not one of ${KINDS.join(', ')}: an agent starts nothing else.`);
  }
  const slots = checkInteger(s.slots, 0, MAX_SLOTS);
  if (slots === undefined) return reject(`slots ${quoteForMessage(s.slots)} is not an integer from 0 to ${MAX_SLOTS}.`);
  const memoryBytes = checkInteger(s.memoryBytes, 0, MAX_MEMORY_BYTES);
  if (memoryBytes === undefined) return reject(`memoryBytes ${quoteForMessage(s.memoryBytes)} is not an integer from 0 to ${MAX_MEMORY_BYTES}.`);
  const artifact = s.artifactSha256;
  if (artifact !== undefined && artifact !== null && (typeof artifact !== 'string' || !SHA256.test(artifact))) {
    return reject(`artifactSha256 ${quoteForMessage(artifact)} is not a sha256 hash (64 lowercase hex digits).`);
  }
  const configuration = validateConfiguration(s.configuration, containerDir, reject);
  return {
    containerId,
    applicationId: s.applicationId,
    kind: s.kind as ContainerKind,
    slots,
    memoryBytes,
    configuration,
    artifactSha256: typeof artifact === 'string' ? artifact : undefined,
  };
}

function checkInteger(value: unknown, min: number, max: number): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max ? value : undefined;
}

function validateConfiguration(value: unknown, containerDir: string, reject: (message: string, key?: string) => never): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return reject('its configuration is not an object of key/value strings.');
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_ENTRIES) return reject(`its configuration has ${entries.length} keys; at most ${MAX_ENTRIES} are accepted.`);
  const configuration: Record<string, string> = {};
  const typed: ConfigEntry[] = [];
  for (const [key, raw] of entries) {
    if (key === '' || key.length > MAX_KEY_LENGTH || CONTROL.test(key)) {
      return reject(`the configuration key ${quoteForMessage(key)} is empty, too long or holds control characters.`, key);
    }
    if (typeof raw !== 'string') return reject(`the value of '${key}' is not a string.`, key);
    if (raw.length > MAX_VALUE_LENGTH) return reject(`the value of '${key}' is longer than ${MAX_VALUE_LENGTH} characters.`, key);
    if (CONTROL.test(raw)) return reject(`the value of '${key}' holds control characters (newlines, NUL, escapes).`, key);
    if (key.startsWith('launcher.')) return reject(`'${key}' is a launcher setting (SSH, installation): containers never get launcher.* keys.`, key);
    if (key.startsWith(INTERNAL_PREFIX)) checkInternalKey(key, raw, reject);
    if (AGENT_PATH_KEYS.has(key)) checkInsideContainer(key, raw, containerDir, reject);
    configuration[key] = raw;
    typed.push({ where: 'its configuration', key, value: raw });
  }
  // The loader's own validation: unknown keys (with did-you-mean), values that do not parse.
  const { problems } = resolveEntries(typed);
  const [problem] = problems;
  if (problem !== undefined) return reject(problem.message, problem.key);
  return configuration;
}

function checkInternalKey(key: string, value: string, reject: (message: string, key?: string) => never): void {
  if (key === RESOURCE_MANAGER_DRIVER_KEY) {
    if (value !== POOL_DRIVER) reject(`'${key}' is '${value}'; a pool container's ResourceManager driver is always '${POOL_DRIVER}', which the agent sets.`, key);
    return;
  }
  if (key.startsWith(`${INTERNAL_PREFIX}resourcemanager.`)) reject(`'${key}' is a ResourceManager setting only flink-ts itself may give; the agent sets '${RESOURCE_MANAGER_DRIVER_KEY}'.`, key);
  if (key === CONTAINER_ID_KEY || key === APPLICATION_ARTIFACT_KEY) return; // the agent's own; overwritten
  if (!INTERNAL_ALLOWLIST.has(key)) reject(`'${key}' is an internal key a container spec may not set (allowed: ${[...INTERNAL_ALLOWLIST].join(', ')}).`, key);
}

function checkInsideContainer(key: string, value: string, containerDir: string, reject: (message: string, key?: string) => never): void {
  // io.tmp.dirs is a list; each of its directories must be inside.
  const paths = key === TMP_DIRS.key ? value.split(/[,;]/).map((p) => p.trim()).filter((p) => p !== '') : [value];
  for (const path of paths) {
    const rel = relative(containerDir, resolve(containerDir, path));
    if (rel.startsWith('..') || isAbsolute(rel)) {
      reject(`'${key}' points to ${quoteForMessage(path)}, outside the container's directory; the agent sets it to a directory of the container.`, key);
    }
  }
}

import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Configuration } from '../../config/index.js';
import { CLUSTER_SECRET, INTERNAL_PREFIX, resolveConfDir } from '../../config/index.js';

/** Where the conf directory of the process is recorded, as Flink's DeploymentOptionsInternal does. */
export const CONF_DIR_KEY = `${INTERNAL_PREFIX}deployment.config-dir`;
const SECRET_FILE = '.cluster-secret';

/**
 * The cluster secret every process must present. When `security.cluster-secret` is not set, a
 * random one is generated once into `<conf dir>/.cluster-secret` (mode 0600), so processes
 * started from the same conf directory (one host, or hosts with the conf directory copied or
 * shipped) agree without any setup, while nobody else can join.
 */
export function resolveClusterSecret(config: Configuration): string {
  const configured = config.get(CLUSTER_SECRET);
  if (configured !== undefined && configured.length > 0) return configured;
  const raw = config.getRaw(CONF_DIR_KEY);
  const confDir = typeof raw === 'string' ? raw : resolveConfDir({}).dir;
  const file = join(confDir, SECRET_FILE);
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    if (secret.length > 0) return secret;
  }
  mkdirSync(confDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  try {
    writeFileSync(file, `${secret}\n`, { flag: 'wx', mode: 0o600 });
  } catch {
    // Another process of the cluster created it first: use theirs.
    return readFileSync(file, 'utf8').trim();
  }
  chmodSync(file, 0o600);
  return secret;
}

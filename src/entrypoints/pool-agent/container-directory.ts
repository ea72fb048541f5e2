/**
 * A container's directory on the agent's host, `<work dir>/containers/<container id>/`:
 *
 * ```
 * container.json        what the agent knows of it (application, kind, state, pid, exit code)
 * conf/config.yaml      the configuration it runs with (0600: it holds the cluster secret)
 * log/                  <kind>.log (the process's log) and <kind>.out (its stdout and stderr)
 * tmp/                  io.tmp.dirs
 * artifact/job.mjs      application mode: the job artifact its JobManager runs
 * ```
 *
 * The directory stays after the container ended, so that its logs can still be read (as YARN's
 * NodeManager keeps them until log aggregation). Everything here is built from ids already checked
 * against the pool's patterns, never from other values of a spec.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerKind } from '../../resourcemanager/pool/pool-model.js';
import { renderConfigYaml } from '../../launcher/agent/config-yaml.js';
import { isContainerId } from './container-ids.js';

export const CONTAINERS_DIR = 'containers';
export const METADATA_FILE = 'container.json';
/** Name of the application's artifact in `artifact/`: an ES module, as the client's bundler writes it. */
export const ARTIFACT_FILE = 'job.mjs';

export interface ContainerPaths {
  readonly dir: string;
  readonly conf: string;
  readonly configFile: string;
  readonly log: string;
  readonly tmp: string;
  readonly artifactDir: string;
  readonly artifact: string;
  readonly metadata: string;
  /** `<log>/<kind>.log` and `.out`, named as Flink on YARN names them. */
  logFile(kind: ContainerKind): string;
  outFile(kind: ContainerKind): string;
}

/** The container's paths below `workDir`. @throws Error for an id that is not a container id. */
export function containerPaths(workDir: string, containerId: string): ContainerPaths {
  if (!isContainerId(containerId)) throw new Error(`Not a container id: ${JSON.stringify(containerId)}.`);
  const dir = join(workDir, CONTAINERS_DIR, containerId);
  const log = join(dir, 'log');
  const artifactDir = join(dir, 'artifact');
  return {
    dir,
    conf: join(dir, 'conf'),
    configFile: join(dir, 'conf', 'config.yaml'),
    log,
    tmp: join(dir, 'tmp'),
    artifactDir,
    artifact: join(artifactDir, ARTIFACT_FILE),
    metadata: join(dir, METADATA_FILE),
    logFile: (kind) => join(log, `${kind}.log`),
    outFile: (kind) => join(log, `${kind}.out`),
  };
}

/** The agent's view of a container: STARTING (preparing, fetching), RUNNING (its process runs), EXITED. */
export type LocalContainerState = 'STARTING' | 'RUNNING' | 'EXITED';

export interface ContainerMetadata {
  readonly containerId: string;
  readonly applicationId: string;
  readonly kind: ContainerKind;
  readonly state: LocalContainerState;
  readonly pid?: number | undefined;
  readonly exitCode?: number | undefined;
  readonly diagnostics?: string | undefined;
  readonly startedAt: number;
  readonly finishedAt?: number | undefined;
}

/** Creates the directories (0700: configuration and logs are the agent user's) and writes `conf/config.yaml` (0600). */
export function prepareContainerDirectory(paths: ContainerPaths, configuration: Readonly<Record<string, string>>, header: readonly string[]): void {
  for (const dir of [paths.dir, paths.conf, paths.log, paths.tmp]) mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(paths.configFile, renderConfigYaml(configuration, header), { mode: 0o600 });
}

/** Writes the artifact (0600) into `artifact/`. */
export function writeArtifact(paths: ContainerPaths, content: Buffer): void {
  mkdirSync(paths.artifactDir, { recursive: true, mode: 0o700 });
  writeFileSync(paths.artifact, content, { mode: 0o600 });
}

/** Replaces `container.json` in one rename, so that the log server never reads half of it. */
export function writeMetadata(paths: ContainerPaths, metadata: ContainerMetadata): void {
  const temp = `${paths.metadata}.tmp`;
  writeFileSync(temp, `${JSON.stringify(metadata)}\n`, { mode: 0o600 });
  renameSync(temp, paths.metadata);
}

/** The metadata of a container, or undefined when it has none (or it is unreadable). */
export function readMetadata(paths: ContainerPaths): ContainerMetadata | undefined {
  try {
    const parsed = JSON.parse(readFileSync(paths.metadata, 'utf8')) as ContainerMetadata;
    return parsed.containerId === undefined ? undefined : parsed;
  } catch {
    return undefined;
  }
}

/** The ids of every container directory below `workDir` (anything else there is ignored). */
export function listContainerIds(workDir: string): string[] {
  const dir = join(workDir, CONTAINERS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter(isContainerId).sort();
}

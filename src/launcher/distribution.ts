/**
 * The local flink-ts distribution as `launcher.ship-distribution` copies it to hosts: `bin/`,
 * `dist/`, `package.json` and the production dependencies in `node_modules/` (the closure of
 * `dependencies` and installed `optionalDependencies`, as Node would resolve them: never the
 * compiler, linters or test tools). Its name carries the version and a hash of the content, so a
 * host receives each build once, and two builds never overwrite each other on a host.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { INSTALLATION_ROOT, flinkTsVersion } from '../entrypoints/installation.js';

/** One directory or file to copy: `local` is absolute, `remote` relative to the shipped directory. */
export interface DistributionEntry {
  readonly local: string;
  readonly remote: string;
  readonly kind: 'dir' | 'file';
  /** Files of a directory that are not shipped (relative paths). */
  readonly exclude?: ((path: string) => boolean) | undefined;
}

/**
 * Type declarations and source maps of the build: nothing reads them at run time, and they are
 * two thirds of dist/'s files (a file costs a few SFTP round trips).
 */
export function isBuildMetadata(path: string): boolean {
  return path.endsWith('.d.ts') || path.endsWith('.map');
}

export interface LocalDistribution {
  readonly root: string;
  readonly version: string;
  /** First 12 hex digits of the sha256 over the shipped files and the dependency versions. */
  readonly hash: string;
  /** `flink-ts-<version>-<hash>`: the directory it is shipped to. */
  readonly name: string;
  readonly entries: readonly DistributionEntry[];
}

interface PackageJson {
  readonly name?: string;
  readonly version?: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
}

function readPackageJson(dir: string): PackageJson {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
}

/** Node's lookup: `<dir>/node_modules/<name>`, then the same in every parent directory. */
function resolvePackage(from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The package directories to ship, each with its path below `node_modules/` on the host.
 * Packages nested in another package's own node_modules travel inside it.
 * @throws Error naming a required dependency that is not installed.
 */
export function productionPackages(root: string): { dir: string; name: string; version: string }[] {
  const found = new Map<string, { dir: string; name: string; version: string }>();
  const visit = (dir: string): void => {
    const pkg = readPackageJson(dir);
    const required = Object.keys(pkg.dependencies ?? {});
    const optional = Object.keys(pkg.optionalDependencies ?? {}).filter((name) => !required.includes(name));
    for (const [name, isOptional] of [...required.map((n) => [n, false] as const), ...optional.map((n) => [n, true] as const)]) {
      const resolved = resolvePackage(dir, name);
      if (resolved === undefined) {
        // An optional dependency for another platform is simply not installed.
        if (isOptional) continue;
        throw new Error(`The dependency ${name} of ${pkg.name ?? dir} is not installed: run npm install in ${root}.`);
      }
      if (found.has(resolved)) continue;
      const nested = relative(root, resolved).split(sep).filter((part) => part === 'node_modules').length > 1;
      const { version = '0.0.0' } = readPackageJson(resolved);
      // A package inside another's node_modules is copied with that package.
      if (!nested) found.set(resolved, { dir: resolved, name, version });
      else found.set(resolved, { dir: '', name, version });
      visit(resolved);
    }
  };
  visit(root);
  return [...found.values()].filter((pkg) => pkg.dir !== '').sort((a, b) => a.name.localeCompare(b.name));
}

function hashTree(hash: ReturnType<typeof createHash>, root: string, path: string): void {
  const absolute = join(root, path);
  const stat = lstatSync(absolute);
  if (stat.isDirectory()) {
    for (const name of readdirSync(absolute).sort()) hashTree(hash, root, join(path, name));
  } else if (stat.isFile() && !isBuildMetadata(path)) {
    hash.update(`${path}\0${stat.mode & 0o111 ? 'x' : '-'}\0`);
    hash.update(readFileSync(absolute));
  }
}

let cached: LocalDistribution | undefined;

/**
 * The distribution this process runs from.
 * @throws Error when it is not built (`dist/` missing) or a dependency is not installed.
 */
export function localDistribution(root: string = INSTALLATION_ROOT): LocalDistribution {
  if (cached?.root === root) return cached;
  if (!existsSync(join(root, 'dist', 'launcher', 'agent', 'launcher-agent.js'))) {
    throw new Error(`flink-ts at ${root} is not built (no dist/): run npm run build there before shipping it.`);
  }
  const packages = productionPackages(root);
  const hash = createHash('sha256');
  for (const path of ['bin', 'dist', 'package.json']) hashTree(hash, root, path);
  for (const pkg of packages) hash.update(`\0${pkg.name}@${pkg.version}`);
  const version = flinkTsVersion();
  const digest = hash.digest('hex').slice(0, 12);
  const entries: DistributionEntry[] = [
    { local: join(root, 'bin'), remote: 'bin', kind: 'dir' },
    { local: join(root, 'dist'), remote: 'dist', kind: 'dir', exclude: isBuildMetadata },
    { local: join(root, 'package.json'), remote: 'package.json', kind: 'file' },
    ...packages.map((pkg): DistributionEntry => ({ local: pkg.dir, remote: `node_modules/${pkg.name}`, kind: 'dir' })),
  ];
  cached = { root, version, hash: digest, name: `flink-ts-${version}-${digest}`, entries };
  return cached;
}

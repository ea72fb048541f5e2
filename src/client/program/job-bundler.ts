/**
 * Turns a job module (TypeScript or JavaScript, with its npm dependencies) into one self-contained ES
 * module: the artifact that plays the part of Flink's fat JAR. The artifact never contains the
 * DataStream API itself. Its `import ... from 'flink-ts'` becomes a small shim that reads the API
 * object the host process installed under API_GLOBAL_KEY, so the client, `flink-ts info` and every
 * slot worker share one copy of the API classes with the runtime that loads the artifact. That
 * also makes a job file outside this repository work: nothing has to resolve 'flink-ts' on disk.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import type { BuildFailure, Message, OutputFile, Plugin } from 'esbuild';
import { FlinkTsError } from '../../core/errors.js';
import { API_GLOBAL_KEY } from '../../api/program-globals.js';
import { currentUserName } from '../user-name.js';

/** Options of {@link bundleJob}. */
export interface BundleJobOptions {
  /**
   * Directory holding artifacts by content hash. Existing artifacts are reused.
   * @default `<os tmpdir>/flink-ts-<user>/artifacts`
   */
  readonly cacheDir?: string;
}

/** A bundled job module. */
export interface JobArtifact {
  /** Absolute path of the artifact: `<cacheDir>/<artifactHash>.mjs`. */
  readonly artifactPath: string;
  /** sha256 of the artifact's bytes, hex. */
  readonly artifactHash: string;
}

const API_PACKAGE = 'flink-ts';
const SHIM_NAMESPACE = 'flink-ts-api';

// Bundled CommonJS dependencies call `require('fs')` and the like; an ES module has no `require`.
const REQUIRE_BANNER = "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";

/** `<os tmpdir>/flink-ts-<user>/artifacts`: per user, so users on one host never share (or clobber) artifacts. */
export function defaultArtifactCacheDir(): string {
  return join(tmpdir(), `flink-ts-${currentUserName()}`, 'artifacts');
}

/**
 * Bundles `jobFile` with esbuild into an ES module cached under its content hash.
 * @throws FlinkTsError `ERR_BUNDLE` when the file is missing or does not bundle (syntax errors,
 *   unresolved imports, `flink-ts/...` subpath imports); the message names file, line and column.
 */
export async function bundleJob(jobFile: string, options: BundleJobOptions = {}): Promise<JobArtifact> {
  const entry = resolve(jobFile);
  await checkJobFile(jobFile, entry);
  const cacheDir = resolve(options.cacheDir ?? defaultArtifactCacheDir());
  const code = await bundleToString(jobFile, entry, cacheDir);
  const artifactHash = createHash('sha256').update(code).digest('hex');
  const artifactPath = join(cacheDir, `${artifactHash}.mjs`);
  await writeArtifact(artifactPath, code);
  return { artifactPath, artifactHash };
}

async function checkJobFile(given: string, entry: string): Promise<void> {
  let isFile: boolean;
  try {
    isFile = (await stat(entry)).isFile();
  } catch {
    throw new FlinkTsError(
      'ERR_BUNDLE',
      `Job file not found: ${given} (looked for ${entry}). Check the path; relative paths are resolved against the working directory.`,
    );
  }
  if (!isFile) {
    throw new FlinkTsError('ERR_BUNDLE', `Job file ${given} is not a file (${entry}). Pass the job's module file, e.g. job.ts.`);
  }
}

async function bundleToString(given: string, entry: string, cacheDir: string): Promise<string> {
  // Resolving relative to the job's own folder keeps the output (and so its hash) independent of
  // the directory the CLI was started from; npm packages are then found from the job's location.
  const workingDir = dirname(entry);
  let outputFiles: OutputFile[];
  try {
    const result = await build({
      entryPoints: [entry],
      absWorkingDir: workingDir,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      // External, so the map's paths can be made absolute before it is inlined (see inlineSourceMap).
      sourcemap: 'external',
      outfile: join(cacheDir, 'job.mjs'),
      banner: { js: REQUIRE_BANNER },
      logLevel: 'silent',
      plugins: [apiShimPlugin(await apiExportNames())],
    });
    outputFiles = result.outputFiles;
  } catch (error) {
    throw bundleError(given, workingDir, error);
  }
  const js = outputFiles.find((file) => file.path.endsWith('.mjs'));
  const map = outputFiles.find((file) => file.path.endsWith('.map'));
  if (js === undefined) throw new FlinkTsError('ERR_BUNDLE', `Bundling ${given} produced no output.`);
  return map === undefined ? js.text : inlineSourceMap(js.text, map.text, cacheDir);
}

/** The runtime export names of the API, i.e. what `import { X } from 'flink-ts'` may name. */
async function apiExportNames(): Promise<string[]> {
  const api = (await import('../../api/index.js')) as Record<string, unknown>;
  return Object.keys(api).filter((name) => name !== 'default').sort();
}

function apiShimPlugin(exportNames: readonly string[]): Plugin {
  const keyName = API_GLOBAL_KEY.description ?? 'flink-ts.api';
  const contents = [
    `const api = globalThis[Symbol.for(${JSON.stringify(keyName)})];`,
    'if (api === undefined) {',
    `  throw new Error(${JSON.stringify(
      "This job imports 'flink-ts', which is provided by the process that runs it. Start the job with `flink-ts run <job file>` instead of running the bundled module directly.",
    )});`,
    '}',
    ...exportNames.map((name) => `export const ${name} = api.${name};`),
  ].join('\n');
  return {
    name: 'flink-ts-api-shim',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^flink-ts(\/.*)?$/ }, (args) => {
        if (args.path === API_PACKAGE) return { path: API_PACKAGE, namespace: SHIM_NAMESPACE };
        return {
          errors: [
            {
              text: `'${args.path}' cannot be imported: a job may only import the package root '${API_PACKAGE}'. Import what you need from '${API_PACKAGE}'.`,
            },
          ],
        };
      });
      pluginBuild.onLoad({ filter: /.*/, namespace: SHIM_NAMESPACE }, () => ({ contents, loader: 'js' }));
    },
  };
}

interface SourceMapJson {
  sources?: string[];
  [key: string]: unknown;
}

// esbuild writes source paths relative to the output file. The artifact is moved around (cache
// dir, BlobServer, TaskManager caches), so absolute paths are what keeps stack traces pointing at
// the user's files wherever it is loaded from.
function inlineSourceMap(js: string, mapText: string, outDir: string): string {
  const map = JSON.parse(mapText) as SourceMapJson;
  if (Array.isArray(map.sources)) {
    map.sources = map.sources.map((source) => (source.startsWith(`${SHIM_NAMESPACE}:`) ? source : resolve(outDir, source)));
  }
  const encoded = Buffer.from(JSON.stringify(map)).toString('base64');
  return `${js.replace(/\n?$/, '\n')}//# sourceMappingURL=data:application/json;base64,${encoded}\n`;
}

async function writeArtifact(artifactPath: string, code: string): Promise<void> {
  if (await exists(artifactPath)) return;
  await mkdir(dirname(artifactPath), { recursive: true });
  // Write-then-rename, so a concurrent run never imports a half-written artifact.
  const temp = `${artifactPath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, code);
    await rename(temp, artifactPath);
  } catch (error) {
    await rm(temp, { force: true });
    throw new FlinkTsError('ERR_BUNDLE', `Could not write the job artifact ${artifactPath}: ${messageOf(error)}`, { cause: error });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function isBuildFailure(error: unknown): error is BuildFailure {
  return error instanceof Error && Array.isArray((error as Partial<BuildFailure>).errors);
}

function bundleError(given: string, workingDir: string, error: unknown): FlinkTsError {
  if (!isBuildFailure(error) || error.errors.length === 0) {
    return new FlinkTsError('ERR_BUNDLE', `Could not bundle the job ${given}: ${messageOf(error)}`, { cause: error });
  }
  const lines = error.errors.map((message) => `  ${describeMessage(message, workingDir)}`);
  const count = error.errors.length === 1 ? 'an error' : `${error.errors.length} errors`;
  const unresolved = error.errors.some((message) => message.text.startsWith('Could not resolve'));
  const hint = unresolved
    ? "Fix the code at the location shown. An npm package the job imports must be installed where the job file is (run npm install next to it); 'flink-ts' itself is always provided."
    : 'Fix the code at the location shown.';
  return new FlinkTsError('ERR_BUNDLE', `Could not bundle the job ${given}: esbuild reported ${count}:\n${lines.join('\n')}\n${hint}`, {
    cause: error,
  });
}

function describeMessage(message: Message, workingDir: string): string {
  const location = message.location;
  if (location === null) return message.text;
  const file = location.namespace === 'file' ? displayPath(resolve(workingDir, location.file)) : location.file;
  const source = location.lineText.trim() === '' ? '' : `\n      ${location.lineText.trim()}`;
  return `${file}:${location.line}:${location.column + 1}: ${message.text}${source}`;
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import * as api from '../../../src/api/index.js';
import { API_GLOBAL_KEY } from '../../../src/api/program-globals.js';
import { isFlinkTsError } from '../../../src/core/errors.js';
import { bundleJob } from '../../../src/client/program/job-bundler.js';

// Jobs live in a temp dir, outside this repository: 'flink-ts' must come from the shim, not from
// node_modules or the package's self-reference.
let dir: string;
let cacheDir: string;
let imports = 0;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flink-ts-bundler-test-'));
  cacheDir = join(dir, 'cache');
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeJob(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, text);
  return file;
}

/** Imports an artifact with the API installed, as the program runner does. */
async function importArtifact(artifactPath: string): Promise<Record<string, unknown>> {
  (globalThis as Record<symbol, unknown>)[API_GLOBAL_KEY] = api;
  const url = pathToFileURL(artifactPath);
  url.search = `i=${++imports}`;
  return (await import(url.href)) as Record<string, unknown>;
}

async function bundleError(jobFile: string): Promise<Error & { code?: string }> {
  try {
    await bundleJob(jobFile, { cacheDir });
  } catch (error) {
    assert.ok(isFlinkTsError(error), `expected a FlinkTsError, got ${String(error)}`);
    return error;
  }
  assert.fail(`bundling ${jobFile} should have failed`);
}

test('the flink-ts shim exports every runtime export of the API, and they are the host API objects', async () => {
  const job = await writeJob(
    'shim-exports.ts',
    `import * as flink from 'flink-ts';
     import { StreamExecutionEnvironment } from 'flink-ts';
     export const names = Object.keys(flink);
     export const env = StreamExecutionEnvironment;`,
  );
  const { artifactPath } = await bundleJob(job, { cacheDir });
  const module = await importArtifact(artifactPath);
  assert.deepEqual([...(module.names as string[])].sort(), Object.keys(api).sort());
  assert.equal(module.env, api.StreamExecutionEnvironment);
});

test('a job outside the repository bundles its relative imports and the npm packages next to it', async () => {
  await writeJob(
    'outside/node_modules/greeting-cjs/package.json',
    JSON.stringify({ name: 'greeting-cjs', version: '1.0.0', main: 'index.js' }),
  );
  // A CommonJS package that requires a Node builtin: needs the bundle's `require` banner.
  await writeJob(
    'outside/node_modules/greeting-cjs/index.js',
    `const path = require('node:path'); module.exports = (name) => 'hello ' + name + path.sep;`,
  );
  await writeJob('outside/lib/words.ts', `export const WORDS: string[] = ['a', 'b'];`);
  const job = await writeJob(
    'outside/job.ts',
    `import greet from 'greeting-cjs';
     import { WORDS } from './lib/words.js';
     import { StreamExecutionEnvironment } from 'flink-ts';
     export const greeting: string = greet(WORDS.join(''));
     export const hasEnv = typeof StreamExecutionEnvironment.getExecutionEnvironment === 'function';`,
  );
  const { artifactPath } = await bundleJob(job, { cacheDir });
  const module = await importArtifact(artifactPath);
  assert.equal(module.greeting, 'hello ab/');
  assert.equal(module.hasEnv, true);
});

test('the artifact is stored under the sha256 of its bytes and reused for the same source', async () => {
  const job = await writeJob('stable.ts', `export const answer = 42;`);
  const first = await bundleJob(job, { cacheDir });
  const second = await bundleJob(job, { cacheDir });
  assert.deepEqual(second, first);
  assert.equal(first.artifactPath, join(cacheDir, `${first.artifactHash}.mjs`));
  const bytes = await readFile(first.artifactPath);
  assert.equal(createHash('sha256').update(bytes).digest('hex'), first.artifactHash);

  await writeFile(job, `export const answer = 43;`);
  const changed = await bundleJob(job, { cacheDir });
  assert.notEqual(changed.artifactHash, first.artifactHash);
});

test('the artifact says how to run it when imported without the flink-ts host', async () => {
  const job = await writeJob('no-host.ts', `import { StreamExecutionEnvironment } from 'flink-ts'; export const env = StreamExecutionEnvironment;`);
  const { artifactPath } = await bundleJob(job, { cacheDir });
  const globals = globalThis as Record<symbol, unknown>;
  const saved = globals[API_GLOBAL_KEY];
  delete globals[API_GLOBAL_KEY];
  try {
    await assert.rejects(import(`${pathToFileURL(artifactPath).href}?no-host`), /flink-ts run <job file>/);
  } finally {
    globals[API_GLOBAL_KEY] = saved;
  }
});

test("stack traces of the artifact point at the job's own file and line", async () => {
  const job = await writeJob('throws.ts', ['const x: number = 1;', '', 'export function boom(): never {', '  throw new Error(`boom ${x}`);', '}'].join('\n'));
  const { artifactPath } = await bundleJob(job, { cacheDir });
  process.setSourceMapsEnabled(true);
  const module = await importArtifact(artifactPath);
  const error = (() => {
    try {
      (module.boom as () => never)();
    } catch (e) {
      return e as Error;
    }
    return undefined;
  })();
  assert.match(error?.stack ?? '', new RegExp(`${job.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4:`));
});

test('a syntax error names the file, line and column and esbuild text', async () => {
  const job = await writeJob('syntax.ts', `const ok = 1;\nconst broken = (ok +;\n`);
  const error = await bundleError(job);
  assert.equal(error.code, 'ERR_BUNDLE');
  assert.match(error.message, /syntax\.ts:2:\d+: Unexpected ";"/);
  assert.match(error.message, /Could not bundle the job/);
});

test('a missing job file is reported with the path that was looked for', async () => {
  const missing = join(dir, 'does-not-exist.ts');
  const error = await bundleError(missing);
  assert.equal(error.code, 'ERR_BUNDLE');
  assert.match(error.message, /Job file not found: .*does-not-exist\.ts/);
});

test('a directory is not a job file', async () => {
  const error = await bundleError(dir);
  assert.match(error.message, /is not a file/);
});

test('flink-ts subpath imports and unresolved packages are bundle errors with a hint', async () => {
  const job = await writeJob('imports.ts', `import { x } from 'flink-ts/internal';\nimport y from 'no-such-package-anywhere';\nconsole.log(x, y);\n`);
  const error = await bundleError(job);
  assert.match(error.message, /imports\.ts:1:\d+: 'flink-ts\/internal' cannot be imported/);
  assert.match(error.message, /imports\.ts:2:\d+: Could not resolve "no-such-package-anywhere"/);
  assert.match(error.message, /npm install/);
});

/**
 * The CLI's surface: help, version, `info`, and the errors reported before any job runs.
 * These spawn the built CLI (`npm run build` first; `npm test` does).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { BIN, FIXTURES, assertBuilt, describeResult, executionPlans, runCli } from './cli-harness.js';

let dir: string;

before(async () => {
  assertBuilt();
  dir = await mkdtemp(join(tmpdir(), 'flink-ts-cli-surface-'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface PlanJson {
  nodes: {
    id: number;
    type: string;
    pact: string;
    contents: string;
    parallelism: number;
    predecessors?: { id: number; ship_strategy: string; side: string }[];
  }[];
}

test('--version prints the package version', async () => {
  const result = await runCli(['--version']);
  assert.equal(result.code, 0, describeResult(result));
  assert.match(result.stdout, /^flink-ts\/0\.1\.0 /);
});

test('--help lists the run and info commands', async () => {
  const result = await runCli(['--help']);
  assert.equal(result.code, 0, describeResult(result));
  assert.match(result.stdout, /\n\s+run\s+Run a job/);
  assert.match(result.stdout, /\n\s+info\s+Print a job's execution plan/);
});

test('run --help shows the usage, every flag and examples', async () => {
  const result = await runCli(['run', '--help']);
  assert.equal(result.code, 0, describeResult(result));
  for (const expected of ['USAGE', '-p, --parallelism=<n>', '-d, --detached', '-t, --target=<target>', '-D, --property=<key=value>', 'EXAMPLES']) {
    assert.ok(result.stdout.includes(expected), `missing ${expected} in:\n${result.stdout}`);
  }
  assert.match(result.stdout, /flink-ts run examples\/word-count\.ts/);
});

test('info --help shows the usage and examples', async () => {
  const result = await runCli(['info', '--help']);
  assert.equal(result.code, 0, describeResult(result));
  assert.match(result.stdout, /USAGE[\s\S]*flink-ts info[\s\S]*EXAMPLES/);
});

test("info prints one plan per execute() in Flink's JSON shape, at the -p parallelism", async () => {
  const result = await runCli(['info', '-p', '3', join(FIXTURES, 'two-jobs.ts')]);
  assert.equal(result.code, 0, describeResult(result));
  const plans = executionPlans(result.stdout) as PlanJson[];
  assert.equal(plans.length, 2, describeResult(result));
  const [first, second] = plans as [PlanJson, PlanJson];
  for (const node of [...first.nodes, ...second.nodes]) {
    assert.deepEqual(Object.keys(node).slice(0, 5), ['id', 'type', 'pact', 'contents', 'parallelism']);
  }
  assert.deepEqual(
    second.nodes.map((node) => node.pact),
    ['Data Source', 'Operator', 'Data Sink'],
  );
  const map = second.nodes[1];
  assert.equal(map?.parallelism, 3);
  assert.deepEqual(Object.keys(map?.predecessors?.[0] ?? {}), ['id', 'ship_strategy', 'side']);
});

test('info shows a keyed exchange as a HASH ship strategy', async () => {
  const result = await runCli(['info', join(FIXTURES, 'word-count-collect.ts')]);
  assert.equal(result.code, 0, describeResult(result));
  const [plan] = executionPlans(result.stdout) as PlanJson[];
  const strategies = (plan?.nodes ?? []).flatMap((node) => (node.predecessors ?? []).map((p) => p.ship_strategy));
  assert.ok(strategies.includes('HASH'), `ship strategies: ${strategies.join(', ')}`);
});

test('everything after the job file reaches the job unchanged, even --help and -p', async () => {
  const result = await runCli(['info', join(FIXTURES, 'echo-args.ts'), '--input', 'x', '-p', '3', '--help']);
  assert.equal(result.code, 0, describeResult(result));
  assert.ok(result.stdout.includes('ARGS ["--input","x","-p","3","--help"]'), describeResult(result));
});

test('info works for a job file outside the repository', async () => {
  const job = join(dir, 'outside.mjs');
  await writeFile(
    job,
    `import { StreamExecutionEnvironment } from 'flink-ts';
     const env = StreamExecutionEnvironment.getExecutionEnvironment();
     env.fromElements('x').map((s) => s.toUpperCase()).name('upper').print();
     await env.execute('outside');`,
  );
  const result = await runCli(['info', job], { cwd: dir });
  assert.equal(result.code, 0, describeResult(result));
  const [plan] = executionPlans(result.stdout) as PlanJson[];
  assert.ok(plan?.nodes.some((node) => node.type === 'upper'), describeResult(result));
});

test('an unknown target is a usage error (exit 2) naming the available targets', async () => {
  const result = await runCli(['run', '-t', 'kubernetes-session', join(FIXTURES, 'print-elements.ts')]);
  assert.equal(result.code, 2, describeResult(result));
  assert.match(
    result.stderr,
    /Unknown target 'kubernetes-session'\. Available targets: local, remote, ssh-per-job, ssh-application, pool-session, pool-per-job, pool-application \(and yarn-session, yarn-per-job, yarn-application for the pool ones\)/,
  );
});

test('a bad -D value exits 1 with the configuration error', async () => {
  const result = await runCli(['run', '-D', 'parallelism.default=zero', join(FIXTURES, 'print-elements.ts')]);
  assert.equal(result.code, 1, describeResult(result));
  assert.equal(result.stderr.trim(), "-D parallelism.default=zero: invalid value 'zero' for 'parallelism.default': expected an integer >= 1.");
});

test('a misspelt -D key exits 1 with a suggestion', async () => {
  const result = await runCli(['info', '-Dparalelism.default=2', join(FIXTURES, 'print-elements.ts')]);
  assert.equal(result.code, 1, describeResult(result));
  assert.match(result.stderr, /unknown configuration key 'paralelism\.default'\. Did you mean 'parallelism\.default'\?/);
});

test('-d with the local target is a usage error', async () => {
  const result = await runCli(['run', '-d', join(FIXTURES, 'print-elements.ts')]);
  assert.equal(result.code, 2, describeResult(result));
  assert.match(result.stderr, /Detached mode \(-d\) is not available for the 'local' target/);
});

test('a missing job file exits 1 naming it', async () => {
  const result = await runCli(['run', 'no/such/job.ts']);
  assert.equal(result.code, 1, describeResult(result));
  assert.match(result.stderr, /Job file not found: no\/such\/job\.ts/);
});

test('no job file at all is a usage error', async () => {
  const result = await runCli(['run', '-p', '2']);
  assert.equal(result.code, 2, describeResult(result));
  assert.match(result.stderr, /Missing the job file/);
});

test('a syntax error exits 1 naming file, line and column', async () => {
  const job = join(dir, 'broken.ts');
  await writeFile(job, `import { StreamExecutionEnvironment } from 'flink-ts';\nconst env = StreamExecutionEnvironment.getExecutionEnvironment(;\n`);
  const result = await runCli(['run', job]);
  assert.equal(result.code, 1, describeResult(result));
  assert.match(result.stderr, /broken\.ts:2:\d+: Unexpected ";"/);
});

test('a job that throws in its main code exits 1 with the exception and where it was thrown', async () => {
  const result = await runCli(['run', join(FIXTURES, 'throws-in-main.ts'), '--wrong']);
  assert.equal(result.code, 1, describeResult(result));
  assert.match(result.stderr, /The program finished with the following exception:/);
  assert.match(result.stderr, /ProgramInvocationException: The main method caused an error: Invalid arguments \[--wrong\]/);
  assert.match(result.stderr, /Caused by: Error: Invalid arguments \[--wrong\]: expected --input <path>\n\s+at .*throws-in-main\.ts:5:\d+/);
  assert.doesNotMatch(result.stdout, /Job has been submitted/);
});

test("a job that never calls execute() exits 1 with Flink's message", async () => {
  for (const command of ['run', 'info']) {
    const result = await runCli([command, join(FIXTURES, 'no-execute.ts')]);
    assert.equal(result.code, 1, describeResult(result));
    assert.match(result.stderr, /The program didn't contain a Flink job\. Perhaps you forgot to call execute\(\) on the execution environment\./);
  }
});

test('the CLI says how to build it when dist/ is missing', async () => {
  const installation = join(dir, 'unbuilt');
  await mkdir(join(installation, 'bin'), { recursive: true });
  await copyFile(BIN, join(installation, 'bin', 'flink-ts'));
  await writeFile(join(installation, 'package.json'), JSON.stringify({ name: 'flink-ts', type: 'module' }));
  const copy = spawnSync(process.execPath, [join(installation, 'bin', 'flink-ts'), '--version'], { encoding: 'utf8' });
  assert.equal(copy.status, 1);
  assert.equal(copy.stderr.trim(), `flink-ts is not built: run \`npm install\` (or \`npm run build\`) in ${installation}`);
});

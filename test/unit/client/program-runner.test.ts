import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { EnvironmentDefaults } from '../../../src/api/environment/execution-context.js';
import { toExecutionPlan } from '../../../src/api/graph/execution-plan-json.js';
import { bundleJob } from '../../../src/client/program/job-bundler.js';
import {
  MISSING_JOB_MESSAGE,
  ProgramInvocationException,
  ProgramMissingJobException,
  createPlanContext,
  getPlans,
  runProgram,
} from '../../../src/client/program/program-runner.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/jobs/', import.meta.url));

const DEFAULTS: EnvironmentDefaults = {
  parallelism: 1,
  maxParallelism: undefined,
  runtimeMode: 'STREAMING',
  bufferTimeout: 100,
  chainingEnabled: true,
  chainOperatorsWithDifferentMaxParallelism: true,
};

let dir: string;
let cacheDir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flink-ts-runner-test-'));
  cacheDir = join(dir, 'cache');
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function artifactOf(fixture: string): Promise<string> {
  return (await bundleJob(join(FIXTURES, fixture), { cacheDir })).artifactPath;
}

async function artifactFrom(name: string, source: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, source);
  return (await bundleJob(file, { cacheDir })).artifactPath;
}

test('plan mode records the graph of every execute() without running a job', async () => {
  const { graphs, stoppedBy } = await getPlans(await artifactOf('two-jobs.ts'), { args: [], defaults: DEFAULTS });
  assert.deepEqual(
    graphs.map((graph) => graph.jobName),
    ['first-job', 'second-job'],
  );
  assert.equal(stoppedBy, undefined);
  const plan = toExecutionPlan(graphs[1] ?? assert.fail('no second graph'));
  assert.deepEqual(
    plan.nodes.map((node) => node.pact),
    ['Data Source', 'Operator', 'Data Sink'],
  );
});

test('the plan uses the environment defaults it is given', async () => {
  const artifact = await artifactFrom(
    'defaults.ts',
    `import { StreamExecutionEnvironment } from 'flink-ts';
     const env = StreamExecutionEnvironment.getExecutionEnvironment();
     env.fromSequence(1, 10).map((n: number) => n + 1).name('plus-one').print();
     await env.execute('defaults');`,
  );
  const { graphs } = await getPlans(artifact, { args: [], defaults: { ...DEFAULTS, parallelism: 3 } });
  const nodes = toExecutionPlan(graphs[0] ?? assert.fail('no graph')).nodes;
  assert.equal(nodes.find((node) => node.type === 'plus-one')?.parallelism, 3);
});

test('a program that needs a job result stops there in plan mode, which is not a failure', async () => {
  const { graphs, stoppedBy } = await getPlans(await artifactOf('word-count-collect.ts'), { args: [], defaults: DEFAULTS });
  assert.equal(graphs.length, 1);
  assert.equal(stoppedBy, undefined);
});

test('a program without execute() is reported with Flink\'s message', async () => {
  const artifact = await artifactOf('no-execute.ts');
  await assert.rejects(getPlans(artifact, { args: [], defaults: DEFAULTS }), (error: unknown) => {
    assert.ok(error instanceof ProgramMissingJobException);
    assert.equal(error.message, MISSING_JOB_MESSAGE);
    return true;
  });
});

test('an exception thrown by the program is wrapped with the original as its cause', async () => {
  const artifact = await artifactOf('throws-in-main.ts');
  await assert.rejects(getPlans(artifact, { args: ['--oops'], defaults: DEFAULTS }), (error: unknown) => {
    assert.ok(error instanceof ProgramInvocationException);
    assert.equal(error.code, 'ERR_INVALID_PROGRAM');
    assert.match(error.message, /^The main method caused an error: Invalid arguments \[--oops\]/);
    assert.ok(error.cause instanceof Error);
    return true;
  });
});

test('a program failing after its first job still yields that job\'s plan, with the failure', async () => {
  const artifact = await artifactFrom(
    'fails-later.ts',
    `import { StreamExecutionEnvironment } from 'flink-ts';
     const env = StreamExecutionEnvironment.getExecutionEnvironment();
     env.fromElements(1).print();
     await env.execute('only');
     throw new Error('after the first job');`,
  );
  const { graphs, stoppedBy } = await getPlans(artifact, { args: [], defaults: DEFAULTS });
  assert.equal(graphs.length, 1);
  assert.match(stoppedBy?.message ?? '', /after the first job/);
});

test('the program sees its own arguments through the environment and process.argv', async () => {
  const artifact = await artifactFrom(
    'args.ts',
    `import { StreamExecutionEnvironment } from 'flink-ts';
     const env = StreamExecutionEnvironment.getExecutionEnvironment();
     (globalThis as Record<string, unknown>).__seenArgs = { env: env.getArgs(), argv: process.argv.slice(2) };
     env.fromElements(1).print();
     await env.execute('args');`,
  );
  const argvBefore = process.argv;
  const context = createPlanContext(['--input', 'x', '-p', '3'], DEFAULTS);
  await runProgram(artifact, context);
  const seen = (globalThis as Record<string, unknown>).__seenArgs;
  assert.deepEqual(seen, { env: ['--input', 'x', '-p', '3'], argv: ['--input', 'x', '-p', '3'] });
  assert.equal(process.argv, argvBefore);
});

test('running the same artifact twice runs the program twice', async () => {
  const artifact = await artifactOf('two-jobs.ts');
  const context = createPlanContext([], DEFAULTS);
  await runProgram(artifact, context);
  await runProgram(artifact, context);
  assert.equal(context.plans.length, 4);
});

/**
 * `flink-ts run` end to end on the local target: the built CLI runs real jobs on an in-process
 * MiniCluster, prints their output and result, and exits with the job's outcome.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { FIXTURES, ROOT, assertBuilt, describeResult, runCli, startCli } from './cli-harness.js';

let dir: string;

before(async () => {
  assertBuilt();
  dir = await mkdtemp(join(tmpdir(), 'flink-ts-cli-run-'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const CLIENT_LINE = /^(Job has been submitted with JobID |Program execution finished$|Job with JobID |Job Runtime: |Accumulator Results:|- )/;

/** The job's own output: stdout without the client's report lines. */
function jobOutput(stdout: string): string[] {
  return stdout.split('\n').filter((line) => line !== '' && !CLIENT_LINE.test(line));
}

function submittedJobIds(stdout: string): string[] {
  return [...stdout.matchAll(/^Job has been submitted with JobID ([0-9a-f]{32})$/gm)].map((match) => match[1] ?? '');
}

test('a job printing three elements at parallelism 1 prints them and its result, exit 0', async () => {
  const result = await runCli(['run', join(FIXTURES, 'print-elements.ts')]);
  assert.equal(result.code, 0, describeResult(result));
  assert.deepEqual(jobOutput(result.stdout), ['alpha', 'beta', 'gamma']);
  const [jobId] = submittedJobIds(result.stdout);
  assert.ok(jobId !== undefined, describeResult(result));
  assert.match(result.stdout, new RegExp(`Program execution finished\\nJob with JobID ${jobId} has finished\\.\\nJob Runtime: \\d+ ms\\n`));
  assert.ok(result.stdout.indexOf('Job has been submitted') < result.stdout.indexOf('Job Runtime:'));
});

test('a word count at parallelism 2 gives exact counts', async () => {
  const result = await runCli(['run', join(FIXTURES, 'word-count-collect.ts')]);
  assert.equal(result.code, 0, describeResult(result));
  assert.deepEqual(jobOutput(result.stdout), ['be=3', 'is=1', 'not=1', 'or=1', 'question=1', 'that=1', 'the=1', 'to=3']);
});

test('-p sets the parallelism of operators that do not set their own', async () => {
  const job = join(dir, 'subtasks.ts');
  await writeFile(
    job,
    `import { StreamExecutionEnvironment } from 'flink-ts';
     const env = StreamExecutionEnvironment.getExecutionEnvironment();
     const seen = await env.fromSequence(1, 100).map((n: number) => n).executeAndCollect('subtasks');
     console.log('PARALLELISM ' + env.getParallelism() + ' COUNT ' + seen.length);`,
  );
  const result = await runCli(['run', '-p', '3', job]);
  assert.equal(result.code, 0, describeResult(result));
  assert.ok(result.stdout.includes('PARALLELISM 3 COUNT 100'), describeResult(result));
});

test('a job whose map throws FAILS: exit 1, stderr names the operator, the subtask and the cause', async () => {
  const result = await runCli(['run', join(FIXTURES, 'failing-map.ts')]);
  assert.equal(result.code, 1, describeResult(result));
  assert.equal(submittedJobIds(result.stdout).length, 1, describeResult(result));
  assert.match(result.stderr, /The program finished with the following exception:/);
  assert.match(result.stderr, /Caused by: JobExecutionException: Job execution failed\./);
  assert.match(result.stderr, /Failing Map/);
  assert.match(result.stderr, /\(1\/1\)/);
  assert.match(result.stderr, /record 2 is not allowed/);
  assert.doesNotMatch(result.stdout, /Program execution finished/);
});

test('a program with two execute() calls runs two jobs, one after the other', async () => {
  const result = await runCli(['run', join(FIXTURES, 'two-jobs.ts')]);
  assert.equal(result.code, 0, describeResult(result));
  const ids = submittedJobIds(result.stdout);
  assert.equal(ids.length, 2, describeResult(result));
  assert.notEqual(ids[0], ids[1]);
  for (const id of ids) assert.ok(result.stdout.includes(`Job with JobID ${id} has finished.`), describeResult(result));
  assert.deepEqual(jobOutput(result.stdout).sort(), ['10', '20', '30', 'first']);
});

test('the job gets everything after the job file, even arguments that look like CLI flags', async () => {
  const result = await runCli(['run', join(FIXTURES, 'echo-args.ts'), '--input', 'x', '-p', '3', '--help']);
  assert.equal(result.code, 0, describeResult(result));
  assert.ok(result.stdout.includes('ARGS ["--input","x","-p","3","--help"]'), describeResult(result));
});

test('a job file outside the repository runs, from its own directory', async () => {
  const job = join(dir, 'outside-job.mjs');
  await writeFile(
    job,
    `import { StreamExecutionEnvironment } from 'flink-ts';
     const env = StreamExecutionEnvironment.getExecutionEnvironment();
     env.setParallelism(1);
     env.fromElements(1, 2, 3).map((n) => n * n).print();
     await env.execute('outside');`,
  );
  const result = await runCli(['run', 'outside-job.mjs'], { cwd: dir });
  assert.equal(result.code, 0, describeResult(result));
  assert.deepEqual(jobOutput(result.stdout), ['1', '4', '9']);
});

test('the word count example runs from the repository root and, by absolute path, from elsewhere', async () => {
  const fromRoot = await runCli(['run', 'examples/word-count.ts'], { cwd: ROOT });
  assert.equal(fromRoot.code, 0, describeResult(fromRoot));
  assert.match(fromRoot.stdout, /Job Runtime: \d+ ms/);
  const fromElsewhere = await runCli(['run', join(ROOT, 'examples', 'word-count.ts')], { cwd: dir });
  assert.equal(fromElsewhere.code, 0, describeResult(fromElsewhere));
  assert.match(fromElsewhere.stdout, /Job Runtime: \d+ ms/);
});

test('Ctrl-C on an attached run cancels the job, waits for CANCELED and exits 1', async () => {
  // The job reads from this server, which never sends a line: it runs until canceled.
  const connected = new Set<Socket>();
  let onConnection: () => void = () => undefined;
  const sourceConnected = new Promise<void>((resolve) => {
    onConnection = resolve;
  });
  const server: Server = createServer((socket) => {
    connected.add(socket);
    onConnection();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const address = server.address();
    assert.ok(address !== null && typeof address === 'object');
    const cli = startCli(['run', join(FIXTURES, 'socket-until-canceled.ts'), String(address.port)]);
    await cli.waitForStdout(/Job has been submitted with JobID ([0-9a-f]{32})/);
    await sourceConnected;
    cli.child.kill('SIGINT');
    const result = await cli.exited;
    assert.equal(result.code, 1, describeResult(result));
    assert.match(result.stderr, /Received SIGINT: cancelling the running job\(s\)/);
    assert.match(result.stderr, /has been canceled \(CANCELED\)/);
  } finally {
    for (const socket of connected) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

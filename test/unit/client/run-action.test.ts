import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { JobClient, JobStatus } from '../../../src/api/environment/job-client.js';
import type { StreamGraph } from '../../../src/api/graph/stream-graph.js';
import type { ClientOutput } from '../../../src/client/cli-output.js';
import type { PipelineExecutor } from '../../../src/client/pipeline-executor.js';
import type { InterruptSignal, RunJobOptions, SignalSource } from '../../../src/client/run-action.js';
import type { ProgramInfo } from '../../../src/runtime/jobgraph/program-info.js';
import { JobExecutionException, JobExecutionResult } from '../../../src/api/environment/job-execution-result.js';
import { runJob } from '../../../src/client/run-action.js';
import type { Configuration } from '../../../src/config/index.js';
import { SAVEPOINT_IGNORE_UNCLAIMED_STATE, SAVEPOINT_PATH } from '../../../src/config/index.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/jobs/', import.meta.url));

/** A job of the test executor: it ends when the test says so (or when canceled, if `cancellable`). */
class TestingJob implements JobClient {
  status: JobStatus = 'RUNNING';
  cancelRequests = 0;
  private readonly result: Promise<JobExecutionResult>;
  private resolveResult: (result: JobExecutionResult) => void = () => undefined;
  private rejectResult: (error: unknown) => void = () => undefined;

  constructor(
    readonly jobId: string,
    readonly graph: StreamGraph,
    readonly program: ProgramInfo,
    private readonly cancellable: boolean,
  ) {
    this.result = new Promise<JobExecutionResult>((resolve, reject) => {
      this.resolveResult = resolve;
      this.rejectResult = reject;
    });
  }

  finish(netRuntime: number, accumulators: Record<string, number> = {}): void {
    this.status = 'FINISHED';
    this.resolveResult(new JobExecutionResult(this.jobId, netRuntime, accumulators));
  }

  fail(cause: Error): void {
    this.status = 'FAILED';
    this.rejectResult(new JobExecutionException(this.jobId, 'FAILED', 'Job execution failed.', { cause }));
  }

  getJobStatus(): Promise<JobStatus> {
    return Promise.resolve(this.status);
  }

  cancel(): Promise<void> {
    this.cancelRequests++;
    if (this.cancellable && this.status === 'RUNNING') {
      this.status = 'CANCELED';
      this.rejectResult(new JobExecutionException(this.jobId, 'CANCELED', 'Job was cancelled.'));
    }
    return Promise.resolve();
  }

  getJobExecutionResult(): Promise<JobExecutionResult> {
    return this.result;
  }

  getCollectedResults(): Promise<unknown[]> {
    return Promise.resolve([]);
  }
}

/** Records submissions; `onSubmit` decides what each job does. */
class TestingExecutor implements PipelineExecutor {
  readonly jobs: TestingJob[] = [];
  constructor(
    private readonly onSubmit: (job: TestingJob) => void,
    private readonly cancellable = true,
  ) {}

  execute(graph: StreamGraph, program: ProgramInfo): Promise<JobClient> {
    const job = new TestingJob(`job${this.jobs.length + 1}`.padEnd(32, '0'), graph, program, this.cancellable);
    this.jobs.push(job);
    this.onSubmit(job);
    return Promise.resolve(job);
  }
}

class RecordingOutput implements ClientOutput {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  out(line: string): void {
    this.stdout.push(line);
  }
  err(line: string): void {
    this.stderr.push(line);
  }
}

class TestingSignals implements SignalSource {
  private handler: ((signal: InterruptSignal) => void) | undefined;
  subscribe(handler: (signal: InterruptSignal) => void): () => void {
    this.handler = handler;
    return () => {
      this.handler = undefined;
    };
  }
  send(signal: InterruptSignal): void {
    this.handler?.(signal);
  }
}

let dir: string;
let confDir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flink-ts-run-action-test-'));
  confDir = join(dir, 'conf');
  await mkdir(confDir);
  await writeFile(join(confDir, 'config.yaml'), '');
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function options(jobFile: string, executor: PipelineExecutor, overrides: Partial<RunJobOptions> = {}): RunJobOptions & { output: RecordingOutput } {
  return {
    jobFile: join(FIXTURES, jobFile),
    jobArgs: [],
    detached: false,
    dynamicProperties: [],
    env: { FLINK_TS_CONF_DIR: confDir },
    artifactCacheDir: join(dir, 'artifacts'),
    createExecutor: () => Promise.resolve(executor),
    signals: new TestingSignals(),
    ...overrides,
    output: new RecordingOutput(),
  };
}

test('a finished job prints its id, runtime and accumulators and exits 0', async () => {
  const executor = new TestingExecutor((job) => {
    setImmediate(() => {
      job.finish(42, { records: 3 });
    });
  });
  const run = options('print-elements.ts', executor);
  assert.equal(await runJob(run), 0);
  const jobId = executor.jobs[0]?.jobId ?? assert.fail('no job submitted');
  assert.deepEqual(run.output.stdout, [
    `Job has been submitted with JobID ${jobId}`,
    'Program execution finished',
    `Job with JobID ${jobId} has finished.`,
    'Job Runtime: 42 ms',
    'Accumulator Results: ',
    '- records (number): 3',
  ]);
  assert.deepEqual(run.output.stderr, []);
});

test('the job is built from the artifact, the job arguments and the configured defaults', async () => {
  const executor = new TestingExecutor((job) => {
    setImmediate(() => {
      job.finish(1);
    });
  });
  const run = options('echo-args.ts', executor, { jobArgs: ['--input', 'x'], parallelism: 3, dynamicProperties: ['execution.runtime-mode=BATCH'] });
  assert.equal(await runJob(run), 0);
  const program = executor.jobs[0]?.program ?? assert.fail('no job submitted');
  assert.deepEqual(program.args, ['--input', 'x']);
  assert.equal(program.defaults.parallelism, 3);
  assert.equal(program.defaults.runtimeMode, 'BATCH');
  assert.equal(program.executeIndex, 0);
  assert.match(program.artifactPath, /[0-9a-f]{64}\.mjs$/);
});

test('a failed job makes the program fail: exit 1 and the cause chain on stderr', async () => {
  const executor = new TestingExecutor((job) => {
    setImmediate(() => {
      job.fail(new Error("Operator 'Failing Map' (1/1) failed: record 2 is not allowed"));
    });
  });
  const run = options('failing-map.ts', executor);
  assert.equal(await runJob(run), 1);
  const stderr = run.output.stderr.join('\n');
  assert.match(stderr, /The program finished with the following exception:/);
  assert.match(stderr, /Caused by: JobExecutionException: Job execution failed\./);
  assert.match(stderr, /Caused by: Error: Operator 'Failing Map' \(1\/1\) failed: record 2 is not allowed/);
});

test('an exception in the program before any job exits 1 with the exception', async () => {
  const executor = new TestingExecutor(() => undefined);
  const run = options('throws-in-main.ts', executor, { jobArgs: ['--bad'] });
  assert.equal(await runJob(run), 1);
  assert.equal(executor.jobs.length, 0);
  assert.match(run.output.stderr.join('\n'), /The main method caused an error: Invalid arguments \[--bad\]/);
});

test('a program without execute() exits 1 with Flink\'s message', async () => {
  const run = options('no-execute.ts', new TestingExecutor(() => undefined));
  assert.equal(await runJob(run), 1);
  assert.match(run.output.stderr.join('\n'), /The program didn't contain a Flink job\. Perhaps you forgot to call execute\(\)/);
});

test('the first interrupt cancels the running job, waits for CANCELED and exits 1', async () => {
  const signals = new TestingSignals();
  const executor = new TestingExecutor(() => {
    setImmediate(() => {
      signals.send('SIGINT');
    });
  });
  const run = options('print-elements.ts', executor, { signals });
  assert.equal(await runJob(run), 1);
  const job = executor.jobs[0] ?? assert.fail('no job submitted');
  assert.equal(job.status, 'CANCELED');
  assert.equal(job.cancelRequests, 1);
  const stderr = run.output.stderr.join('\n');
  assert.match(stderr, /Received SIGINT: cancelling the running job\(s\)/);
  assert.match(stderr, new RegExp(`Job with JobID ${job.jobId} has been canceled \\(CANCELED\\)`));
});

test('a second interrupt exits at once, without waiting for the cancellation', async () => {
  const signals = new TestingSignals();
  // Jobs of this executor ignore cancel requests: only the second signal can end the run.
  const executor = new TestingExecutor(() => {
    setImmediate(() => {
      signals.send('SIGTERM');
      setImmediate(() => {
        signals.send('SIGTERM');
      });
    });
  }, false);
  const run = options('print-elements.ts', executor, { signals });
  assert.equal(await runJob(run), 1);
  assert.equal(executor.jobs[0]?.status, 'RUNNING');
  assert.match(run.output.stderr.join('\n'), /Received SIGTERM again: exiting without waiting/);
});

test('every execute() of a program is submitted, each with its own execute index', async () => {
  const executor = new TestingExecutor((job) => {
    setImmediate(() => {
      job.finish(1);
    });
  });
  const run = options('two-jobs.ts', executor);
  assert.equal(await runJob(run), 0);
  assert.deepEqual(
    executor.jobs.map((job) => [job.graph.jobName, job.program.executeIndex]),
    [
      ['first-job', 0],
      ['second-job', 1],
    ],
  );
});

test('a job the program submitted without waiting for still decides the exit code', async () => {
  await writeFile(
    join(dir, 'async-job.ts'),
    `import { StreamExecutionEnvironment } from 'flink-ts';
     const env = StreamExecutionEnvironment.getExecutionEnvironment();
     env.fromElements(1).print();
     await env.executeAsync('fire-and-forget');`,
  );
  const executor = new TestingExecutor((job) => {
    setImmediate(() => {
      job.fail(new Error('lost'));
    });
  });
  const run = options('print-elements.ts', executor, { jobFile: join(dir, 'async-job.ts') });
  assert.equal(await runJob(run), 1);
  assert.match(run.output.stderr.join('\n'), /ended FAILED:[\s\S]*Caused by: Error: lost/);
});

test('an unknown target is a usage error naming the available targets', async () => {
  const run = options('print-elements.ts', new TestingExecutor(() => undefined), { target: 'kubernetes-session' });
  assert.equal(await runJob(run), 2);
  assert.deepEqual(run.output.stderr, [
    "Unknown target 'kubernetes-session'. Available targets: local, remote, ssh-per-job, ssh-application, pool-session, pool-per-job, pool-application (and yarn-session, yarn-per-job, yarn-application for the pool ones).",
  ]);
});

test('an unknown target in the configuration is a configuration error (exit 1)', async () => {
  const run = options('print-elements.ts', new TestingExecutor(() => undefined), { dynamicProperties: ['execution.target=kubernetes-session'] });
  assert.equal(await runJob(run), 1);
  assert.match(run.output.stderr.join('\n'), /Unknown target 'kubernetes-session'/);
});

test('detached mode on the local target is a usage error', async () => {
  const run = options('print-elements.ts', new TestingExecutor(() => undefined), { detached: true });
  assert.equal(await runJob(run), 2);
  assert.match(run.output.stderr.join('\n'), /Detached mode \(-d\) is not available for the 'local' target/);
});

test('an invalid -D value exits 1 with the configuration error', async () => {
  const run = options('print-elements.ts', new TestingExecutor(() => undefined), { dynamicProperties: ['parallelism.default=0'] });
  assert.equal(await runJob(run), 1);
  assert.deepEqual(run.output.stderr, ["-D parallelism.default=0: invalid value '0' for 'parallelism.default': expected an integer >= 1."]);
});

test('a missing job file exits 1 naming the file', async () => {
  const run = options('print-elements.ts', new TestingExecutor(() => undefined), { jobFile: join(dir, 'missing.ts') });
  assert.equal(await runJob(run), 1);
  assert.match(run.output.stderr.join('\n'), /Job file not found: .*missing\.ts/);
});

test('-s and -n set the restore path and ignore-unclaimed-state in the run configuration', async () => {
  const configurations: Configuration[] = [];
  const executor = new TestingExecutor((job) => {
    setImmediate(() => {
      job.finish(1);
    });
  });
  const capture = (overrides: Partial<RunJobOptions>): RunJobOptions & { output: RecordingOutput } => ({
    ...options('print-elements.ts', executor, overrides),
    createExecutor: (_target, executorOptions) => {
      configurations.push(executorOptions.configuration);
      return Promise.resolve(executor);
    },
  });
  assert.equal(await runJob(capture({ fromSavepoint: '/data/savepoints/savepoint-abc', allowNonRestoredState: true })), 0);
  assert.equal(await runJob(capture({})), 0);
  // -s wins over -D, as Flink's CLI options win over dynamic properties.
  assert.equal(await runJob(capture({ fromSavepoint: '/cli', dynamicProperties: ['execution.state-recovery.path=/dynamic', 'execution.state-recovery.ignore-unclaimed-state=true'] })), 0);
  const [restored, plain, both] = configurations;
  assert.equal(restored?.get(SAVEPOINT_PATH), '/data/savepoints/savepoint-abc');
  assert.equal(restored?.get(SAVEPOINT_IGNORE_UNCLAIMED_STATE), true);
  assert.equal(plain?.get(SAVEPOINT_PATH), undefined);
  assert.equal(plain?.get(SAVEPOINT_IGNORE_UNCLAIMED_STATE), false);
  assert.equal(both?.get(SAVEPOINT_PATH), '/cli');
  // Without -n, a -D value stays.
  assert.equal(both?.get(SAVEPOINT_IGNORE_UNCLAIMED_STATE), true);
});

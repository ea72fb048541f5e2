import { mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchCluster } from './cluster.js';
import { processCpuMs, withCluster } from './cluster.js';
import { describeLoad, machineLoad } from './machine-load.js';
import { median, round } from './wordcount-local.js';

/** Enough that a run takes over 8 s on this machine (2–3 M records/s when it is quiet), so that several checkpoints happen. */
const RECORDS = Number(process.env.FLINK_TS_BENCH_CHECKPOINT_RECORDS ?? 25_000_000);
const ROUNDS = Number(process.env.FLINK_TS_BENCH_ROUNDS ?? 5);
const INTERVAL = '1s';
const TARGET = 0.9;

/**
 * What checkpointing costs a throughput job: bench/jobs/wordcount-cluster.ts (Zipf words → keyBy →
 * sum → discard, p=2 on 1 JobManager + 2 TaskManagers of one slot) with checkpoints every second
 * to a filesystem directory, against the same job without checkpoints, on the same cluster.
 * Interleaved rounds, the order alternating per round, after one warm-up run of each; rate is
 * records / job runtime. ratio = throughput with / without (target ≥ 0.9).
 *
 * The checkpoints of each run come from the JobManager log (`Completed checkpoint <n> for job <id>
 * (<bytes> bytes, checkpointDuration=<ms> ms, …)`): their count, median duration and size are
 * printed per run, so one sees they happened. The keyed `sum` holds one entry per distinct word
 * (about 10k per subtask), snapshotted synchronously in the task at every barrier.
 */
export async function checkpointOverhead(): Promise<Record<string, unknown>> {
  const loadBefore = machineLoad();
  const runs = await withCluster(2, async (cluster) => {
    const withCp: Run[] = [];
    const without: Run[] = [];
    // Warm-up: the first job on a fresh cluster pays for compiling the runtime in the slot workers.
    const pids = [...cluster.pids('standalonesession'), ...cluster.pids('taskexecutor')];
    const cpuMs = (): number => pids.reduce((sum, pid) => sum + processCpuMs(pid), 0);
    await runJob(cluster, false, -1, cpuMs);
    await runJob(cluster, true, -1, cpuMs);
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? [true, false] : [false, true];
      for (const checkpointing of order) {
        const run = await runJob(cluster, checkpointing, round, cpuMs);
        (checkpointing ? withCp : without).push(run);
        console.log(
          `  round ${round + 1} ${checkpointing ? 'with   ' : 'without'}: ${run.runtimeMs} ms, cluster CPU ${run.cpuMs.toFixed(0)} ms` +
            (checkpointing
              ? `, ${run.checkpoints.length} checkpoints completed (median ${fmt(median(run.checkpoints.map((c) => c.ms)))} ms, ` +
                `${(median(run.checkpoints.map((c) => c.bytes)) / 1024).toFixed(0)} KiB)`
              : ''),
        );
      }
    }
    return { withCp, without };
  });
  const loadAfter = machineLoad();

  const withMs = median(runs.withCp.map((r) => r.runtimeMs));
  const withoutMs = median(runs.without.map((r) => r.runtimeMs));
  const ratio = withoutMs / withMs;
  const perRound = runs.withCp.map((r, i) => (runs.without[i]?.runtimeMs ?? Number.NaN) / r.runtimeMs);
  const all = runs.withCp.flatMap((r) => r.checkpoints);
  const counts = runs.withCp.map((r) => r.checkpoints.length);
  const cpMs = median(all.map((c) => c.ms));
  const cpBytes = median(all.map((c) => c.bytes));
  const rate = (ms: number): string => (RECORDS / ms / 1000).toFixed(2);

  console.log(`records: ${RECORDS} per run; checkpoint interval ${INTERVAL}; ${ROUNDS} interleaved rounds`);
  console.log(`machine before: ${describeLoad(loadBefore)}; after: ${describeLoad(loadAfter)}`);
  console.log(`without checkpoints: ${rate(withoutMs)} M records/s (${withoutMs} ms job runtime, median; runs ${runs.without.map((r) => r.runtimeMs).join(', ')})`);
  console.log(`with checkpoints:    ${rate(withMs)} M records/s (${withMs} ms job runtime, median; runs ${runs.withCp.map((r) => r.runtimeMs).join(', ')})`);
  console.log(
    `checkpoints completed per run: ${counts.join(', ')}; over all runs: duration median ${fmt(cpMs)} ms ` +
      `(${fmt(Math.min(...all.map((c) => c.ms)))}–${fmt(Math.max(...all.map((c) => c.ms)))}), size median ${(cpBytes / 1024).toFixed(0)} KiB`,
  );
  const withCpu = median(runs.withCp.map((r) => r.cpuMs));
  const withoutCpu = median(runs.without.map((r) => r.cpuMs));
  console.log(
    `CPU time of the cluster's processes (all threads) per run: with ${withCpu.toFixed(0)} ms, without ${withoutCpu.toFixed(0)} ms ` +
      `(without / with = ${(withoutCpu / withCpu).toFixed(2)}; less distorted by other load than wall time)`,
  );
  const withProcessing = median(runs.withCp.map((r) => r.processingMs));
  const withoutProcessing = median(runs.without.map((r) => r.processingMs));
  console.log(
    `first to last record at the sinks: with ${withProcessing} ms, without ${withoutProcessing} ms (without / with = ${(withoutProcessing / withProcessing).toFixed(2)})`,
  );
  console.log(`ratio per round: ${perRound.map((r) => r.toFixed(2)).join(', ')}`);
  console.log(`ratio: ${ratio.toFixed(2)} (throughput with / without; target >= ${TARGET})`);
  return {
    ratio: round(ratio),
    recordsPerSecond: Math.round(RECORDS / (withMs / 1000)),
    baselineRecordsPerSecond: Math.round(RECORDS / (withoutMs / 1000)),
    cpuRatio: round(withoutCpu / withCpu),
    processingRatio: round(withoutProcessing / withProcessing),
    checkpointsPerRun: median(counts),
    checkpointDurationMs: cpMs,
    checkpointBytes: cpBytes,
    records: RECORDS,
    target: TARGET,
    loadAverage: loadBefore.loadAverage,
    cpuPressure: loadBefore.cpuPressure,
  };
}

const fmt = (ms: number): string => ms.toFixed(0);

interface Checkpoint {
  readonly id: number;
  readonly bytes: number;
  readonly ms: number;
}

interface Run {
  readonly runtimeMs: number;
  /** First record to last at the sinks (the job's accumulators): without deployment and shutdown. */
  readonly processingMs: number;
  readonly checkpoints: readonly Checkpoint[];
  /** CPU time of the JobManager and TaskManager processes during the run. */
  readonly cpuMs: number;
}

async function runJob(cluster: BenchCluster, checkpointing: boolean, round: number, cpuMs: () => number): Promise<Run> {
  const dir = join(cluster.dir, `checkpoints-${round}-${checkpointing ? 'on' : 'off'}`);
  const properties = checkpointing ? ['-D', `execution.checkpointing.interval=${INTERVAL}`, '-D', `execution.checkpointing.dir=${dir}`] : [];
  if (checkpointing) mkdirSync(dir, { recursive: true });
  try {
    const cpuBefore = cpuMs();
    const result = await cluster.run([...properties, '-p', '2', 'bench/jobs/wordcount-cluster.ts', '--records', String(RECORDS)]);
    const runtime = /Job Runtime: (\d+) ms/.exec(result.stdout);
    const jobId = /JobID ([0-9a-f]{32})/.exec(result.stdout);
    const records = /^- records \(number\): (\d+)$/m.exec(result.stdout);
    if (runtime === null || jobId === null) throw new Error(`No job id or runtime in the CLI output:\n${result.stdout}`);
    if (Number(records?.[1]) !== RECORDS) throw new Error(`The job's sinks counted ${records?.[1]} records, expected ${RECORDS}`);
    const cpu = cpuMs() - cpuBefore;
    const firsts = [...result.stdout.matchAll(/^- firstRecordMs-\d+ \(number\): (\d+)$/gm)].map((m) => Number(m[1]));
    const lasts = [...result.stdout.matchAll(/^- lastRecordMs-\d+ \(number\): (\d+)$/gm)].map((m) => Number(m[1]));
    const processingMs = firsts.length > 0 && lasts.length > 0 ? Math.max(...lasts) - Math.min(...firsts) : Number.NaN;
    const checkpoints = checkpointing ? await completedCheckpoints(cluster, jobId[1] as string) : [];
    if (checkpointing && checkpoints.length === 0) throw new Error(`No checkpoint completed for job ${jobId[1]}; logs: ${cluster.logDir}`);
    return { runtimeMs: Number(runtime[1]), processingMs, checkpoints, cpuMs: cpu };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The job's `Completed checkpoint` lines of the JobManager log (the job has ended; the log may lag a little). */
async function completedCheckpoints(cluster: BenchCluster, jobId: string): Promise<Checkpoint[]> {
  const pattern = new RegExp(`Completed checkpoint (\\d+) for job ${jobId} \\((\\d+) bytes, checkpointDuration=(\\d+) ms`, 'g');
  let found: Checkpoint[] = [];
  for (let attempt = 0; attempt < 10 && found.length === 0; attempt++) {
    if (attempt > 0) await sleep(100);
    const logs = readdirSync(cluster.logDir).filter((f) => f.includes('standalonesession') && f.endsWith('.log'));
    const text = logs.map((f) => readFileSync(join(cluster.logDir, f), 'utf8')).join('\n');
    found = [...text.matchAll(pattern)].map((m) => ({ id: Number(m[1]), bytes: Number(m[2]), ms: Number(m[3]) }));
  }
  return found;
}

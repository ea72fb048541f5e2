import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchCluster, processCpuMs, reapedChildrenCpuMs, vmRssMb } from './cluster.js';
import { describeLoad, machineLoad } from './machine-load.js';
import { median, round } from './wordcount-local.js';

const RUNS = 3;
const STARTUP_TARGET_MS = 2000;
const RSS_TARGET_MB = 120;
/** How long the cluster sits idle before its memory is read: start-up garbage has had time to go. */
const IDLE_MS = 3000;

interface StartupRun {
  readonly totalMs: number;
  readonly jobManagerCommandMs: number;
  /** The two concurrent `taskmanager start` commands, until both returned. */
  readonly taskManagerCommandsMs: number;
  /** From both commands returned until /overview showed both slots. */
  readonly registrationMs: number;
  readonly taskManagerRssMb: readonly number[];
  readonly jobManagerRssMb: number;
  /** CPU time of the three `start` commands (the CLI processes). */
  readonly cliCpuMs: number;
  /** CPU time of the three daemons until the slots were seen. */
  readonly daemonCpuMs: number;
}

interface BareRun {
  readonly ms: number;
  readonly cpuMs: number;
}

/**
 * Cluster start-up, through the CLI as start-cluster.sh would do it: `jobmanager start`, and when
 * it returns, two `taskmanager start` (one slot each) at once; timed until `/overview` shows both
 * TaskManagers with their slots. Median of 3 fresh clusters. Then, with no job, the resident memory
 * of each TaskManager process (VmRSS) after IDLE_MS. A second figure starts all three commands at
 * once, for a launcher that does not wait for the JobManager. CPU time is reported beside the
 * wall time: on a busy shared machine it says what start-up costs when wall time cannot.
 *
 * Baseline: what the machine needs to do the same with bare Node: one `node -e` process that opens
 * a TCP server and reports readiness, then two more at once. ratio = baseline / flink-ts.
 * Targets (issue 3): start-up < 2 s; idle TaskManager RSS < 120 MB.
 */
export async function startup(): Promise<Record<string, unknown>> {
  const loadBefore = machineLoad();
  const baseline: BareRun[] = [];
  for (let i = 0; i < RUNS; i++) baseline.push(await bareNodeStartup());
  const runs: StartupRun[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await clusterStartup());
  const concurrent: number[] = [];
  for (let i = 0; i < RUNS; i++) concurrent.push(await concurrentClusterStartup());

  const loadAfter = machineLoad();
  const baselineMs = median(baseline.map((b) => b.ms));
  const baselineCpuMs = median(baseline.map((b) => b.cpuMs));
  const cliCpuMs = median(runs.map((r) => r.cliCpuMs));
  const daemonCpuMs = median(runs.map((r) => r.daemonCpuMs));
  const totalMs = median(runs.map((r) => r.totalMs));
  const rss = runs.flatMap((r) => r.taskManagerRssMb);
  const maxRss = Math.max(...rss);
  const ratio = baselineMs / totalMs;
  const ms = (values: readonly number[]): string => values.map((v) => v.toFixed(0)).join(', ');
  console.log(`machine before: ${describeLoad(loadBefore)}; after: ${describeLoad(loadAfter)}`);
  console.log(`bare node (1, then 2 at once, each until its TCP server is up): ${baselineMs.toFixed(0)} ms (median of ${RUNS}: ${ms(baseline.map((b) => b.ms))})`);
  console.log(`flink-ts jobmanager start, then 2 x taskmanager start, until 2 slots are registered: ${totalMs.toFixed(0)} ms (median of ${RUNS}: ${ms(runs.map((r) => r.totalMs))}; target < ${STARTUP_TARGET_MS} ms)`);
  console.log(
    `  jobmanager start ${ms(runs.map((r) => r.jobManagerCommandMs))} ms; 2 x taskmanager start ${ms(runs.map((r) => r.taskManagerCommandsMs))} ms; ` +
      `then registered after ${ms(runs.map((r) => r.registrationMs))} ms`,
  );
  console.log(
    `CPU time to start (load-independent): flink-ts ${(cliCpuMs + daemonCpuMs).toFixed(0)} ms ` +
      `(3 start commands ${cliCpuMs.toFixed(0)} ms + 3 daemons until registered ${daemonCpuMs.toFixed(0)} ms); bare node ${baselineCpuMs.toFixed(0)} ms`,
  );
  console.log(`flink-ts all three start commands at once, until 2 slots are registered: ${median(concurrent).toFixed(0)} ms (median of ${RUNS}: ${ms(concurrent)})`);
  console.log(
    `idle TaskManager RSS after ${IDLE_MS / 1000} s: ${rss.map((v) => v.toFixed(0)).join(', ')} MB (max ${maxRss.toFixed(0)} MB; target < ${RSS_TARGET_MB} MB); ` +
      `idle JobManager RSS ${ms(runs.map((r) => r.jobManagerRssMb))} MB`,
  );
  console.log(`ratio (bare node / flink-ts start-up): ${ratio.toFixed(2)}`);
  return {
    ratio: round(ratio),
    startupMs: Math.round(totalMs),
    startupTargetMs: STARTUP_TARGET_MS,
    concurrentStartupMs: Math.round(median(concurrent)),
    baselineMs: Math.round(baselineMs),
    cpuMs: Math.round(cliCpuMs + daemonCpuMs),
    cliCpuMs: Math.round(cliCpuMs),
    daemonCpuMs: Math.round(daemonCpuMs),
    baselineCpuMs: Math.round(baselineCpuMs),
    idleTaskManagerRssMb: Math.round(maxRss),
    rssTargetMb: RSS_TARGET_MB,
    idleJobManagerRssMb: Math.round(median(runs.map((r) => r.jobManagerRssMb))),
    loadAverage: loadBefore.loadAverage,
    cpuPressure: loadBefore.cpuPressure,
  };
}

async function clusterStartup(): Promise<StartupRun> {
  const cluster = await BenchCluster.create();
  let failed = true;
  try {
    const cpuBefore = reapedChildrenCpuMs();
    const start = performance.now();
    const jm = await cluster.startJobManager();
    const tmStart = performance.now();
    await Promise.all([cluster.startTaskManager(), cluster.startTaskManager()]);
    const tmDone = performance.now();
    const ready = await cluster.waitForSlots(2, 2);
    const cliCpuMs = reapedChildrenCpuMs() - cpuBefore;
    const daemonCpuMs = [...cluster.pids('standalonesession'), ...cluster.pids('taskexecutor')].reduce((sum, pid) => sum + processCpuMs(pid), 0);
    await sleep(IDLE_MS);
    const run: StartupRun = {
      totalMs: ready - start,
      jobManagerCommandMs: jm.ms,
      taskManagerCommandsMs: tmDone - tmStart,
      registrationMs: ready - tmDone,
      taskManagerRssMb: cluster.pids('taskexecutor').map(vmRssMb),
      jobManagerRssMb: vmRssMb(cluster.pids('standalonesession')[0] ?? 0),
      cliCpuMs,
      daemonCpuMs,
    };
    failed = false;
    return run;
  } finally {
    await cluster.dispose(failed);
  }
}

async function concurrentClusterStartup(): Promise<number> {
  const cluster = await BenchCluster.create();
  let failed = true;
  try {
    const start = performance.now();
    await Promise.all([cluster.startJobManager(), cluster.startTaskManager(), cluster.startTaskManager()]);
    const ready = await cluster.waitForSlots(2, 2);
    failed = false;
    return ready - start;
  } finally {
    await cluster.dispose(failed);
  }
}

/** A process that opens a TCP server on a free loopback port and says so: the least a cluster process does. */
const BARE_SERVER = `require('node:net').createServer().listen(0, '127.0.0.1', () => console.log('ready'))`;

async function bareNodeStartup(): Promise<BareRun> {
  const children: ChildProcess[] = [];
  const startOne = async (): Promise<void> => {
    const child = spawn(process.execPath, ['-e', BARE_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    const lines = createInterface({ input: child.stdout });
    const first = await Promise.race([
      once(lines, 'line').then(([line]) => line as string),
      once(child, 'exit').then(([code]) => `nothing (exit code ${String(code)})`),
    ]);
    if (first !== 'ready') throw new Error(`The bare node process printed ${first}`);
  };
  const cpuBefore = reapedChildrenCpuMs();
  let ms = Number.NaN;
  try {
    const start = performance.now();
    await startOne();
    await Promise.all([startOne(), startOne()]);
    ms = performance.now() - start;
  } finally {
    await Promise.all(
      children.map(async (child) => {
        const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : once(child, 'exit');
        child.kill();
        await exited;
      }),
    );
  }
  // Only once they were waited for do the children's CPU times count in this process's cutime.
  return { ms, cpuMs: reapedChildrenCpuMs() - cpuBefore };
}

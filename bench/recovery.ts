import { mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Packr } from 'msgpackr';
import type { BenchCluster } from './cluster.js';
import { withCluster } from './cluster.js';
import { describeLoad, machineLoad } from './machine-load.js';
import { stateValue } from './state-values.js';
import { median, round } from './wordcount-local.js';

const KILL_ROUNDS = Number(process.env.FLINK_TS_BENCH_ROUNDS ?? 5);
/** Rounds where the TaskManager is frozen (SIGSTOP) instead: its connections stay open, so only the heartbeat timeout notices. */
const FREEZE_ROUNDS = Number(process.env.FLINK_TS_BENCH_FREEZE_ROUNDS ?? 3);
const SNAPSHOT_ROUNDS = Number(process.env.FLINK_TS_BENCH_ROUNDS ?? 5);
const HEARTBEAT_INTERVAL_MS = 1000;
const HEARTBEAT_TIMEOUT_MS = 5000;
const RECOVERY_TARGET_MS = 6000;
const SNAPSHOT_TARGET_MS = 5000;
/** 100k keys × 1,000-character values: ~100 MB of keyed state. */
const KEYS = 100_000;
const VALUE_BYTES = 1000;
const POLL_MS = 20;
/** Short, so that a poll the JobManager does not answer costs the measurement little. */
const REQUEST_TIMEOUT_MS = 1000;

/**
 * Fault tolerance, two figures.
 *
 * (a) Recovery time: 1 JobManager + 2 TaskManagers of one slot, `heartbeat.interval: 1 s`,
 * `heartbeat.timeout: 5 s`; bench/jobs/keyed-state.ts at p=1 (an unbounded generator at 1,000
 * records/s rewriting 1,000 keys of keyed ValueState, checkpoints every second, fixed-delay restarts
 * with delay 0). Once a checkpoint has completed, the TaskManager running the job is killed with
 * SIGKILL, and `GET /jobs/:id` is polled every 20 ms until every task is RUNNING again (on the other
 * TaskManager, from the checkpoint). Then the killed TaskManager is started again for the next
 * round. The median over the rounds is compared with the target, 6 s (ratio = target / measured),
 * and with the heartbeat timeout, 5 s: the JobManager also notices a killed TaskManager from its
 * closed connections, so the time can be well below the timeout. A few more rounds freeze the
 * TaskManager with SIGSTOP instead (a hung process or host: its connections stay open), where only
 * the heartbeat timeout can notice; that figure is printed beside it, and the frozen process is
 * killed once the job runs elsewhere.
 *
 * (b) A checkpoint of 100 MB of keyed state: the same job with a bounded generator first writing
 * 100k keys × 1 KB values (p=1), then the trickle keeping it running. Once the generator has
 * finished, checkpoints to a filesystem directory are triggered through REST, one per round, and
 * their duration (`end_to_end_duration`: trigger to last acknowledgement) and size are read back.
 * Baseline in the same rounds: the same 100k values in a Map in this process, packed with msgpackr
 * and written with fs.promises.writeFile. ratio = baseline / flink-ts (target: checkpoint < 5 s).
 */
export async function recovery(): Promise<Record<string, unknown>> {
  const loadBefore = machineLoad();
  const kill = await recoveryTime();
  const snapshot = await largeStateCheckpoint();
  const loadAfter = machineLoad();

  const killed = kill.filter((r) => r.signal === 'SIGKILL');
  const frozen = kill.filter((r) => r.signal === 'SIGSTOP');
  const recoveryMs = median(killed.map((r) => r.totalMs));
  const frozenMs = frozen.length > 0 ? median(frozen.map((r) => r.totalMs)) : Number.NaN;
  const checkpointMs = median(snapshot.flink.map((c) => c.ms));
  const baselineMs = median(snapshot.baseline);
  const describeRuns = (runs: readonly KillRun[]): string =>
    `median of ${runs.length} (${runs.map((r) => r.totalMs.toFixed(0)).join(', ')}); of which until the job went RESTARTING (failure noticed): ` +
    `${median(runs.map((r) => r.detectedMs)).toFixed(0)} ms median (${runs.map((r) => r.detectedMs.toFixed(0)).join(', ')})`;
  console.log(`machine before: ${describeLoad(loadBefore)}; after: ${describeLoad(loadAfter)}`);
  console.log(`(a) TaskManager kill -9 → every task RUNNING again: ${recoveryMs.toFixed(0)} ms ${describeRuns(killed)}`);
  if (frozen.length > 0) {
    console.log(`    TaskManager frozen (SIGSTOP, connections stay open: only the heartbeat notices) → every task RUNNING again: ${frozenMs.toFixed(0)} ms ${describeRuns(frozen)}`);
  }
  console.log(
    `    heartbeat timeout ${HEARTBEAT_TIMEOUT_MS} ms, target ${RECOVERY_TARGET_MS} ms: ratio target / measured = ${(RECOVERY_TARGET_MS / recoveryMs).toFixed(2)} (kill -9), ` +
      `${(RECOVERY_TARGET_MS / frozenMs).toFixed(2)} (frozen)`,
  );
  console.log(
    `(b) checkpoint of ${(median(snapshot.flink.map((c) => c.bytes)) / 1e6).toFixed(1)} MB keyed state (${KEYS} keys × ${VALUE_BYTES} B, p=1): ` +
      `${checkpointMs.toFixed(0)} ms median of ${snapshot.flink.length} (${snapshot.flink.map((c) => c.ms).join(', ')})`,
  );
  console.log(
    `    hand-written msgpackr pack + writeFile of the same Map (${(snapshot.baselineBytes / 1e6).toFixed(1)} MB): ${baselineMs.toFixed(0)} ms median ` +
      `(${snapshot.baseline.map((ms) => ms.toFixed(0)).join(', ')}); ratio baseline / flink-ts = ${(baselineMs / checkpointMs).toFixed(2)} ` +
      `(target: checkpoint < ${SNAPSHOT_TARGET_MS} ms)`,
  );
  console.log(`ratio: ${(RECOVERY_TARGET_MS / recoveryMs).toFixed(2)} (recovery, target / measured; >= 1 meets the target)`);
  return {
    ratio: round(RECOVERY_TARGET_MS / recoveryMs),
    recoveryMs: Math.round(recoveryMs),
    recoveryRunsMs: killed.map((r) => Math.round(r.totalMs)),
    failureDetectedMs: Math.round(median(killed.map((r) => r.detectedMs))),
    frozenRecoveryMs: Math.round(frozenMs),
    frozenRecoveryRunsMs: frozen.map((r) => Math.round(r.totalMs)),
    frozenFailureDetectedMs: Math.round(median(frozen.map((r) => r.detectedMs))),
    recoveryTargetMs: RECOVERY_TARGET_MS,
    heartbeatTimeoutMs: HEARTBEAT_TIMEOUT_MS,
    checkpointMs,
    checkpointBytes: median(snapshot.flink.map((c) => c.bytes)),
    checkpointBaselineMs: Math.round(baselineMs),
    checkpointRatio: round(baselineMs / checkpointMs),
    checkpointTargetMs: SNAPSHOT_TARGET_MS,
    loadAverage: loadBefore.loadAverage,
    cpuPressure: loadBefore.cpuPressure,
  };
}

interface KillRun {
  readonly signal: 'SIGKILL' | 'SIGSTOP';
  /** Kill → every task RUNNING again. */
  readonly totalMs: number;
  /** Kill → the JobManager's RESTARTING timestamp. */
  readonly detectedMs: number;
}

async function recoveryTime(): Promise<KillRun[]> {
  const clusterProperties = [`heartbeat.interval=${HEARTBEAT_INTERVAL_MS}ms`, `heartbeat.timeout=${HEARTBEAT_TIMEOUT_MS}ms`];
  return withCluster(
    2,
    async (cluster) => {
      const jobId = await submit(cluster, [
        ...jobProperties('1s', join(cluster.dir, 'checkpoints')),
        '-D', 'restart-strategy.type=fixed-delay',
        '-D', 'restart-strategy.fixed-delay.attempts=1000',
        '-D', 'restart-strategy.fixed-delay.delay=0ms',
        '-p', '1', 'bench/jobs/keyed-state.ts', '--build', 'false', '--keys', '1000', '--value-bytes', '100', '--rate', '1000',
      ]);
      const rest = new Rest(cluster);
      const runs: KillRun[] = [];
      const rounds = [...Array.from({ length: KILL_ROUNDS }, () => 'SIGKILL' as const), ...Array.from({ length: FREEZE_ROUNDS }, () => 'SIGSTOP' as const)];
      for (const [round, signal] of rounds.entries()) {
        // A checkpoint completed since the last restore: the new attempt restores state, as it would in production.
        const before = await rest.latestCompletedCheckpoint(jobId);
        await rest.waitUntil(async () => (await rest.allRunning(jobId)) && (await rest.latestCompletedCheckpoint(jobId)) > before, 60_000, 'the job running with a new checkpoint');
        const pid = await rest.pidRunning(jobId, cluster);
        const restartsBefore = await rest.numRestarts(jobId);
        const killEpochMs = Date.now();
        const killed = performance.now();
        process.kill(pid, signal);
        // Until every task is RUNNING again after a restart since the kill. Polled on `/jobs/overview`
        // and the job's numRestarts metric: `/jobs/:id` waits for every TaskManager's metrics, and a
        // frozen TaskManager never answers (see the report in docs/fault-tolerance.md, Performance).
        rest.failedRequests = 0;
        await rest.waitUntil(
          async () => (await rest.numRestarts(jobId)) > restartsBefore && (await rest.allRunningInOverview(jobId)),
          60_000,
          'every task RUNNING again after the restart',
        );
        const totalMs = performance.now() - killed;
        // A frozen TaskManager stays frozen (its connections open) until the job runs elsewhere; then it goes too.
        if (signal === 'SIGSTOP') process.kill(pid, 'SIGKILL');
        let restarting = Number.NaN;
        await rest.waitUntil(
          async () => {
            restarting = (await rest.job(jobId)).timestamps.RESTARTING ?? Number.NaN;
            return true;
          },
          30_000,
          'the job details',
        );
        const run = { signal, totalMs, detectedMs: restarting - killEpochMs };
        runs.push(run);
        console.log(
          `  ${signal} ${round + 1}: TaskManager pid ${pid}; RESTARTING after ${run.detectedMs.toFixed(0)} ms, all tasks RUNNING after ${totalMs.toFixed(0)} ms` +
            (rest.failedRequests > 0 ? ` (${rest.failedRequests} polls of /jobs/:id failed or took over ${REQUEST_TIMEOUT_MS} ms)` : ''),
        );
        // The next round stops the TaskManager the job now runs on; the killed one comes back as the spare.
        await cluster.startTaskManager(clusterProperties);
        await cluster.waitForSlots(2, 1);
      }
      return runs;
    },
    { properties: clusterProperties },
  );
}

interface CheckpointFigure {
  readonly id: number;
  readonly ms: number;
  readonly bytes: number;
}

async function largeStateCheckpoint(): Promise<{ flink: CheckpointFigure[]; baseline: number[]; baselineBytes: number }> {
  const values = new Map<number, string>();
  for (let key = 0; key < KEYS; key++) values.set(key, stateValue(key, VALUE_BYTES));
  const baselineDir = mkdtempSync(join(tmpdir(), 'flink-ts-bench-snapshot-'));
  const baseline: number[] = [];
  let baselineBytes = 0;
  try {
    const flink = await withCluster(2, async (cluster) => {
      // Periodic checkpoints far apart: each round triggers its own, so the baseline never overlaps one.
      const jobId = await submit(cluster, [
        ...jobProperties('3600s', join(cluster.dir, 'checkpoints')),
        '-p', '1', 'bench/jobs/keyed-state.ts', '--keys', String(KEYS), '--value-bytes', String(VALUE_BYTES), '--rate', '10',
      ]);
      const rest = new Rest(cluster);
      const built = performance.now();
      // The generator does not reach FINISHED by itself: with checkpointing, a finished task waits for
      // one more checkpoint. Once it has written every key, though, any checkpoint's barrier comes
      // after all of them.
      const emitted = async (): Promise<boolean> => {
        const build = (await rest.job(jobId)).vertices.find((v) => v.name.includes('build'));
        return (build?.metrics['write-records'] ?? 0) >= KEYS;
      };
      await rest.waitUntil(emitted, 120_000, 'the build generator to write every key');
      const warmUp = await rest.triggerCheckpoint(jobId);
      console.log(
        `  state built: every key written ${(performance.now() - built).toFixed(0)} ms after submission; ` +
          `first checkpoint (not counted) ${warmUp.ms} ms, ${(warmUp.bytes / 1e6).toFixed(1)} MB`,
      );
      const figures: CheckpointFigure[] = [];
      for (let round = 0; round < SNAPSHOT_ROUNDS; round++) {
        const ms = await handWrittenSnapshot(values, join(baselineDir, `snapshot-${round}`));
        baseline.push(ms.ms);
        baselineBytes = ms.bytes;
        await sleep(500);
        const figure = await rest.triggerCheckpoint(jobId);
        figures.push(figure);
        console.log(`  round ${round + 1}: checkpoint ${figure.id} ${figure.ms} ms, ${(figure.bytes / 1e6).toFixed(1)} MB; hand-written ${ms.ms.toFixed(0)} ms`);
        await sleep(500);
      }
      return figures;
    });
    return { flink, baseline, baselineBytes };
  } finally {
    rmSync(baselineDir, { recursive: true, force: true });
  }
}

/** Pack the Map and write the file, as a hand-written checkpoint of the same state would. */
async function handWrittenSnapshot(values: Map<number, string>, file: string): Promise<{ ms: number; bytes: number }> {
  const packr = new Packr({ useRecords: true, moreTypes: true, structuredClone: false });
  const start = performance.now();
  const bytes = packr.pack(values);
  await writeFile(file, bytes);
  const ms = performance.now() - start;
  rmSync(file);
  return { ms, bytes: bytes.length };
}

function jobProperties(interval: string, dir: string): string[] {
  return ['-D', `execution.checkpointing.interval=${interval}`, '-D', `execution.checkpointing.dir=${dir}`];
}

async function submit(cluster: BenchCluster, args: readonly string[]): Promise<string> {
  const result = await cluster.run(['-d', ...args]);
  const jobId = /JobID ([0-9a-f]{32})/.exec(result.stdout);
  if (jobId === null) throw new Error(`No job id in the CLI output:\n${result.stdout}`);
  return jobId[1] as string;
}

interface JobJson {
  state: string;
  timestamps: Record<string, number>;
  vertices: { id: string; name: string; status: string; parallelism: number; tasks: Record<string, number>; metrics: Record<string, number> }[];
  'status-counts': Record<string, number>;
}

function allRunning(job: JobJson): boolean {
  const total = job.vertices.reduce((sum, v) => sum + v.parallelism, 0);
  return job.state === 'RUNNING' && job['status-counts'].RUNNING === total;
}

class Rest {
  /** Polls of waitUntil that failed (refused, error status, or no answer within REQUEST_TIMEOUT_MS). */
  failedRequests = 0;

  constructor(private readonly cluster: BenchCluster) {}

  async get<T>(path: string, init?: RequestInit): Promise<T> {
    const response = await fetch(`http://localhost:${this.cluster.restPort}${path}`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), ...init });
    if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  job(jobId: string): Promise<JobJson> {
    return this.get<JobJson>(`/jobs/${jobId}`);
  }

  async allRunning(jobId: string): Promise<boolean> {
    return allRunning(await this.job(jobId));
  }

  async allRunningInOverview(jobId: string): Promise<boolean> {
    const { jobs } = await this.get<{ jobs: { jid: string; state: string; tasks: Record<string, number> }[] }>('/jobs/overview');
    const job = jobs.find((j) => j.jid === jobId);
    return job !== undefined && job.state === 'RUNNING' && (job.tasks.total ?? 0) > 0 && job.tasks.running === job.tasks.total;
  }

  async numRestarts(jobId: string): Promise<number> {
    const metrics = await this.get<{ id: string; value: string }[]>(`/jobs/${jobId}/metrics?get=numRestarts`);
    return Number(metrics.find((m) => m.id === 'numRestarts')?.value ?? Number.NaN);
  }

  async latestCompletedCheckpoint(jobId: string): Promise<number> {
    try {
      const stats = await this.get<{ latest: { completed: { id: number } | null } }>(`/jobs/${jobId}/checkpoints`);
      return stats.latest.completed?.id ?? 0;
    } catch {
      return 0;
    }
  }

  async waitUntil(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      // A request that fails while the cluster is busy recovering counts as "not yet".
      const met = await condition().catch(() => {
        this.failedRequests++;
        return false;
      });
      if (met) return;
      if (performance.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; logs: ${this.cluster.logDir}`);
      await sleep(POLL_MS);
    }
  }

  /** The pid of the TaskManager that runs the job's (single) slot: its RPC port, as `/taskmanagers` shows it, is one of the process's listening sockets. */
  async pidRunning(jobId: string, cluster: BenchCluster): Promise<number> {
    const job = await this.job(jobId);
    const vertex = await this.get<{ subtasks: { 'taskmanager-id': string }[] }>(`/jobs/${jobId}/vertices/${job.vertices[0]?.id}`);
    const tmId = vertex.subtasks[0]?.['taskmanager-id'];
    const tms = await this.get<{ taskmanagers: { id: string; path: string }[] }>('/taskmanagers');
    const path = tms.taskmanagers.find((t) => t.id === tmId)?.path;
    const port = Number(/:(\d+)\//.exec(path ?? '')?.[1]);
    const pid = cluster.pids('taskexecutor').find((p) => listensOn(p, port));
    if (pid === undefined) throw new Error(`No TaskManager process of this cluster listens on port ${port} (${tmId})`);
    return pid;
  }

  /** POST /jobs/:id/checkpoints, wait for it, then its statistics. */
  async triggerCheckpoint(jobId: string): Promise<CheckpointFigure> {
    const { 'request-id': trigger } = await this.get<{ 'request-id': string }>(`/jobs/${jobId}/checkpoints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    let id = -1;
    await this.waitUntil(
      async () => {
        const status = await this.get<{ status: { id: string }; operation?: { checkpointId?: number; 'failure-cause'?: unknown } }>(`/jobs/${jobId}/checkpoints/${trigger}`);
        if (status.status.id !== 'COMPLETED') return false;
        if (status.operation?.checkpointId === undefined) throw new Error(`Checkpoint failed: ${JSON.stringify(status.operation)}`);
        id = status.operation.checkpointId;
        return true;
      },
      120_000,
      'the triggered checkpoint',
    );
    const details = await this.get<{ end_to_end_duration: number; state_size: number }>(`/jobs/${jobId}/checkpoints/details/${id}`);
    return { id, ms: details.end_to_end_duration, bytes: details.state_size };
  }
}

/** Whether process `pid` has a listening TCP socket on `port` (from /proc/net/tcp{,6} and its fds). */
function listensOn(pid: number, port: number): boolean {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      // State 0A is LISTEN.
      if (local === undefined || fields[3] !== '0A') continue;
      if (Number.parseInt(local.split(':')[1] ?? '', 16) === port) inodes.add(fields[9] ?? '');
    }
  }
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        return target.startsWith('socket:[') && inodes.has(target.slice(8, -1));
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

import { NexmarkGenerator } from './nexmark/nexmark-generator.js';
import { GeneratorConfig, splitEvents } from './nexmark/generator-config.js';
import { runCli } from './cli.js';
import { describeLoad, machineLoad } from './machine-load.js';
import { median, round } from './wordcount-local.js';

/** Events per run of the stateless queries (q0–q2) and of the windowed ones (q5, q7). */
const EVENTS = Number(process.env.FLINK_TS_BENCH_NEXMARK_EVENTS ?? 5_000_000);
const WINDOW_EVENTS = Number(process.env.FLINK_TS_BENCH_NEXMARK_WINDOW_EVENTS ?? 2_000_000);
const QUERIES = (process.env.FLINK_TS_BENCH_NEXMARK_QUERIES ?? 'q0,q1,q2,q5,q7').split(',').filter((q) => q !== '');
const RUNS = Number(process.env.FLINK_TS_BENCH_ROUNDS ?? 1);
const PARALLELISM = 2;

/** Flink 2.0 on Nexmark's V2 setup, stateless queries: about 380k events/s per core (reference/flink-runtime.md §10.3). */
const FLINK_PER_CORE = 380_000;
/** The targets, events/s per core at parallelism 2. */
const TARGETS: Record<string, number> = { q0: 400_000, q1: 400_000, q2: 400_000, q5: 100_000, q7: 100_000 };

interface QueryRun {
  readonly events: number;
  readonly results: number;
  /** Earliest sink open to latest sink close. */
  readonly wallMs: number;
  /** Process CPU time (all threads) over the same span. */
  readonly cpuMs: number;
}

/**
 * Nexmark q0, q1, q2, q5 and q7 (bench/nexmark/) at parallelism 2 on the local target, each run
 * through the CLI as a user would. The measure is Nexmark's: events per second per core, here
 * events / CPU seconds of the process (every slot worker is a thread of it), which other load on
 * the machine distorts far less than wall time. The CPU and wall time are taken by the blackhole
 * sinks from their open to their close, so the client's bundling and the cluster's start are left
 * out.
 *
 * Baselines in the same run: the generator alone, producing the same events (both subtasks'
 * splits) into a loop that drops them, in this process: the ceiling of any query on this machine.
 * And Flink's published ~380k events/s per core.
 */
export async function nexmark(): Promise<Record<string, unknown>> {
  const loadBefore = machineLoad();
  const ceiling = generatorCeiling(Math.min(EVENTS, 5_000_000));
  console.log(
    `generator alone (plain loop, ${ceiling.events} events, both splits of p=${PARALLELISM}): ` +
      `${fmtRate(ceiling.events / (ceiling.cpuMs / 1000))} events/s per core (${(ceiling.cpuMs / 1000).toFixed(2)} CPU s)`,
  );
  const rows: Record<string, unknown>[] = [];
  const table: string[][] = [];
  for (const query of QUERIES) {
    const events = query === 'q5' || query === 'q7' ? WINDOW_EVENTS : EVENTS;
    const runs: QueryRun[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await runQuery(query, events));
    const run = runs.find((r) => r.cpuMs === median(runs.map((x) => x.cpuMs))) as QueryRun;
    const perCore = run.events / (run.cpuMs / 1000);
    const target = TARGETS[query] ?? Number.NaN;
    const ceilingPerCore = ceiling.events / (ceiling.cpuMs / 1000);
    table.push([
      query,
      String(run.events),
      String(run.results),
      (run.wallMs / 1000).toFixed(2),
      (run.cpuMs / 1000).toFixed(2),
      fmtRate(run.events / (run.wallMs / 1000)),
      fmtRate(perCore),
      (perCore / ceilingPerCore).toFixed(2),
      (perCore / FLINK_PER_CORE).toFixed(2),
      fmtRate(target),
      (perCore / target).toFixed(2),
    ]);
    rows.push({
      query,
      events: run.events,
      results: run.results,
      wallMs: Math.round(run.wallMs),
      cpuMs: Math.round(run.cpuMs),
      eventsPerSecondPerCore: Math.round(perCore),
      ratioToGenerator: round(perCore / ceilingPerCore),
      ratioToFlink: round(perCore / FLINK_PER_CORE),
      target,
      ratio: round(perCore / target),
    });
  }
  const loadAfter = machineLoad();
  printTable(
    ['query', 'events', 'results', 'wall s', 'CPU s', 'events/s', 'events/s/core', 'vs generator', 'vs Flink 380k', 'target/core', 'vs target'],
    table,
  );
  console.log(`machine before: ${describeLoad(loadBefore)}; after: ${describeLoad(loadAfter)}`);
  const worst = Math.min(...rows.map((r) => r.ratio as number));
  return {
    ratio: worst,
    parallelism: PARALLELISM,
    generatorEventsPerSecondPerCore: Math.round(ceiling.events / (ceiling.cpuMs / 1000)),
    flinkEventsPerSecondPerCore: FLINK_PER_CORE,
    queries: rows,
    loadAverage: loadBefore.loadAverage,
    cpuPressure: loadBefore.cpuPressure,
  };
}

async function runQuery(query: string, events: number): Promise<QueryRun> {
  const run = await runCli(['run', '-p', String(PARALLELISM), 'bench/nexmark/nexmark-job.ts', '--query', query, '--events', String(events)]);
  if (run.code !== 0) throw new Error(`nexmark ${query} failed (${run.code}):\n${run.stdout}\n${run.stderr}`);
  const acc = (name: string): number[] =>
    [...run.stdout.matchAll(new RegExp(`^- ${name}-\\d+ \\(number\\): (\\d+)$`, 'gm'))].map((m) => Number(m[1]));
  const results = /^- results \(number\): (\d+)$/m.exec(run.stdout);
  const open = acc('openCpuUs');
  const close = acc('closeCpuUs');
  if (results === null || open.length !== PARALLELISM || close.length !== PARALLELISM) {
    throw new Error(`nexmark ${query}: no blackhole accumulators in the CLI output:\n${run.stdout}`);
  }
  const cpuMs = (Math.max(...close) - Math.min(...open)) / 1000;
  const wallMs = Math.max(...acc('closeMs')) - Math.min(...acc('openMs'));
  console.log(`  ${query}: ${events} events, ${results[1]} results, ${(wallMs / 1000).toFixed(2)} s, ${(cpuMs / 1000).toFixed(2)} CPU s`);
  return { events, results: Number(results[1]), wallMs, cpuMs };
}

/** The generator alone: both subtasks' splits, one after the other, each event dropped after a read. */
function generatorCeiling(events: number): { events: number; cpuMs: number } {
  let sink = 0;
  const start = process.cpuUsage();
  for (const split of splitEvents(events, PARALLELISM)) {
    const generator = new NexmarkGenerator(new GeneratorConfig({ numEventGenerators: PARALLELISM }));
    for (let n = 0; n < split.maxEvents; n++) {
      const event = generator.nextEvent(split.firstEventId + n, n);
      sink += event.type + generator.config.timestampForEvent(n);
    }
  }
  const used = process.cpuUsage(start);
  if (sink === 0) console.log('(no events generated)');
  return { events, cpuMs: (used.user + used.system) / 1000 };
}

function fmtRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '-';
  return perSecond >= 1e6 ? `${(perSecond / 1e6).toFixed(2)} M` : `${(perSecond / 1e3).toFixed(0)} k`;
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ');
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

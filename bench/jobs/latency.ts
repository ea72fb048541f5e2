/**
 * End-to-end latency across two TaskManagers (bench/latency.ts runs it on 1 JobManager + 2
 * TaskManagers of one slot): a generator emitting `--rate` records/s for `--seconds` s, each
 * stamped with the time it was made → keyBy → a sink that measures how long each record took.
 *
 * The sink has its own slot sharing group, so it cannot share a slot with the source; with two
 * one-slot TaskManagers it runs in the other TaskManager and every record crosses TCP.
 *
 * Time is the host's monotonic clock (process.hrtime: CLOCK_MONOTONIC on Linux), which every
 * process and thread on a host reads alike, with sub-millisecond resolution. Date.now() would
 * also agree across processes, but its 1 ms steps are a fifth of the 5 ms buffer timeout measured.
 *
 * The sink reports percentiles in microseconds through accumulators at close(): counters are the
 * only accumulators there are, and the sink runs as one subtask, so each counter holds one value.
 */
import { writeFileSync } from 'node:fs';
import type { OpenContext } from 'flink-ts';
import { DataGeneratorSource, ParameterTool, RateLimiterStrategy, RichSinkFunction, StreamExecutionEnvironment } from 'flink-ts';

const params = ParameterTool.fromArgs();
const rate = params.getInt('rate', 1000);
const seconds = params.getInt('seconds', 10);
/** `--dump <file>`: also write every record's `index created-ms latency-ms`, to look at the distribution over time. */
const dumpFile = params.get('dump', '');
/** Records made in the first second are left out of the percentiles: connections, JIT and timers settle then. */
const warmUpRecords = params.getInt('warm-up-records', rate);

function monotonicMs(): number {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
}

type Stamped = [index: number, createdMs: number];

class LatencySink extends RichSinkFunction<Stamped> {
  private latencies: number[] = [];
  private readonly dump: string[] = [];
  private seen = 0;
  private worstMs = 0;

  override open(_context: OpenContext): void {
    this.latencies = [];
  }

  invoke(value: Stamped): void {
    const latency = monotonicMs() - value[1];
    this.seen++;
    this.worstMs = Math.max(this.worstMs, latency);
    if (value[0] >= warmUpRecords) this.latencies.push(latency);
    if (dumpFile !== '') this.dump.push(`${value[0]} ${value[1].toFixed(3)} ${latency.toFixed(3)}`);
  }

  override close(): void {
    const ctx = this.getRuntimeContext();
    const sorted = Float64Array.from(this.latencies).sort();
    const us = (ms: number): number => Math.round(ms * 1000);
    const at = (q: number): number => (sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number));
    ctx.getLongCounter('latency-records').add(this.seen);
    ctx.getLongCounter('latency-measured').add(sorted.length);
    ctx.getLongCounter('latency-p50-us').add(us(at(0.5)));
    ctx.getLongCounter('latency-p90-us').add(us(at(0.9)));
    ctx.getLongCounter('latency-p99-us').add(us(at(0.99)));
    ctx.getLongCounter('latency-p999-us').add(us(at(0.999)));
    ctx.getLongCounter('latency-max-us').add(us(sorted.length === 0 ? 0 : (sorted[sorted.length - 1] as number)));
    ctx.getLongCounter('latency-max-with-warm-up-us').add(us(this.worstMs));
    if (dumpFile !== '') writeFileSync(dumpFile, this.dump.join('\n') + '\n');
  }
}

const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.setParallelism(1);
env
  .fromSource(
    new DataGeneratorSource((i: number): Stamped => [i, monotonicMs()], rate * seconds, RateLimiterStrategy.perSecond(rate)),
    undefined,
    'timestamped-records',
  )
  .keyBy((t) => t[0] % 16)
  .addSink(new LatencySink())
  .name('latency-sink')
  .slotSharingGroup('sink');

await env.execute('latency');

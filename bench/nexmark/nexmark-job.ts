/**
 * One Nexmark query as a flink-ts job: the Nexmark source (bounded, `--events` events, watermarks
 * 4 s behind the largest event time as in Nexmark's DDL) → the query → a sink.
 *
 *   flink-ts run -p 2 bench/nexmark/nexmark-job.ts --query q5 --events 2000000
 *
 * Arguments: --query q0|q1|q2|q5|q7 (required); --events <n> (default 1,000,000);
 * --sink blackhole|print (default blackhole: counts and drops, reporting accumulators; print
 * writes each result as JSON, for tests); --event-rate <events/s of event time> (Nexmark's
 * firstEventRate, default 10,000); --base-time <epoch ms> (event time of the first events).
 */
import type { DataStream } from 'flink-ts';
import type { NexmarkEvent } from './model.js';
import { ParameterTool, StreamExecutionEnvironment, Time, WatermarkStrategy } from 'flink-ts';
import { DEFAULT_BASE_TIME } from './generator-config.js';
import { NexmarkSource } from './nexmark-source.js';
import { BlackholeSink } from './blackhole-sink.js';
import { q0 } from './queries/q0.js';
import { q1 } from './queries/q1.js';
import { q2 } from './queries/q2.js';
import { q5 } from './queries/q5.js';
import { q7 } from './queries/q7.js';

const params = ParameterTool.fromArgs();
const queryName = params.get('query');
const sink = params.get('sink', 'blackhole');
if (sink !== 'blackhole' && sink !== 'print') throw new Error(`--sink ${sink}: give blackhole or print`);

/** The query's results into the chosen sink. */
function emit<T>(results: DataStream<T>): void {
  if (sink === 'print') results.map((r) => JSON.stringify(r)).print();
  else results.addSink(new BlackholeSink<T>()).name('blackhole');
}

const QUERIES: Record<string, (events: DataStream<NexmarkEvent>) => void> = {
  q0: (events) => emit(q0(events)),
  q1: (events) => emit(q1(events)),
  q2: (events) => emit(q2(events)),
  q5: (events) => emit(q5(events)),
  q7: (events) => emit(q7(events)),
};
const query = queryName === undefined ? undefined : QUERIES[queryName];
if (query === undefined) {
  throw new Error(`--query ${queryName ?? '(missing)'}: give one of ${Object.keys(QUERIES).join(', ')}`);
}
const events = params.getLong('events', 1_000_000);
const firstEventRate = params.getLong('event-rate', 10_000);
const baseTime = params.getLong('base-time', DEFAULT_BASE_TIME);

const env = StreamExecutionEnvironment.getExecutionEnvironment();
// A bounded source would make AUTOMATIC pick BATCH; Nexmark measures streaming.
env.setRuntimeMode('STREAMING');
const source = env.fromSource(
  new NexmarkSource(events, { firstEventRate, baseTime }),
  WatermarkStrategy.forBoundedOutOfOrderness<NexmarkEvent>(Time.seconds(4)),
  'nexmark',
);
query(source);

await env.execute(`nexmark-${queryName}`);

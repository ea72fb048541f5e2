/**
 * Keyed ValueState for the recovery benchmark (bench/recovery.ts): integer keys, each holding a
 * string of `--value-bytes` characters (bench/state-values.ts), written by a keyed process function
 * that emits nothing; a sink that discards closes the job.
 *
 *   --keys <n>          distinct keys (default 100,000)
 *   --value-bytes <n>   characters per value (default 1,000): 100k × 1 KB ≈ 100 MB of state
 *   --build true|false  first a bounded generator writes every key once, unthrottled (default true)
 *   --rate <n>          then an unbounded generator rewrites keys `i % keys` at n records/s (default 10)
 *   --name <job name>   (default 'keyed-state')
 *
 * The unbounded trickle keeps the job running after the build, so checkpoints keep coming; with
 * `--build false` only the trickle runs (every task stays RUNNING, none finishes).
 */
import {
  DataGeneratorSource,
  KeyedProcessFunction,
  ParameterTool,
  RateLimiterStrategy,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  WatermarkStrategy,
} from 'flink-ts';
import type { Collector, DataStream, KeyedProcessContext, ValueState } from 'flink-ts';
import { stateValue } from '../state-values.js';

const params = ParameterTool.fromArgs();
const keys = params.getInt('keys', 100_000);
const valueBytes = params.getInt('value-bytes', 1000);
const build = params.get('build', 'true') !== 'false';

class StoreValue extends KeyedProcessFunction<number, number, never> {
  private value!: ValueState<string>;

  override open(): void {
    this.value = this.getRuntimeContext().getState(new ValueStateDescriptor<string>('value'));
  }

  processElement(n: number, _ctx: KeyedProcessContext<number>, _out: Collector<never>): void {
    this.value.update(stateValue(n, valueBytes));
  }
}

const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.setRuntimeMode('STREAMING');
let numbers: DataStream<number> = env
  .fromSource(
    new DataGeneratorSource((i: number) => i % keys, Number.POSITIVE_INFINITY, RateLimiterStrategy.perSecond(params.getDouble('rate', 10))),
    WatermarkStrategy.noWatermarks(),
    'trickle',
  )
  .uid('trickle');
if (build) {
  numbers = numbers.union(
    env.fromSource(new DataGeneratorSource((i: number) => i, keys), WatermarkStrategy.noWatermarks(), 'build').uid('build'),
  );
}
numbers
  .keyBy((n) => n)
  .process(new StoreValue())
  .uid('store-value')
  .name('store value')
  .addSink(() => undefined)
  .name('discard');

await env.execute(params.get('name', 'keyed-state'));

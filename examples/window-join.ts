/**
 * Window join, as in Flink's WindowJoin streaming example: a stream of (name, grade) and a stream
 * of (name, salary) pairs over the same names, generated at a fixed rate, are joined on the name
 * within tumbling event-time windows. Each joined pair prints as the tuple (name,grade,salary).
 * Timestamps are the ingestion time: the clock when an element passes the timestamp assigner.
 *
 *   flink-ts run examples/window-join.ts [--windowSize <ms>] [--rate <elements per second>] [--count <n>]
 *
 *   --windowSize  window size in milliseconds (default 2000)
 *   --rate        elements per second of each source (default 3)
 *   --count       elements per source; the sources then end and the job finishes once the
 *                 last windows have fired (default: unbounded, as in Flink)
 *
 * The generated values come from window-join-sample-data.ts.
 */
import {
  DataGeneratorSource,
  ParameterTool,
  RateLimiterStrategy,
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
  WatermarkStrategy,
} from 'flink-ts';
import { gradeAt, salaryAt } from './window-join-sample-data.js';

type NameValue = [name: string, value: number];

const params = ParameterTool.fromArgs();
const windowSize = params.getLong('windowSize', 2000);
const rate = params.getDouble('rate', 3);
const count = params.has('count') ? params.getLong('count') : Number.POSITIVE_INFINITY;
if (count !== Number.POSITIVE_INFINITY && (!Number.isSafeInteger(count) || count < 1)) {
  throw new TypeError(`--count must be a positive integer (was ${params.get('count')}).`);
}

console.log(`Using windowSize=${windowSize}, data rate=${rate}`);
console.log('To customize example, use: window-join.ts [--windowSize <window-size-in-millis>] [--rate <elements-per-second>] [--count <elements-per-source>]');

const env = StreamExecutionEnvironment.getExecutionEnvironment();

/** Flink's IngestionTimeWatermarkStrategy: the wall clock as event time, ascending watermarks. */
const ingestionTime = <T>(): WatermarkStrategy<T> => WatermarkStrategy.forMonotonousTimestamps<T>().withTimestampAssigner(() => Date.now());

const grades = env
  .fromSource(new DataGeneratorSource(gradeAt, count, RateLimiterStrategy.perSecond(rate)), WatermarkStrategy.noWatermarks(), 'grades')
  .assignTimestampsAndWatermarks(ingestionTime<NameValue>());
const salaries = env
  .fromSource(new DataGeneratorSource(salaryAt, count, RateLimiterStrategy.perSecond(rate)), WatermarkStrategy.noWatermarks(), 'salaries')
  .assignTimestampsAndWatermarks(ingestionTime<NameValue>());

const joined = grades
  .join(salaries)
  .where((grade) => grade[0])
  .equalTo((salary) => salary[0])
  .window(TumblingEventTimeWindows.of(windowSize))
  .apply((grade, salary): [string, number, number] => [grade[0], grade[1], salary[1]]);

// Print with a single subtask rather than in parallel, as Flink's example does.
joined.print().setParallelism(1);

await env.execute('Windowed Join Example');

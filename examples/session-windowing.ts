/**
 * Session windows in event time, as Flink's SessionWindowing example: a fixed list of
 * `(key, timestamp, count)` tuples, each with its own timestamp as event time and followed by the
 * watermark `timestamp - 1`, grouped per key into sessions that close after 3 ms without an
 * element, with the counts summed per session.
 *
 *   flink-ts run examples/session-windowing.ts [--output <dir>]
 *
 * Prints `(key,first timestamp of the session,sum)` per session, e.g. `(b,1,3)`, or with
 * `--output` writes the same lines to part files below `<dir>` instead. Runs at parallelism 1,
 * whatever `-p` says, as the original does.
 */
import type { WatermarkGenerator, WatermarkOutput } from 'flink-ts';
import {
  DefaultRollingPolicy,
  EventTimeSessionWindows,
  FileSink,
  ParameterTool,
  SimpleStringEncoder,
  StreamExecutionEnvironment,
  Time,
  WatermarkStrategy,
} from 'flink-ts';

type Event = [key: string, timestamp: number, count: number];

const INPUT: Event[] = [
  ['a', 1, 1],
  ['b', 1, 1],
  ['b', 3, 1],
  ['b', 5, 1],
  ['c', 6, 1],
  // Session "a" [1,4) is complete before this element arrives: the watermark 4 of ("b",5) closed it.
  ['a', 10, 1],
  // The watermark 9 of ("a",10) has closed sessions "b" [1,8) and "c" [6,9).
  ['c', 11, 1],
];

/**
 * The original's source emits, after every element, a watermark one below the element's timestamp;
 * a punctuated generator does the same right behind each element.
 */
class WatermarkBehindEachElement implements WatermarkGenerator<Event> {
  onEvent(_event: Event, eventTimestamp: number, output: WatermarkOutput): void {
    output.emitWatermark(eventTimestamp - 1);
  }
  onPeriodicEmit(): void {
    // Punctuated only: nothing between elements.
  }
}

const params = ParameterTool.fromArgs();
const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.setParallelism(1);

const source = env
  .fromElements(...INPUT)
  .name('session-input')
  .assignTimestampsAndWatermarks(
    WatermarkStrategy.forGenerator<Event>(() => new WatermarkBehindEachElement()).withTimestampAssigner((event) => event[1]),
  )
  .name('timestamps');

// A session per key ends after 3 ms without an element for it.
const aggregated = source
  .keyBy((event) => event[0])
  .window(EventTimeSessionWindows.withGap(Time.milliseconds(3)))
  .sum(2);

const output = params.get('output');
if (output !== undefined) {
  aggregated
    .sinkTo(
      FileSink.forRowFormat(output, new SimpleStringEncoder<Event>())
        .withRollingPolicy(DefaultRollingPolicy.builder().withMaxPartSize(1024 * 1024).withRolloverInterval(10_000).build())
        .build(),
    )
    .name('file-sink');
} else {
  console.log('Printing result to stdout. Use --output to specify output path.');
  aggregated.print();
}

await env.execute('SessionWindowing');

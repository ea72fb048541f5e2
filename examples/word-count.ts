/**
 * WordCount, as Flink's example: counts words in text files (or in built-in text), lower-cased
 * and split on non-word characters, and prints `(word,count)` or writes them to files.
 *
 *   flink-ts run examples/word-count.ts [--input <file or dir>]... [--output <dir>]
 *                                        [--execution-mode streaming|batch]
 *
 * In STREAMING mode every count update is emitted; in BATCH mode only the final count per word.
 */
import type { Collector, DataStream } from 'flink-ts';
import {
  DefaultRollingPolicy,
  FileSink,
  ParameterTool,
  SimpleStringEncoder,
  StreamExecutionEnvironment,
  TextFileSource,
  WatermarkStrategy,
} from 'flink-ts';

type WordWithCount = [word: string, count: number];

/** The opening of Hamlet's soliloquy (public domain), the text Flink's example counts by default. */
const HAMLET_TEXT = `To be, or not to be,--that is the question:--
Whether 'tis nobler in the mind to suffer
The slings and arrows of outrageous fortune
Or to take arms against a sea of troubles,
And by opposing end them?--To die,--to sleep,--
No more; and by a sleep to say we end
The heartache, and the thousand natural shocks
That flesh is heir to,--'tis a consummation
Devoutly to be wish'd. To die,--to sleep;--
To sleep! perchance to dream:--ay, there's the rub;
For in that sleep of death what dreams may come,
When we have shuffled off this mortal coil,
Must give us pause: there's the respect
That makes calamity of so long life;`;
const HAMLET = HAMLET_TEXT.split('\n');

const params = ParameterTool.fromArgs();
const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.setRuntimeMode(params.get('execution-mode', 'streaming').toUpperCase() as 'STREAMING' | 'BATCH');

const inputs = params.getMultiParameter('input') ?? [];
let text: DataStream<string>;
if (inputs.length > 0) {
  const [first, ...rest] = inputs.map((path) =>
    env.fromSource(new TextFileSource(path), WatermarkStrategy.noWatermarks(), 'file-input'),
  );
  text = rest.length === 0 ? (first as DataStream<string>) : (first as DataStream<string>).union(...rest);
} else {
  console.log('Executing WordCount example with default input data set.');
  console.log('Use --input to specify file input.');
  text = env.fromElements(...HAMLET).name('in-memory-input');
}

const counts = text
  .flatMap((line: string, out: Collector<WordWithCount>) => {
    for (const token of line.toLowerCase().split(/\W+/)) {
      if (token.length > 0) out.collect([token, 1]);
    }
  })
  .name('tokenizer')
  .keyBy((value) => value[0])
  .sum(1)
  .name('counter');

const output = params.get('output');
if (output !== undefined) {
  counts
    .sinkTo(
      FileSink.forRowFormat(output, new SimpleStringEncoder<WordWithCount>())
        .withRollingPolicy(DefaultRollingPolicy.builder().withMaxPartSize(1024 * 1024).withRolloverInterval(10_000).build())
        .build(),
    )
    .name('file-sink');
} else {
  console.log('Printing result to stdout. Use --output to specify output path.');
  counts.print().name('print-sink');
}

await env.execute('WordCount');

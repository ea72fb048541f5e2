/**
 * Counts the words arriving on a TCP socket in 5-second windows, as Flink's SocketWindowWordCount
 * example: lines are split on whitespace, the words keyed, and every 5 seconds of processing time
 * each word seen in that window is printed with its count, as `word : count`.
 * Start a text server first, e.g. `nc -lk 9999`, then:
 *
 *   flink-ts run examples/socket-window-word-count.ts [--hostname <hostname>] --port <port>
 *
 *   --hostname <hostname>  the text server's host (default localhost)
 *   --port <port>          the text server's port (required)
 *
 * Words are kept as sent (case matters). Unlike Java's `split("\\s")`, runs of whitespace make no
 * empty words. The job runs until it is canceled (Ctrl-C) or the server closes the connection;
 * then the source ends and, as in Flink, the processing-time window still open is not emitted.
 */
import type { Collector } from 'flink-ts';
import { ParameterTool, StreamExecutionEnvironment, Time, TumblingProcessingTimeWindows } from 'flink-ts';

/**
 * Flink's WordWithCount POJO. Records cross the network as plain data (a class would lose its
 * prototype), so its `toString`, `word : count`, is applied just before printing.
 */
interface WordWithCount {
  readonly word: string;
  readonly count: number;
}
function wordWithCountToString(value: WordWithCount): string {
  return `${value.word} : ${value.count}`;
}

const params = ParameterTool.fromArgs();
if (!params.has('port')) {
  console.error('No port specified. Please run: socket-window-word-count.ts --hostname <hostname> --port <port>, where hostname (localhost by default) and port is the address of the text server');
  console.error("To start a simple text server, run 'nc -lk <port>' and type the input text into the command line.");
  process.exit(1);
}
const hostname = params.get('hostname', 'localhost');
const port = params.getInt('port');

const env = StreamExecutionEnvironment.getExecutionEnvironment();
env
  .socketTextStream(hostname, port, '\n')
  .flatMap((line: string, out: Collector<WordWithCount>) => {
    for (const word of line.split(/\s+/)) if (word.length > 0) out.collect({ word, count: 1 });
  })
  .name('tokenizer')
  .keyBy((value) => value.word)
  .window(TumblingProcessingTimeWindows.of(Time.seconds(5)))
  .reduce((a, b) => ({ word: a.word, count: a.count + b.count }))
  .name('window-count')
  .map(wordWithCountToString)
  .name('format')
  // Print the results with a single subtask, rather than in parallel.
  .print()
  .setParallelism(1);

await env.execute('Socket Window WordCount');

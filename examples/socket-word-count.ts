/**
 * Counts words arriving on a TCP socket as they come, and prints every updated count.
 * Start a text server first, e.g. `nc -lk 9999`, then:
 *
 *   flink-ts run examples/socket-word-count.ts --hostname localhost --port 9999
 *
 * The job runs until the server closes the connection (then it FINISHES) or it is canceled
 * (Ctrl-C).
 */
import type { Collector } from 'flink-ts';
import { ParameterTool, StreamExecutionEnvironment } from 'flink-ts';

const params = ParameterTool.fromArgs();
if (!params.has('port')) {
  console.error('No port specified. Please run: socket-word-count.ts --hostname <hostname> --port <port>');
  console.error("To start a simple text server, run 'nc -lk <port>' and type the input text into the command line.");
  process.exit(1);
}
const hostname = params.get('hostname', 'localhost');
const port = params.getInt('port');

const env = StreamExecutionEnvironment.getExecutionEnvironment();
env
  .socketTextStream(hostname, port, '\n')
  .flatMap((line: string, out: Collector<[string, number]>) => {
    for (const word of line.toLowerCase().split(/\s+/)) if (word.length > 0) out.collect([word, 1]);
  })
  .name('tokenizer')
  .keyBy((value) => value[0])
  .sum(1)
  .name('counter')
  .print();

await env.execute('Socket WordCount');

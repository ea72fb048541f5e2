/**
 * Backpressure benchmark job: an unbounded generator as fast as it can go, feeding a sink in
 * another slot that takes 1 ms per record (1000 records/s). Only credit-based flow control keeps
 * the generator from filling memory. Runs until canceled.
 */
import { DataGeneratorSource, StreamExecutionEnvironment } from 'flink-ts';

const env = StreamExecutionEnvironment.getExecutionEnvironment();
env
  .fromSource(new DataGeneratorSource((i: number) => `record-${i}-${'x'.repeat(80)}`, Number.POSITIVE_INFINITY), undefined, 'fast-source')
  .rebalance()
  .addSink((value: string) => {
    const until = performance.now() + 1;
    while (performance.now() < until) {
      // A slow external system: the sink's thread is busy for 1 ms per record.
    }
    if (value.length === 0) throw new Error('unreachable');
  })
  .name('slow-sink')
  .slotSharingGroup('sink');

await env.execute('backpressure');

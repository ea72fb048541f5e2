/**
 * WordCount across two TaskManagers (bench/wordcount-cluster.ts runs it with -p 2 on 1 JobManager
 * + 2 TaskManagers of one slot): generated Zipf words → keyBy(word) → sum → a sink that discards.
 * Each TaskManager runs one source and one sum subtask, so the keyBy sends about half of every
 * source's records over TCP to the other TaskManager.
 *
 * Arguments: --records <n> (default 20,000,000).
 *
 * The sink counts what it got and when its first record came, and reports both through
 * accumulators at close(): counters are the only accumulators there are, so each subtask writes
 * its times under its own name (a sum over one subtask is the value itself).
 */
import type { OpenContext } from 'flink-ts';
import { DataGeneratorSource, ParameterTool, RichSinkFunction, StreamExecutionEnvironment } from 'flink-ts';
import { zipfWordTable } from '../zipf-text.js';

/** 2^20 draws: long enough that the sequence does not favour any cache, cheap to build (~0.1 s) in every worker. */
const TABLE_SIZE = 1 << 20;
const MASK = TABLE_SIZE - 1;

const params = ParameterTool.fromArgs();
const records = params.getLong('records', 20_000_000);
const words = zipfWordTable(TABLE_SIZE);

class CountingDiscardSink extends RichSinkFunction<[string, number]> {
  private count = 0;
  private firstMs = 0;

  override open(_context: OpenContext): void {
    this.count = 0;
  }

  invoke(_value: [string, number]): void {
    // Date.now() only once: per record it would cost more than the rest of this sink.
    if (this.count === 0) this.firstMs = Date.now();
    this.count++;
  }

  override close(): void {
    const ctx = this.getRuntimeContext();
    const subtask = ctx.getIndexOfThisSubtask();
    ctx.getLongCounter('records').add(this.count);
    if (this.count > 0) {
      ctx.getLongCounter(`firstRecordMs-${subtask}`).add(this.firstMs);
      ctx.getLongCounter(`lastRecordMs-${subtask}`).add(Date.now());
    }
  }
}

const env = StreamExecutionEnvironment.getExecutionEnvironment();
// Explicit: with a bounded source AUTOMATIC would pick BATCH, which sums without emitting per record.
env.setRuntimeMode('STREAMING');
env
  .fromSource(new DataGeneratorSource((i: number): [string, number] => [words[i & MASK] as string, 1], records), undefined, 'zipf-words')
  .keyBy((t) => t[0])
  .sum(1)
  .addSink(new CountingDiscardSink())
  .name('discard');

await env.execute('wordcount-cluster');

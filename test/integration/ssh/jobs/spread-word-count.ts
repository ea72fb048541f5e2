/**
 * Counts words at the parallelism given with -p and prints the final counts, sorted, one
 * `word=count` line each: exact output whatever the interleaving of the subtasks, and spread
 * over every slot of the cluster.
 */
import type { Collector } from 'flink-ts';
import { StreamExecutionEnvironment } from 'flink-ts';

const env = StreamExecutionEnvironment.getExecutionEnvironment();
const lines = Array.from({ length: 60 }, (_, i) => `alpha beta${i % 3 === 0 ? ' gamma' : ''} delta${i % 2 === 0 ? ' alpha' : ''}`);
const counts = await env
  .fromElements(...lines)
  .flatMap((line: string, out: Collector<[string, number]>) => {
    for (const word of line.split(' ')) out.collect([word, 1]);
  })
  .keyBy((pair) => pair[0])
  .sum(1)
  .executeAndCollect('spread-word-count');

const finalCounts = new Map<string, number>();
for (const [word, count] of counts) finalCounts.set(word, Math.max(finalCounts.get(word) ?? 0, count));
for (const word of [...finalCounts.keys()].sort()) console.log(`${word}=${finalCounts.get(word) ?? 0}`);

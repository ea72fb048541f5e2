import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureZipfText } from './zipf-text.js';
import { ROOT, jobRuntimeMs, runCli } from './cli.js';

const TEXT_BYTES = 50 * 1024 * 1024;
const RUNS = 3;

/**
 * WordCount on the local target (examples/word-count.ts, BATCH mode, parallelism 1) against a
 * hand-written single loop over the same text with the same tokenizer. flink-ts is timed by its
 * own job runtime (submission to FINISHED), the loop from reading the file to the last count.
 * Target (issue 2): ratio ≥ 0.5.
 */
export async function wordcountLocal(): Promise<Record<string, unknown>> {
  const input = await ensureZipfText(join(ROOT, '.bench-data', 'zipf-50mb.txt'), TEXT_BYTES);
  const words = handWordCount(input).words;
  const hand = median(Array.from({ length: RUNS }, () => handWordCount(input).ms));
  const flink: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const output = join(tmpdir(), `flink-ts-bench-wc-${process.pid}-${i}`);
    const run = await runCli(['run', '-p', '1', 'examples/word-count.ts', '--input', input, '--output', output, '--execution-mode', 'batch']);
    rmSync(output, { recursive: true, force: true });
    if (run.code !== 0) throw new Error(`flink-ts run failed (${run.code}):\n${run.stdout}\n${run.stderr}`);
    flink.push(jobRuntimeMs(run.stdout));
  }
  const flinkMs = median(flink);
  const flinkRate = words / (flinkMs / 1000);
  const handRate = words / (hand / 1000);
  const ratio = flinkRate / handRate;
  console.log(`words: ${words}`);
  console.log(`hand-written loop: ${(handRate / 1e6).toFixed(2)} M words/s (${hand.toFixed(0)} ms, median of ${RUNS})`);
  console.log(`flink-ts local:    ${(flinkRate / 1e6).toFixed(2)} M words/s (${flinkMs} ms job runtime, median of ${RUNS})`);
  console.log(`ratio: ${ratio.toFixed(2)} (target >= 0.5)`);
  return { ratio: round(ratio), recordsPerSecond: Math.round(flinkRate), baselineRecordsPerSecond: Math.round(handRate), target: 0.5 };
}

function handWordCount(path: string): { words: number; ms: number } {
  const start = performance.now();
  const text = readFileSync(path, 'utf8');
  const counts = new Map<string, number>();
  let words = 0;
  for (const line of text.split('\n')) {
    for (const token of line.toLowerCase().split(/\W+/)) {
      if (token.length === 0) continue;
      counts.set(token, (counts.get(token) ?? 0) + 1);
      words++;
    }
  }
  return { words, ms: performance.now() - start };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

export function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

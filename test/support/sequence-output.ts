/**
 * Reads what the keyed-sequence test job (test/fixtures/jobs/checkpointing/keyed-sequence.ts)
 * committed: finished part files only (`part-*`), never hidden in-progress or pending ones, and
 * checks it against exactly-once or at-least-once.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface SequenceOutput {
  readonly lines: number;
  /** n → how often it was written. */
  readonly counts: Map<number, number>;
  /** key → the sequence numbers written for it, in file order. */
  readonly sequences: Map<number, number[]>;
  /** key → the sequence numbers its end-of-input timer wrote (`timer <key> <seq>` lines). */
  readonly timers: Map<number, number[]>;
  readonly finishedFiles: string[];
  readonly hiddenFiles: string[];
}

export function readSequenceOutput(dir: string): SequenceOutput {
  const counts = new Map<number, number>();
  const sequences = new Map<number, number[]>();
  const timers = new Map<number, number[]>();
  const finishedFiles: string[] = [];
  const hiddenFiles: string[] = [];
  let lines = 0;
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) {
        walk(path);
        continue;
      }
      if (name.startsWith('.')) {
        hiddenFiles.push(path);
        continue;
      }
      if (!name.startsWith('part-')) continue;
      finishedFiles.push(path);
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        if (line === '') continue;
        if (line.startsWith('timer ')) {
          const [, key, seq] = line.split(' ').map(Number) as [number, number, number];
          timers.set(key, [...(timers.get(key) ?? []), seq]);
          continue;
        }
        const [n, key, seq] = line.split(' ').map(Number) as [number, number, number];
        lines++;
        counts.set(n, (counts.get(n) ?? 0) + 1);
        let list = sequences.get(key);
        if (list === undefined) {
          list = [];
          sequences.set(key, list);
        }
        list.push(seq);
      }
    }
  };
  walk(dir);
  return { lines, counts, sequences, timers, finishedFiles, hiddenFiles };
}

/** Problems with exactly-once delivery of 0..count-1: missing, duplicated, or per-key gaps and repeats. */
export function exactlyOnceProblems(output: SequenceOutput, count: number): string[] {
  const problems = [...lossProblems(output, count)];
  for (const [n, c] of output.counts) if (c !== 1) problems.push(`${n} written ${c} times`);
  for (const [key, seqs] of output.sequences) {
    const sorted = [...seqs].sort((a, b) => a - b);
    for (let i = 0; i < sorted.length; i++) {
      if (sorted[i] !== i + 1) {
        problems.push(`key ${key}: sequence numbers are not 1..${sorted.length} (at position ${i}: ${sorted[i]})`);
        break;
      }
    }
  }
  return problems.slice(0, 20);
}

/** Numbers of 0..count-1 never written (at-least-once allows duplicates, not loss). */
export function lossProblems(output: SequenceOutput, count: number): string[] {
  const problems: string[] = [];
  for (let n = 0; n < count; n++) if (!output.counts.has(n)) problems.push(`${n} is missing`);
  return problems.slice(0, 20);
}

/** Each key's end-of-input timer fired exactly once, after the key's last record (its seq is the key's count). */
export function timerProblems(output: SequenceOutput): string[] {
  const problems: string[] = [];
  for (const [key, seqs] of output.sequences) {
    const fired = output.timers.get(key) ?? [];
    if (fired.length !== 1 || fired[0] !== seqs.length) problems.push(`key ${key}: timer wrote ${JSON.stringify(fired)}, expected [${seqs.length}]`);
  }
  for (const key of output.timers.keys()) if (!output.sequences.has(key)) problems.push(`key ${key}: a timer fired for a key without records`);
  return problems;
}

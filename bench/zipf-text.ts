import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Deterministic benchmark text: a 10,000-word vocabulary of lowercase words (3–10 letters),
 * drawn with Zipf (s = 1) frequencies, 10 words per line — the data perf-baselines.md measured
 * its hand loops on.
 */
export const VOCABULARY_SIZE = 10_000;
const WORDS_PER_LINE = 10;

/** mulberry32: small, fast and reproducible across runs and machines. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function vocabulary(random: () => number): string[] {
  const words = new Set<string>();
  while (words.size < VOCABULARY_SIZE) {
    const length = 3 + Math.floor(random() * 8);
    let w = '';
    for (let i = 0; i < length; i++) w += String.fromCharCode(97 + Math.floor(random() * 26));
    words.add(w);
  }
  return [...words];
}

/** Samples ranks with P(rank k) ∝ 1/k through a cumulative table and binary search. */
export function zipfSampler(n: number, random: () => number): () => number {
  const cumulative = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) cumulative[k] = sum += 1 / (k + 1);
  return () => {
    const u = random() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** Writes about `bytes` bytes of text to `path` once; later calls reuse the file. */
export async function ensureZipfText(path: string, bytes: number): Promise<string> {
  if (existsSync(path) && statSync(path).size >= bytes) return path;
  const random = prng(42);
  const vocab = vocabulary(random);
  const next = zipfSampler(vocab.length, random);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  const out = createWriteStream(tmp);
  let written = 0;
  let chunk = '';
  while (written < bytes) {
    const line: string[] = [];
    for (let i = 0; i < WORDS_PER_LINE; i++) line.push(vocab[next()] as string);
    const text = line.join(' ') + '\n';
    chunk += text;
    written += text.length;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  out.write(chunk);
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  renameSync(tmp, path);
  return path;
}

/**
 * A table of `size` (a power of two) words drawn with Zipf frequencies from the benchmark
 * vocabulary, always the same for a size. Generators index it with `i & (size - 1)`: records are
 * then made on the fly, for any count, without a file or a per-record random draw, and a job and
 * its hand-written baseline see the very same word sequence.
 */
export function zipfWordTable(size: number): string[] {
  if (size <= 0 || (size & (size - 1)) !== 0) throw new RangeError(`The word table size must be a power of two, got ${size}`);
  const random = prng(42);
  const vocab = vocabulary(random);
  const next = zipfSampler(vocab.length, random);
  const table = new Array<string>(size);
  for (let i = 0; i < size; i++) table[i] = vocab[next()] as string;
  return table;
}

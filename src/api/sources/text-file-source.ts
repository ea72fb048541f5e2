import { isAscii } from 'node:buffer';
import type { FileHandle } from 'node:fs/promises';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

import type {
  Boundedness,
  InputStatus,
  ReaderOutput,
  Source,
  SourceReader,
  SourceReaderContext,
} from './source.js';

/** Lines emitted per `pollNext`: small, so the task can check backpressure between calls. */
const BATCH = 256;
const DEFAULT_MIN_SPLIT_SIZE = 64 * 1024;
const DEFAULT_CHUNK_SIZE = 1024 * 1024;
/** Reads past a split's end only finish the split's last line, which is usually short. */
const TAIL_READ_SIZE = 64 * 1024;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * A byte range of one file; the lines whose first byte lies in `[offset, end)` belong to it. It is
 * also what a checkpoint stores: a reader that has emitted some of a split's lines checkpoints it
 * with `offset` moved to the start of its next unread line. That needs no extra marker, since a
 * split is read from `offset - 1` and a line start is always preceded by the `\n` that tells the
 * reader the line at `offset` is its own. `fileSize` is the size when the job first listed the
 * files, so a restored reader reads the same bytes even if the file grew since.
 */
export interface TextFileSplit {
  readonly path: string;
  readonly offset: number;
  readonly end: number;
  readonly fileSize: number;
}

/**
 * Whole lines in `buf[pos, end)`, each ending with `\n` except possibly the last one of a file.
 * `ascii` lets the reader decode with latin1, which is cheaper than UTF-8 and equal for ASCII.
 */
interface LineBlock {
  /** Index of the split the lines belong to, in the reader's list. */
  readonly splitIndex: number;
  /** File offset of `buf[0]`, so `bufOffset + pos` is the file offset of the next line. */
  readonly bufOffset: number;
  readonly buf: Buffer;
  pos: number;
  readonly end: number;
  readonly size: number;
  readonly ascii: boolean;
}

/**
 * Reads text files line by line (`readTextFile`): a file, or every regular file below a
 * directory. Files are cut into byte-range splits, dealt round-robin to the subtasks; a line
 * belongs to the split holding its first byte (Hadoop's TextInputFormat rule), so each line is
 * read exactly once whatever the parallelism. Lines are emitted without `\n` or `\r\n`.
 * Checkpoints hold each reader's unread splits, the current one starting at its next unread line
 * (see `TextFileSplit`), so a restored job reads every line once, at any parallelism.
 */
export class TextFileSource implements Source<string> {
  readonly boundedness: Boundedness = 'BOUNDED';
  readonly defaultName = 'File Source';
  private readonly minSplitSize: number;
  private readonly chunkSize: number;

  /**
   * @param options.minSplitSize smallest split in bytes (default 64 KiB); tests lower it to put
   *   split boundaries everywhere.
   * @param options.chunkSize bytes per read (default 1 MiB).
   */
  constructor(
    readonly path: string,
    options: { readonly minSplitSize?: number; readonly chunkSize?: number } = {},
  ) {
    this.minSplitSize = positiveInteger('minSplitSize', options.minSplitSize ?? DEFAULT_MIN_SPLIT_SIZE);
    this.chunkSize = positiveInteger('chunkSize', options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  }

  createReader(context: SourceReaderContext): SourceReader<string> {
    const restored = context.restoredSplits === undefined ? undefined : restoreSplits(context.restoredSplits);
    return new TextFileReader(
      this.path,
      context.subtaskIndex,
      context.parallelism,
      this.minSplitSize,
      this.chunkSize,
      restored,
    );
  }
}

/** Checks splits read back from a checkpoint, which may hold anything under this operator's id. */
function restoreSplits(splits: readonly unknown[]): TextFileSplit[] {
  return splits.map((split) => {
    const { path, offset, end, fileSize } = (split ?? {}) as Partial<Record<keyof TextFileSplit, unknown>>;
    const offsets = [offset, end, fileSize];
    if (
      typeof path !== 'string' ||
      !offsets.every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0) ||
      (offset as number) > (end as number) ||
      (end as number) > (fileSize as number)
    ) {
      const expected = 'expected { path, offset, end, fileSize } with offset <= end <= fileSize';
      throw new TypeError(`TextFileSource cannot restore split ${JSON.stringify(split)}: ${expected}`);
    }
    return { path, offset: offset as number, end: end as number, fileSize: fileSize as number };
  });
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(`TextFileSource option ${name} must be a positive integer, got ${value}`);
  }
  return value;
}

/** A promise that is handed out until `notify` resolves it; then a fresh one is made on demand. */
class Signal {
  private pending: { promise: Promise<void>; resolve: () => void } | undefined;

  wait(): Promise<void> {
    if (this.pending === undefined) {
      let resolve: () => void = () => undefined;
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      this.pending = { promise, resolve };
    }
    return this.pending.promise;
  }

  notify(): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.resolve();
  }
}

/**
 * Reads this subtask's splits in the background (async reads, one chunk ahead) into a short
 * queue of line blocks; `pollNext` only slices lines out of bytes already in memory.
 */
class TextFileReader implements SourceReader<string> {
  private readonly blocks: LineBlock[] = [];
  private queuedBytes = 0;
  private producer: Promise<void> | undefined;
  private producerDone = false;
  private failure: unknown;
  private failed = false;
  private closed = false;
  private readonly dataSignal = new Signal();
  private readonly spaceSignal = new Signal();
  /** This reader's splits in read order; known once `start` has listed the files. */
  private splits: readonly TextFileSplit[] | undefined;
  /**
   * How far emission got: splits before `splitIndex` are done, and `offset` (once a line of it
   * was emitted) is where the next unread line of split `splitIndex` starts. The read-ahead does
   * not move it, so a checkpoint never counts lines that are only buffered.
   */
  private readonly emitted: { splitIndex: number; offset: number | undefined } = { splitIndex: 0, offset: undefined };

  constructor(
    private readonly path: string,
    private readonly subtaskIndex: number,
    private readonly parallelism: number,
    private readonly minSplitSize: number,
    private readonly chunkSize: number,
    restoredSplits: readonly TextFileSplit[] | undefined,
  ) {
    this.splits = restoredSplits;
  }

  async start(): Promise<void> {
    // A restored reader reads exactly its splits; the files are not listed again, so files added
    // since the first listing are not picked up (the split assignment must not change).
    if (this.splits === undefined) {
      const files = await listFiles(this.path);
      this.splits = computeSplits(files, this.parallelism, this.minSplitSize).filter(
        (_split, k) => k % this.parallelism === this.subtaskIndex,
      );
    }
    const splits = this.splits;
    if (splits.length === 0) {
      // Nothing to read (a restored reader with no splits): end at the first poll, not a tick later.
      this.producerDone = true;
      return;
    }
    this.producer = this.produce(splits).then(
      () => {
        this.producerDone = true;
        this.dataSignal.notify();
      },
      (e: unknown) => {
        this.failure = e;
        this.failed = true;
        this.dataSignal.notify();
      },
    );
  }

  pollNext(output: ReaderOutput<string>): InputStatus {
    let emitted = 0;
    while (emitted < BATCH) {
      const block = this.blocks[0];
      if (block === undefined) break;
      emitted += emitLines(block, output, BATCH - emitted);
      this.emitted.splitIndex = block.splitIndex;
      // `pos` passes `end` after a file's last line without `\n`; clamped, it is the file's end.
      this.emitted.offset = block.bufOffset + Math.min(block.pos, block.end);
      if (block.pos >= block.end) {
        this.blocks.shift();
        this.queuedBytes -= block.size;
        this.spaceSignal.notify();
      }
    }
    if (emitted > 0) return 'MORE_AVAILABLE';
    if (this.failed) throw this.failure;
    if (this.producerDone || this.closed) return 'END_OF_INPUT';
    return 'NOTHING_AVAILABLE';
  }

  isAvailable(): Promise<void> {
    if (this.blocks.length > 0 || this.producerDone || this.failed || this.closed) return Promise.resolve();
    return this.dataSignal.wait();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.spaceSignal.notify();
    this.dataSignal.notify();
    await this.producer;
    this.blocks.length = 0;
  }

  /** The splits not fully emitted, the current one from its next unread line. */
  snapshotState(_checkpointId: number): TextFileSplit[] {
    if (this.splits === undefined) throw new Error('TextFileSource reader cannot snapshot before start() has finished');
    const { splitIndex, offset } = this.emitted;
    const remaining: TextFileSplit[] = [];
    for (let k = splitIndex; k < this.splits.length; k++) {
      const { path, offset: from, end, fileSize } = this.splits[k] as TextFileSplit;
      if (k === splitIndex && offset !== undefined) {
        if (offset < end) remaining.push({ path, offset, end, fileSize });
      } else {
        remaining.push({ path, offset: from, end, fileSize });
      }
    }
    return remaining;
  }

  private async produce(splits: readonly TextFileSplit[]): Promise<void> {
    for (const [index, split] of splits.entries()) {
      if (this.closed) return;
      const handle = await open(split.path, 'r');
      try {
        await this.readSplit(handle, split, index);
      } finally {
        await handle.close();
      }
    }
  }

  /**
   * Queues the lines that start in `[start, end)`. A split not at offset 0 begins one byte early
   * and drops everything through the first `\n`: if that byte is the `\n` ending the previous
   * line, the line at `start` is ours; otherwise the line in progress belongs to the split
   * before. The last line is the one holding byte `end - 1`, finished even past `end`.
   */
  private async readSplit(handle: FileHandle, split: TextFileSplit, splitIndex: number): Promise<void> {
    const { offset: start, end, fileSize } = split;
    let pos = start === 0 ? 0 : start - 1;
    let skipping = start !== 0;
    // Bytes of a line that crosses chunk boundaries; joined once its `\n` (or the file end) shows.
    let carry: Buffer[] = [];
    let carryOffset = 0;
    while (pos < fileSize) {
      await this.waitForSpace();
      if (this.closed) return;
      const want = Math.min(fileSize - pos, this.chunkSize, pos < end ? end - pos : TAIL_READ_SIZE);
      const buf = Buffer.allocUnsafe(want);
      const { bytesRead } = await handle.read(buf, 0, want, pos);
      // The file shrank since it was listed: what is left ends here.
      if (bytesRead === 0) break;
      const data = bytesRead === want ? buf : buf.subarray(0, bytesRead);
      const dataOffset = pos;
      pos += bytesRead;
      let p = 0;
      if (skipping) {
        const nl = data.indexOf(NEWLINE);
        if (nl === -1) continue;
        skipping = false;
        p = nl + 1;
        if (dataOffset + p >= end) return;
      }
      let blockEnd = p;
      let finished = false;
      const stopFrom = Math.max(p, end - 1 - dataOffset);
      if (stopFrom < data.length) {
        const stop = data.indexOf(NEWLINE, stopFrom);
        if (stop !== -1) {
          blockEnd = stop + 1;
          finished = true;
        }
      }
      if (!finished) {
        const last = data.lastIndexOf(NEWLINE);
        if (last >= p) blockEnd = last + 1;
      }
      if (blockEnd > p && carry.length > 0) {
        const nl = data.indexOf(NEWLINE, p);
        carry.push(data.subarray(p, nl + 1));
        this.push(splitIndex, carryOffset, Buffer.concat(carry));
        carry = [];
        p = nl + 1;
      }
      if (blockEnd > p) this.push(splitIndex, dataOffset, data, p, blockEnd);
      if (finished) return;
      const rest = Math.max(p, blockEnd);
      if (rest < data.length) {
        if (carry.length === 0) carryOffset = dataOffset + rest;
        carry.push(data.subarray(rest));
      }
    }
    // The file ends without `\n`: the carried bytes are its last line.
    if (!skipping && carry.length > 0) this.push(splitIndex, carryOffset, Buffer.concat(carry));
  }

  /** Keeps the read-ahead to about two chunks, so a slow pipeline does not buffer the whole file. */
  private async waitForSpace(): Promise<void> {
    while (!this.closed && this.queuedBytes >= 2 * this.chunkSize) await this.spaceSignal.wait();
  }

  private push(splitIndex: number, bufOffset: number, buf: Buffer, start = 0, end = buf.length): void {
    const ascii = isAscii(start === 0 && end === buf.length ? buf : buf.subarray(start, end));
    this.blocks.push({ splitIndex, bufOffset, buf, pos: start, end, size: end - start, ascii });
    this.queuedBytes += end - start;
    this.dataSignal.notify();
  }
}

/** Emits up to `max` lines of `block`; returns how many. */
function emitLines(block: LineBlock, output: ReaderOutput<string>, max: number): number {
  const { buf, end } = block;
  const encoding = block.ascii ? 'latin1' : 'utf8';
  let pos = block.pos;
  let n = 0;
  while (n < max && pos < end) {
    let nl = buf.indexOf(NEWLINE, pos);
    // Only the last line of a file can lack its `\n`.
    if (nl === -1 || nl >= end) nl = end;
    const lineEnd = nl > pos && buf[nl - 1] === CARRIAGE_RETURN ? nl - 1 : nl;
    output.collect(buf.toString(encoding, pos, lineEnd));
    pos = nl + 1;
    n++;
  }
  block.pos = pos;
  return n;
}

interface ListedFile {
  readonly path: string;
  readonly size: number;
}

/** The file itself, or a directory's regular files (recursively, sorted by path). */
async function listFiles(path: string): Promise<ListedFile[]> {
  let stats;
  try {
    stats = await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`File source path does not exist: ${path}`, { cause: e });
    throw new Error(`Cannot access file source path ${path}: ${(e as Error).message}`, { cause: e });
  }
  if (stats.isFile()) return [{ path, size: stats.size }];
  if (!stats.isDirectory()) throw new Error(`File source path is neither a file nor a directory: ${path}`);
  const files: ListedFile[] = [];
  await collectFiles(path, files);
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function collectFiles(dir: string, out: ListedFile[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    // Hidden and `_`-prefixed names are bookkeeping (in-progress part files, `_SUCCESS`,
    // `_metadata`), which Flink's and Hadoop's file enumerators skip as well.
    if (entry.name.startsWith('.') || entry.name.startsWith('_')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      await collectFiles(path, out);
    } else if (entry.isFile() || entry.isSymbolicLink()) {
      // Links to files are read; links to directories are not followed, so a link cycle cannot
      // make the listing endless.
      const stats = await stat(path);
      if (stats.isFile()) out.push({ path, size: stats.size });
    }
  }
}

/** Splits of every non-empty file in order; the caller deals them round-robin to subtasks. */
function computeSplits(files: readonly ListedFile[], parallelism: number, minSplitSize: number): TextFileSplit[] {
  const splits: TextFileSplit[] = [];
  for (const { path, size } of files) {
    const splitSize = Math.max(minSplitSize, Math.ceil(size / parallelism));
    for (let start = 0; start < size; start += splitSize) {
      splits.push({ path, offset: start, end: Math.min(size, start + splitSize), fileSize: size });
    }
  }
  return splits;
}

import assert from 'node:assert/strict';
import { pack, unpack } from 'msgpackr';

import type { OperatorServices } from '../../../src/api/operators/stream-operator.js';
import type { Source, SourceReader } from '../../../src/api/sources/source.js';

/** The most records one `pollNext` may emit (the task checks backpressure between calls). */
export const MAX_RECORDS_PER_POLL = 256;

/** An OperatorServices double: wall-clock processing time, output and messages recorded. */
export function testServices(): OperatorServices & { stdoutText: string[]; messages: unknown[] } {
  const stdoutText: string[] = [];
  const messages: unknown[] = [];
  return {
    stdoutText,
    messages,
    stdout: (text) => {
      stdoutText.push(text);
    },
    stderr: (text) => {
      stdoutText.push(text);
    },
    sendToCoordinator: (_operatorId, payload) => {
      messages.push(payload);
    },
    processingTime: () => Date.now(),
    scheduleProcessingTime: (time, callback) => {
      const timer = setTimeout(callback, Math.max(0, time - Date.now()));
      return () => clearTimeout(timer);
    },
  };
}

export function createReader<T>(
  source: Source<T>,
  subtaskIndex = 0,
  parallelism = 1,
  services: OperatorServices = testServices(),
  restoredSplits?: readonly unknown[],
): SourceReader<T> {
  return source.createReader({
    subtaskIndex,
    parallelism,
    attemptNumber: 0,
    services,
    ...(restoredSplits === undefined ? {} : { restoredSplits }),
  });
}

/**
 * Drives a started reader as the task does: poll until END_OF_INPUT, awaiting `isAvailable` on
 * NOTHING_AVAILABLE, stopping early once `limit` records arrived. Checks the per-poll bound.
 */
export async function drain<T>(reader: SourceReader<T>, limit = Number.POSITIVE_INFINITY): Promise<T[]> {
  const out: T[] = [];
  let polled = 0;
  const output = {
    collect: (value: T) => {
      out.push(value);
      polled++;
    },
  };
  while (out.length < limit) {
    polled = 0;
    const status = reader.pollNext(output);
    assert.ok(polled <= MAX_RECORDS_PER_POLL, `pollNext emitted ${polled} records at once`);
    if (status === 'END_OF_INPUT') break;
    if (status === 'NOTHING_AVAILABLE') await reader.isAvailable();
  }
  return out;
}

/** Creates, starts, drains and closes one subtask's reader. */
export async function readSubtask<T>(source: Source<T>, subtaskIndex: number, parallelism: number): Promise<T[]> {
  const reader = createReader(source, subtaskIndex, parallelism);
  await reader.start();
  try {
    return await drain(reader);
  } finally {
    await reader.close();
  }
}

/** Every subtask's output for parallelism `p`, in subtask order. */
export async function readAllSubtasks<T>(source: Source<T>, parallelism: number): Promise<T[][]> {
  const results: T[][] = [];
  for (let i = 0; i < parallelism; i++) results.push(await readSubtask(source, i, parallelism));
  return results;
}

/** Waits until `condition` holds, polling; fails after `timeoutMs`. */
export async function eventually(condition: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Takes a reader's snapshot as the runtime stores it: through msgpack, so splits that are not plain
 * data (class instances, functions, bigints) show up here.
 */
export function snapshot<T>(reader: SourceReader<T>, checkpointId = 1): unknown[] {
  assert.ok(reader.snapshotState !== undefined, 'the reader can snapshot its state');
  return unpack(pack(reader.snapshotState(checkpointId))) as unknown[];
}

/**
 * The even-split redistribution of operator list state on restore: the old subtasks' lists
 * concatenated in subtask order and cut into contiguous chunks, sizes differing by at most one.
 */
export function redistribute(lists: readonly (readonly unknown[])[], parallelism: number): unknown[][] {
  const all = lists.flat();
  const base = Math.floor(all.length / parallelism);
  const remainder = all.length - base * parallelism;
  const chunks: unknown[][] = [];
  let next = 0;
  for (let i = 0; i < parallelism; i++) {
    const size = base + (i < remainder ? 1 : 0);
    chunks.push(all.slice(next, next + size));
    next += size;
  }
  return chunks;
}

/** Creates, starts, drains and closes a reader restored from `splits`. */
export async function readRestored<T>(
  source: Source<T>,
  splits: readonly unknown[],
  subtaskIndex = 0,
  parallelism = 1,
): Promise<T[]> {
  const reader = createReader(source, subtaskIndex, parallelism, testServices(), splits);
  await reader.start();
  try {
    return await drain(reader);
  } finally {
    await reader.close();
  }
}

/**
 * Runs `oldParallelism` fresh readers, reader `i` stopping (between polls) after about
 * `readBefore[i]` records, snapshots each, restores the snapshots over `newParallelism` readers
 * and drains those. Returns what was emitted before the checkpoint and after the restore.
 */
export async function checkpointAndRescale<T>(
  source: Source<T>,
  readBefore: readonly number[],
  newParallelism: number,
): Promise<{ before: T[][]; after: T[][]; splits: unknown[][] }> {
  const before: T[][] = [];
  const splits: unknown[][] = [];
  for (const [i, limit] of readBefore.entries()) {
    const reader = createReader(source, i, readBefore.length);
    await reader.start();
    try {
      before.push(await drain(reader, limit));
      splits.push(snapshot(reader));
    } finally {
      await reader.close();
    }
  }
  const after: T[][] = [];
  for (const [i, chunk] of redistribute(splits, newParallelism).entries()) {
    after.push(await readRestored(source, chunk, i, newParallelism));
  }
  return { before, after, splits };
}

/** Asserts that `outputs` together hold exactly `expected`, each element once (order aside). */
export function assertExactlyOnce<T>(outputs: readonly (readonly T[])[], expected: readonly T[], label = ''): void {
  const key = (v: T): string => JSON.stringify(v);
  const sortedKeys = (values: readonly T[]): string[] => values.map(key).sort();
  assert.deepEqual(sortedKeys(outputs.flat()), sortedKeys(expected), label);
}

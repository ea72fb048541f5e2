import assert from 'node:assert/strict';

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
  };
}

export function createReader<T>(
  source: Source<T>,
  subtaskIndex = 0,
  parallelism = 1,
  services: OperatorServices = testServices(),
): SourceReader<T> {
  return source.createReader({ subtaskIndex, parallelism, attemptNumber: 0, services });
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

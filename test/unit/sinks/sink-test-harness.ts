import assert from 'node:assert/strict';

import type { OperatorServices } from '../../../src/api/operators/stream-operator.js';
import type { Sink, SinkWriter } from '../../../src/api/sinks/sink.js';
import { RuntimeContext } from '../../../src/api/common/runtime-context.js';

export const OPERATOR_ID = 'cbc357ccb763df2852fee8c4fc7d55f2';

/** An OperatorServices double that records what a writer hands over; the clock may be set. */
export class TestServices implements OperatorServices {
  readonly out: string[] = [];
  readonly err: string[] = [];
  readonly messages: { operatorId: string; payload: unknown }[] = [];
  /** A fixed processing time, or undefined for the wall clock. */
  now: number | undefined;
  readonly timerErrors: unknown[] = [];

  stdout(text: string): void {
    this.out.push(text);
  }
  stderr(text: string): void {
    this.err.push(text);
  }
  sendToCoordinator(operatorId: string, payload: unknown): void {
    this.messages.push({ operatorId, payload });
  }
  processingTime(): number {
    return this.now ?? Date.now();
  }
  /** Runs the callback on a real timer; a failure in it is kept in `timerErrors` instead of crashing the test process. */
  scheduleProcessingTime(time: number, callback: () => void): () => void {
    const timer = setTimeout(
      () => {
        try {
          callback();
        } catch (e) {
          this.timerErrors.push(e);
        }
      },
      Math.max(0, time - this.processingTime()),
    );
    return () => clearTimeout(timer);
  }
}

export function createWriter<T>(
  sink: Sink<T>,
  services: OperatorServices,
  subtaskIndex = 0,
  parallelism = 1,
): SinkWriter<T> {
  const taskName = 'Sink: test';
  const runtimeContext = new RuntimeContext(
    {
      taskName,
      indexOfThisSubtask: subtaskIndex,
      numberOfParallelSubtasks: parallelism,
      maxNumberOfParallelSubtasks: 128,
      attemptNumber: 0,
      taskNameWithSubtasks: `${taskName} (${subtaskIndex + 1}/${parallelism})#0`,
    },
    { jobId: '0'.repeat(32), jobName: 'test job' },
    new Map(),
  );
  return sink.createWriter({
    subtaskIndex,
    parallelism,
    attemptNumber: 0,
    operatorId: OPERATOR_ID,
    runtimeContext,
    services,
  });
}

/** Waits until `condition` holds, polling; fails after `timeoutMs`. */
export async function eventually(condition: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

import type { ExecutionAttemptId } from '../../../src/core/ids.js';
import type { ExecutionState } from '../../../src/runtime/executiongraph/execution-state.js';
import type { CheckpointBarrier } from '../../../src/runtime/checkpoint/checkpoint-options.js';
import type { OperatorSubtaskState } from '../../../src/runtime/checkpoint/checkpoint-metadata.js';
import type { CheckpointCoordinatorContext, CheckpointTask, CheckpointVertex } from '../../../src/runtime/checkpoint/checkpoint-coordinator.js';
import { Configuration } from '../../../src/config/index.js';
import { Logger, MemoryLogSink } from '../../../src/core/logger.js';
import { CheckpointCoordinator } from '../../../src/runtime/checkpoint/checkpoint-coordinator.js';
import { checkpointSettingsFrom } from '../../../src/runtime/checkpoint/checkpoint-settings.js';

export const JOB_ID = 'abcdef0123456789abcdef0123456789';

export interface FakeTask extends CheckpointTask {
  state: ExecutionState;
}

export function task(attemptId: string, vertexId: string, subtaskIndex: number, isSource: boolean, state: ExecutionState = 'RUNNING'): FakeTask {
  return { attemptId: attemptId as ExecutionAttemptId, vertexId, subtaskIndex, isSource, state, name: `${vertexId} (${subtaskIndex + 1})` };
}

/** A hand-written JobMaster side of the coordinator: records what it is asked to do. */
export class FakeContext implements CheckpointCoordinatorContext {
  readonly jobId = JOB_ID;
  readonly sink = new MemoryLogSink();
  readonly logger = new Logger('CheckpointCoordinator', this.sink, 'INFO');
  readonly vertices: readonly CheckpointVertex[] = [
    { id: 'src', parallelism: 2, maxParallelism: 128, operators: [{ operatorId: 'op-src', name: 'Source' }] },
    { id: 'map', parallelism: 1, maxParallelism: 128, operators: [{ operatorId: 'op-map', name: 'Map' }] },
  ];
  running = true;
  taskList: FakeTask[] = [task('s0', 'src', 0, true), task('s1', 'src', 1, true), task('m0', 'map', 0, false)];
  readonly triggered: { attemptId: ExecutionAttemptId; barrier: CheckpointBarrier }[] = [];
  readonly notified: { attemptId: ExecutionAttemptId; checkpointId: number; completed: boolean }[] = [];
  readonly failures: Error[] = [];

  isRunning(): boolean {
    return this.running;
  }
  tasks(): readonly CheckpointTask[] {
    return this.taskList;
  }
  triggerTask(attemptId: ExecutionAttemptId, barrier: CheckpointBarrier): Promise<void> {
    this.triggered.push({ attemptId, barrier });
    return Promise.resolve();
  }
  notifyTask(attemptId: ExecutionAttemptId, checkpointId: number, completed: boolean): void {
    this.notified.push({ attemptId, checkpointId, completed });
  }
  failJob(error: Error): void {
    this.failures.push(error);
  }

  /** Acknowledges `checkpointId` from every RUNNING task, each with a small inline operator state. */
  ackAll(coordinator: CheckpointCoordinator, checkpointId: number): void {
    for (const t of this.taskList) {
      if (t.state !== 'RUNNING') continue;
      const operatorId = t.vertexId === 'src' ? 'op-src' : 'op-map';
      const state: OperatorSubtaskState = { subtask: t.subtaskIndex, operator: { handle: { inline: 'AAA=', size: 3 }, states: [] } };
      coordinator.receiveAcknowledge(t.attemptId, checkpointId, { [operatorId]: state });
    }
  }

  logLines(): string[] {
    return this.sink.lines;
  }
}

export function coordinatorWith(options: Readonly<Record<string, unknown>>, context = new FakeContext()): { coordinator: CheckpointCoordinator; context: FakeContext } {
  const settings = checkpointSettingsFrom(Configuration.fromMap(options));
  return { coordinator: new CheckpointCoordinator(settings, context), context };
}

export async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'flink-ts-chk-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as Error,
  );
}

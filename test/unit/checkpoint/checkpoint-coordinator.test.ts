import { mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { CheckpointMetadata } from '../../../src/runtime/checkpoint/checkpoint-metadata.js';
import type { CompletedCheckpoint } from '../../../src/runtime/checkpoint/completed-checkpoint.js';
import { eventually } from '../../support/eventually.js';
import { FakeContext, JOB_ID, coordinatorWith, exists, rejectionOf, task, tempDir } from './coordinator-support.js';

const DECLINE = { class: 'Error', message: 'the operator refused', stack: 'Error: the operator refused' };

async function readMetadata(directory: string): Promise<CheckpointMetadata> {
  return JSON.parse(await readFile(join(directory, '_metadata'), 'utf8')) as CheckpointMetadata;
}

test('a trigger reaches only the RUNNING source tasks; FINISHED subtasks are recorded as finished; ids start at 1 and grow', async (t) => {
  const dir = await tempDir(t);
  const context = new FakeContext();
  context.taskList = [task('s0', 'src', 0, true), task('s1', 'src', 1, true, 'FINISHED'), task('m0', 'map', 0, false)];
  const { coordinator } = coordinatorWith({ 'execution.checkpointing.dir': dir }, context);

  const first = coordinator.trigger('CHECKPOINT');
  assert.deepEqual(
    context.triggered.map((x) => [x.attemptId, x.barrier.checkpointId]),
    [['s0', 1]],
  );
  const barrier = context.triggered[0]?.barrier;
  assert.equal(barrier?.options.type, 'CHECKPOINT');
  assert.equal(barrier?.options.targetLocation, join(dir, JOB_ID, 'chk-1'));
  context.ackAll(coordinator, 1);
  const completed = await first;
  assert.equal(completed.metadata.checkpointId, 1);
  const src = completed.metadata.operators.find((o) => o.operatorId === 'op-src');
  assert.deepEqual(src?.subtasks.map((s) => [s.subtask, s.finished === true]), [
    [0, false],
    [1, true],
  ]);
  // The finished subtask was never asked to acknowledge, and is not told the checkpoint completed.
  assert.deepEqual(context.notified.map((n) => n.attemptId).sort(), ['m0', 's0']);

  const second = coordinator.trigger('CHECKPOINT');
  assert.deepEqual(
    context.triggered.map((x) => x.barrier.checkpointId),
    [1, 2],
  );
  context.ackAll(coordinator, 2);
  assert.equal((await second).metadata.checkpointId, 2);
});

test('a trigger while a task is neither RUNNING nor FINISHED is refused, and uses up no id', async (t) => {
  const dir = await tempDir(t);
  const context = new FakeContext();
  context.taskList = [task('s0', 'src', 0, true), task('s1', 'src', 1, true), task('m0', 'map', 0, false, 'DEPLOYING')];
  const { coordinator } = coordinatorWith({ 'execution.checkpointing.dir': dir }, context);
  const error = await rejectionOf(coordinator.trigger('CHECKPOINT'));
  assert.match(error.message, /Not all required tasks are currently running/);
  assert.match(error.message, /map \(1\) is DEPLOYING/);
  assert.equal(context.triggered.length, 0);

  (context.taskList[2] as { state: string }).state = 'RUNNING';
  const next = coordinator.trigger('CHECKPOINT');
  assert.equal(context.triggered[0]?.barrier.checkpointId, 1);
  context.ackAll(coordinator, 1);
  await next;
});

test('a trigger while the job is not running is refused', async () => {
  const { coordinator, context } = coordinatorWith({});
  context.running = false;
  const error = await rejectionOf(coordinator.trigger('CHECKPOINT'));
  assert.match(error.message, /is not running, so it cannot take a checkpoint/);
});

test('all acks: _metadata in <dir>/<jobId>/chk-<n>, completion logged, tasks notified, promise resolves', async (t) => {
  const dir = await tempDir(t);
  const { coordinator, context } = coordinatorWith({ 'execution.checkpointing.dir': dir });
  const result = coordinator.trigger('CHECKPOINT');
  context.ackAll(coordinator, 1);
  const completed = await result;

  const chk = join(dir, JOB_ID, 'chk-1');
  assert.equal(completed.directory, chk);
  assert.equal(completed.isSavepoint, false);
  const metadata = await readMetadata(chk);
  assert.equal(metadata.jobId, JOB_ID);
  assert.equal(metadata.checkpointId, 1);
  assert.equal(metadata.type, 'CHECKPOINT');
  assert.deepEqual(metadata.operators.map((o) => [o.operatorId, o.parallelism, o.maxParallelism, o.subtasks.length]), [
    ['op-src', 2, 128, 2],
    ['op-map', 1, 128, 1],
  ]);
  assert.ok(
    context.logLines().some((l) => l.includes(`Completed checkpoint 1 for job ${JOB_ID} (`)),
    context.logLines().join(''),
  );
  assert.deepEqual(
    context.notified.map((n) => [n.attemptId, n.checkpointId, n.completed]).sort(),
    [
      ['m0', 1, true],
      ['s0', 1, true],
      ['s1', 1, true],
    ],
  );
  assert.equal(coordinator.latestForRestore(), completed);
  const stats = coordinator.statsSnapshot();
  assert.equal(stats.latestCompleted?.id, 1);
  assert.equal(stats.latestCompleted?.numAcknowledgedSubtasks, 3);
  assert.equal(stats.latestCompleted?.stateSize > 0, true);
});

test('an ack for an unknown checkpoint or from an unexpected task, or a second ack, does not complete it', async (t) => {
  const dir = await tempDir(t);
  const { coordinator, context } = coordinatorWith({ 'execution.checkpointing.dir': dir });
  const result = coordinator.trigger('CHECKPOINT');
  coordinator.receiveAcknowledge('nobody' as never, 1, {});
  coordinator.receiveAcknowledge(context.taskList[0]?.attemptId as never, 7, {});
  coordinator.receiveAcknowledge(context.taskList[0]?.attemptId as never, 1, {});
  coordinator.receiveAcknowledge(context.taskList[0]?.attemptId as never, 1, {});
  coordinator.receiveAcknowledge(context.taskList[1]?.attemptId as never, 1, {});
  assert.equal(coordinator.statsSnapshot().counts.inProgress, 1);
  assert.equal(coordinator.statsSnapshot().history[0]?.numAcknowledgedSubtasks, 2);
  coordinator.receiveAcknowledge(context.taskList[2]?.attemptId as never, 1, {});
  await result;
});

test('num-retained 1: the older checkpoint directory is deleted when a newer one completes', async (t) => {
  const dir = await tempDir(t);
  const { coordinator, context } = coordinatorWith({ 'execution.checkpointing.dir': dir, 'execution.checkpointing.num-retained': '1' });
  const first = coordinator.trigger('CHECKPOINT');
  context.ackAll(coordinator, 1);
  await first;
  assert.ok(await exists(join(dir, JOB_ID, 'chk-1', '_metadata')));

  const second = coordinator.trigger('CHECKPOINT');
  context.ackAll(coordinator, 2);
  await second;
  await eventually(async () => !(await exists(join(dir, JOB_ID, 'chk-1'))), 'chk-1 to be deleted', 5000);
  assert.ok(await exists(join(dir, JOB_ID, 'chk-2', '_metadata')));
  assert.equal(coordinator.statsSnapshot().history.find((h) => h.id === 1)?.discarded, true);
  assert.equal(coordinator.statsSnapshot().history.find((h) => h.id === 2)?.discarded, false);
});

test('num-retained 2 keeps the two newest', async (t) => {
  const dir = await tempDir(t);
  const { coordinator, context } = coordinatorWith({ 'execution.checkpointing.dir': dir, 'execution.checkpointing.num-retained': '2' });
  for (const id of [1, 2, 3]) {
    const p = coordinator.trigger('CHECKPOINT');
    context.ackAll(coordinator, id);
    await p;
  }
  await eventually(async () => !(await exists(join(dir, JOB_ID, 'chk-1'))), 'chk-1 to be deleted', 5000);
  assert.ok(await exists(join(dir, JOB_ID, 'chk-2', '_metadata')));
  assert.ok(await exists(join(dir, JOB_ID, 'chk-3', '_metadata')));
});

test('a decline aborts the checkpoint, tells the tasks, deletes its directory and (tolerable 0) fails the job', async (t) => {
  const dir = await tempDir(t);
  const { coordinator, context } = coordinatorWith({ 'execution.checkpointing.dir': dir, 'execution.checkpointing.tolerable-failed-checkpoints': '0' });
  const result = coordinator.trigger('CHECKPOINT');
  // A task already wrote a state file into the checkpoint's directory.
  const chk = join(dir, JOB_ID, 'chk-1');
  await mkdir(chk, { recursive: true });
  await writeFile(join(chk, 'state-file'), 'x');
  coordinator.receiveAcknowledge('s0' as never, 1, {});
  coordinator.receiveDecline('m0' as never, 1, DECLINE);

  const error = await rejectionOf(result);
  assert.match(error.message, /Checkpoint 1 was declined by task map \(1\): the operator refused/);
  assert.deepEqual(
    context.notified.map((n) => [n.attemptId, n.checkpointId, n.completed]).sort(),
    [
      ['m0', 1, false],
      ['s0', 1, false],
      ['s1', 1, false],
    ],
  );
  await eventually(async () => !(await exists(chk)), 'the aborted checkpoint directory to be deleted', 5000);
  assert.equal(context.failures.length, 1);
  assert.match(context.failures[0]?.message ?? '', /Exceeded checkpoint tolerable failure threshold/);
  assert.match(context.failures[0]?.message ?? '', /declined by task map/);
  assert.ok(context.logLines().some((l) => l.includes('WARN') && l.includes('Failed to complete checkpoint 1')));
  const stats = coordinator.statsSnapshot();
  assert.equal(stats.counts.failed, 1);
  assert.equal(stats.latestFailed?.id, 1);
  assert.match(stats.latestFailed?.failureMessage ?? '', /declined/);
  // A late ack of the aborted checkpoint changes nothing.
  context.ackAll(coordinator, 1);
  assert.equal(coordinator.statsSnapshot().counts.completed, 0);
});

test('tolerable-failed-checkpoints 1: only the second consecutive failure fails the job; a completion resets the count', async () => {
  const { coordinator, context } = coordinatorWith({ 'execution.checkpointing.tolerable-failed-checkpoints': '1' });
  const decline = async (id: number): Promise<void> => {
    const p = coordinator.trigger('CHECKPOINT');
    coordinator.receiveDecline('s0' as never, id, DECLINE);
    await rejectionOf(p);
  };
  await decline(1);
  assert.equal(context.failures.length, 0);

  const ok = coordinator.trigger('CHECKPOINT');
  context.ackAll(coordinator, 2);
  await ok;

  await decline(3);
  assert.equal(context.failures.length, 0, 'the completed checkpoint 2 reset the count');
  await decline(4);
  assert.equal(context.failures.length, 1);
  assert.match(context.failures[0]?.message ?? '', /Exceeded checkpoint tolerable failure threshold/);
});

test('savepoint failures and aborts because of a restart do not count towards the tolerable failures', async () => {
  const { coordinator, context } = coordinatorWith({ 'execution.checkpointing.tolerable-failed-checkpoints': '0' });
  const p1 = coordinator.trigger('CHECKPOINT');
  coordinator.abortPending('A task failed.');
  assert.match((await rejectionOf(p1)).message, /A task failed/);
  assert.equal(context.failures.length, 0);
  assert.deepEqual(
    context.notified.filter((n) => !n.completed).map((n) => n.checkpointId),
    [1, 1, 1],
  );
});

test('a checkpoint that is not acknowledged in time expires', async () => {
  const { coordinator, context } = coordinatorWith({ 'execution.checkpointing.timeout': '50 ms', 'execution.checkpointing.tolerable-failed-checkpoints': '5' });
  const result = coordinator.trigger('CHECKPOINT');
  coordinator.receiveAcknowledge('s0' as never, 1, {});
  const error = await rejectionOf(result);
  assert.match(error.message, /Checkpoint 1 expired before completing/);
  assert.equal(context.failures.length, 0);
  assert.equal(coordinator.statsSnapshot().counts.failed, 1);
});

test('a failing trigger call at a task aborts the checkpoint', async () => {
  const context = new FakeContext();
  context.triggerTask = () => Promise.reject(new Error('connection lost'));
  const { coordinator } = coordinatorWith({ 'execution.checkpointing.tolerable-failed-checkpoints': '5' }, context);
  const error = await rejectionOf(coordinator.trigger('CHECKPOINT'));
  assert.match(error.message, /could not be triggered at src \(1\): connection lost/);
});

test('a savepoint without a directory and without execution.checkpointing.savepoint-dir is rejected naming the key', async () => {
  const { coordinator, context } = coordinatorWith({});
  const error = await rejectionOf(coordinator.trigger('SAVEPOINT'));
  assert.match(error.message, /execution\.checkpointing\.savepoint-dir/);
  assert.equal(context.triggered.length, 0);
});

test('a savepoint goes to savepoint-<job id prefix>-<12 hex> with _metadata and is not kept (nor deleted) by the store', async (t) => {
  const dir = await tempDir(t);
  const savepoints = join(dir, 'savepoints');
  const { coordinator, context } = coordinatorWith({ 'execution.checkpointing.dir': join(dir, 'checkpoints'), 'execution.checkpointing.num-retained': '1' });

  const sp = coordinator.trigger('SAVEPOINT', savepoints);
  assert.equal(context.triggered[0]?.barrier.options.type, 'SAVEPOINT');
  context.ackAll(coordinator, 1);
  const savepoint = await sp;
  assert.equal(savepoint.isSavepoint, true);
  const entries = await readdir(savepoints);
  assert.equal(entries.length, 1);
  assert.match(entries[0] ?? '', new RegExp(`^savepoint-${JOB_ID.slice(0, 6)}-[0-9a-f]{12}$`));
  assert.equal(savepoint.directory, join(savepoints, entries[0] ?? ''));
  const metadata = await readMetadata(savepoint.directory ?? '');
  assert.equal(metadata.type, 'SAVEPOINT');
  assert.equal(metadata.checkpointId, 1);
  assert.ok(context.logLines().some((l) => l.includes(`Completed savepoint 1 for job ${JOB_ID} (`)));
  assert.equal(coordinator.store.latest(), undefined);
  assert.equal(coordinator.statsSnapshot().latestSavepoint?.id, 1);

  for (const id of [2, 3]) {
    const p = coordinator.trigger('CHECKPOINT');
    context.ackAll(coordinator, id);
    await p;
  }
  await eventually(async () => !(await exists(join(dir, 'checkpoints', JOB_ID, 'chk-2'))), 'chk-2 to be subsumed', 5000);
  coordinator.shutdown('FINISHED');
  await eventually(async () => !(await exists(join(dir, 'checkpoints', JOB_ID, 'chk-3'))), 'chk-3 to be discarded at the end', 5000);
  assert.ok(await exists(join(savepoint.directory ?? '', '_metadata')), 'the savepoint belongs to the user');
});

test('the configured savepoint-dir is used when the trigger names no directory', async (t) => {
  const dir = await tempDir(t);
  const { coordinator, context } = coordinatorWith({ 'execution.checkpointing.savepoint-dir': dir });
  const sp = coordinator.trigger('SAVEPOINT');
  context.ackAll(coordinator, 1);
  const savepoint = await sp;
  assert.ok(savepoint.directory?.startsWith(dir));
  assert.ok(await exists(join(savepoint.directory ?? '', '_metadata')));
});

async function completedCheckpoint(options: Record<string, string>, dir: string): Promise<{ coordinator: ReturnType<typeof coordinatorWith>['coordinator']; chk: string }> {
  const { coordinator, context } = coordinatorWith({ 'execution.checkpointing.dir': dir, ...options });
  const p = coordinator.trigger('CHECKPOINT');
  context.ackAll(coordinator, 1);
  const completed: CompletedCheckpoint = await p;
  return { coordinator, chk: completed.directory ?? '' };
}

for (const [retention, status, kept] of [
  ['NO_EXTERNALIZED_CHECKPOINTS', 'FAILED', false],
  ['NO_EXTERNALIZED_CHECKPOINTS', 'CANCELED', false],
  ['DELETE_ON_CANCELLATION', 'FAILED', true],
  ['DELETE_ON_CANCELLATION', 'CANCELED', false],
  ['RETAIN_ON_CANCELLATION', 'FAILED', true],
  ['RETAIN_ON_CANCELLATION', 'CANCELED', true],
  ['NO_EXTERNALIZED_CHECKPOINTS', 'FINISHED', false],
  ['DELETE_ON_CANCELLATION', 'FINISHED', false],
  ['RETAIN_ON_CANCELLATION', 'FINISHED', false],
] as const) {
  test(`shutdown retention: ${retention} ${kept ? 'keeps' : 'deletes'} the checkpoint when the job is ${status}`, async (t) => {
    const dir = await tempDir(t);
    const { coordinator, chk } = await completedCheckpoint({ 'execution.checkpointing.externalized-checkpoint-retention': retention }, dir);
    coordinator.shutdown(status);
    // The store decides synchronously; `discarded` is set exactly when the directory is deleted.
    assert.equal(coordinator.statsSnapshot().history[0]?.discarded, !kept);
    if (kept) assert.ok(await exists(join(chk, '_metadata')));
    else await eventually(async () => !(await exists(chk)), `${chk} to be deleted`, 5000);
  });
}

test('shutdown aborts pending checkpoints without failing the job, and refuses later triggers', async () => {
  const { coordinator, context } = coordinatorWith({ 'execution.checkpointing.tolerable-failed-checkpoints': '0' });
  const p = coordinator.trigger('CHECKPOINT');
  coordinator.shutdown('CANCELED');
  assert.match((await rejectionOf(p)).message, /shut down: the job is CANCELED/);
  assert.equal(context.failures.length, 0);
  assert.match((await rejectionOf(coordinator.trigger('CHECKPOINT'))).message, /is not running/);
});

test('periodic checkpoints: triggered every interval, never a second while one is pending (max-concurrent 1)', async (t) => {
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  const { coordinator, context } = coordinatorWith({ 'execution.checkpointing.interval': '30 ms' });
  coordinator.startScheduler();
  assert.equal(context.triggered.length, 0);
  mock.timers.tick(30);
  assert.deepEqual(context.triggered.map((x) => x.barrier.checkpointId), [1, 1]);

  // Checkpoint 1 stays pending for many intervals: nothing else is triggered.
  for (let i = 0; i < 10; i++) mock.timers.tick(30);
  assert.deepEqual(context.triggered.map((x) => x.barrier.checkpointId), [1, 1]);

  context.ackAll(coordinator, 1);
  // Completion (jobmanager storage: no I/O) runs in microtasks; the next trigger follows without waiting a full interval.
  await eventuallyMicrotasks(() => coordinator.statsSnapshot().counts.completed === 1);
  mock.timers.tick(0);
  assert.deepEqual(context.triggered.map((x) => x.barrier.checkpointId), [1, 1, 2, 2]);
  context.ackAll(coordinator, 2);
  await eventuallyMicrotasks(() => coordinator.statsSnapshot().counts.completed === 2);
  mock.timers.tick(0);
  mock.timers.tick(30);
  assert.ok(context.triggered.some((x) => x.barrier.checkpointId === 3), 'periodic triggering goes on');

  coordinator.shutdown('CANCELED');
  const afterShutdown = context.triggered.length;
  for (let i = 0; i < 5; i++) mock.timers.tick(30);
  assert.equal(context.triggered.length, afterShutdown, 'nothing is triggered after shutdown');
});

test('periodic checkpoints with max-concurrent 2 allow two pending at once, but not three', async (t) => {
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  const { coordinator, context } = coordinatorWith({
    'execution.checkpointing.interval': '30 ms',
    'execution.checkpointing.max-concurrent-checkpoints': '2',
  });
  coordinator.startScheduler();
  for (let i = 0; i < 10; i++) mock.timers.tick(30);
  assert.deepEqual([...new Set(context.triggered.map((x) => x.barrier.checkpointId))], [1, 2]);
  coordinator.shutdown('CANCELED');
  await Promise.resolve();
});

test('periodic trigger attempts while tasks are deploying are logged and retried at the next interval', (t) => {
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  const context = new FakeContext();
  context.taskList = [task('s0', 'src', 0, true, 'DEPLOYING'), task('s1', 'src', 1, true), task('m0', 'map', 0, false)];
  const { coordinator } = coordinatorWith({ 'execution.checkpointing.interval': '30 ms' }, context);
  coordinator.startScheduler();
  mock.timers.tick(30);
  assert.equal(context.triggered.length, 0);
  assert.ok(context.logLines().some((l) => l.includes('Failed to trigger checkpoint') && l.includes('Not all required tasks are currently running')));
  (context.taskList[0] as { state: string }).state = 'RUNNING';
  mock.timers.tick(30);
  assert.deepEqual(context.triggered.map((x) => x.barrier.checkpointId), [1, 1]);
  coordinator.shutdown('CANCELED');
});

test('setInitialRestore: ids continue after the restored id, latestForRestore falls back to it; stats count restores', async (t) => {
  const dir = await tempDir(t);
  const { coordinator, context } = coordinatorWith({ 'execution.checkpointing.dir': dir });
  const restored: CompletedCheckpoint = {
    metadata: { version: 1, jobId: 'old', checkpointId: 41, timestamp: 0, type: 'SAVEPOINT', operators: [] },
    directory: '/somewhere/savepoint-old',
    isSavepoint: true,
  };
  coordinator.setInitialRestore(restored);
  coordinator.reportRestored(restored);
  assert.equal(coordinator.latestForRestore(), restored);

  const p = coordinator.trigger('CHECKPOINT');
  assert.equal(context.triggered[0]?.barrier.checkpointId, 42);
  assert.equal(context.triggered[0]?.barrier.options.targetLocation, join(dir, JOB_ID, 'chk-42'));
  let stats = coordinator.statsSnapshot();
  assert.deepEqual(stats.counts, { restored: 1, total: 1, inProgress: 1, completed: 0, failed: 0 });
  assert.equal(stats.latestRestored?.id, 41);
  assert.equal(stats.latestRestored?.isSavepoint, true);
  assert.equal(stats.latestRestored?.externalPath, '/somewhere/savepoint-old');

  context.ackAll(coordinator, 42);
  const completed = await p;
  assert.equal(coordinator.latestForRestore(), completed);

  const failing = coordinator.trigger('CHECKPOINT');
  coordinator.receiveDecline('s1' as never, 43, DECLINE);
  await rejectionOf(failing);
  const pending = coordinator.trigger('CHECKPOINT');
  stats = coordinator.statsSnapshot();
  assert.deepEqual(stats.counts, { restored: 1, total: 3, inProgress: 1, completed: 1, failed: 1 });
  assert.deepEqual(
    stats.history.map((h) => [h.id, h.status]),
    [
      [44, 'IN_PROGRESS'],
      [43, 'FAILED'],
      [42, 'COMPLETED'],
    ],
  );
  coordinator.shutdown('CANCELED');
  await rejectionOf(pending);
});

test('setInitialRestore never moves ids backwards', async () => {
  const { coordinator, context } = coordinatorWith({});
  for (const id of [1, 2, 3]) {
    const p = coordinator.trigger('CHECKPOINT');
    context.ackAll(coordinator, id);
    await p;
  }
  coordinator.setInitialRestore({
    metadata: { version: 1, jobId: JOB_ID, checkpointId: 1, timestamp: 0, type: 'CHECKPOINT', operators: [] },
    directory: undefined,
    isSavepoint: false,
  });
  const p = coordinator.trigger('CHECKPOINT');
  assert.equal(context.triggered.at(-1)?.barrier.checkpointId, 4);
  context.ackAll(coordinator, 4);
  await p;
});

/** Lets pending promise callbacks run (the completion of a jobmanager-storage checkpoint does no I/O). */
async function eventuallyMicrotasks(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (check()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  assert.fail('condition not reached');
}

test('a checkpoint whose metadata is being written when the job ends leaves no directory behind', async (t) => {
  const dir = await tempDir(t);
  const { coordinator, context } = coordinatorWith({ 'execution.checkpointing.dir': dir });
  const p = coordinator.trigger('CHECKPOINT');
  context.ackAll(coordinator, 1);
  // The last ack started the completion, which now writes _metadata; the job finishes meanwhile.
  coordinator.shutdown('FINISHED');
  assert.match((await rejectionOf(p)).message, /completed after the job ended/);
  await eventually(async () => !(await exists(join(dir, JOB_ID, 'chk-1'))), 'chk-1 to be deleted', 2000);
  assert.equal(coordinator.statsSnapshot().counts.inProgress, 0, 'the checkpoint is no longer in progress');
});

test('stopScheduler sticks when pending checkpoints are aborted afterwards (JobMaster cancel path)', (t) => {
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  const { coordinator, context } = coordinatorWith({ 'execution.checkpointing.interval': '30 ms' });
  coordinator.startScheduler();
  mock.timers.tick(30);
  assert.equal(context.triggered.length, 2);
  // JobMaster.cancel: stopScheduler(), then abortPending(); the tasks are still RUNNING for a moment.
  coordinator.stopScheduler();
  coordinator.abortPending('Checkpoint aborted: the job is being cancelled.');
  for (let i = 0; i < 5; i++) mock.timers.tick(30);
  const triggeredAfterStop = context.triggered.filter((x) => x.barrier.checkpointId > 1).length;
  coordinator.shutdown('CANCELED');
  assert.equal(triggeredAfterStop, 0, 'no checkpoint is triggered after stopScheduler');
});

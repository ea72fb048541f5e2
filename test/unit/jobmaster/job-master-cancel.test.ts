/**
 * Cancelling a job while its tasks deploy. A TaskManager reports the states of a task in order,
 * but its reports and the JobMaster's cancel cross each other: a task may report INITIALIZING and
 * RUNNING after the JobMaster marked it CANCELING. Those late reports must not bring the task
 * back to life (the job would wait in CANCELLING forever); the JobMaster cancels it again.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExecutionAttemptId } from '../../../src/core/ids.js';
import type { ResourceManagerGateway } from '../../../src/resourcemanager/resource-manager-gateway.js';
import type { TaskExecutorGateway, TaskManagerLocation } from '../../../src/runtime/taskexecutor/task-executor-gateway.js';
import { StreamExecutionEnvironment } from '../../../src/api/index.js';
import { installExecutionContext } from '../../../src/api/environment/execution-context.js';
import { MemoryLogSink, rootLogger } from '../../../src/core/logger.js';
import { newAllocationId } from '../../../src/core/ids.js';
import { createJobGraph } from '../../../src/runtime/jobgraph/job-graph-generator.js';
import { JobMaster } from '../../../src/runtime/jobmaster/job-master.js';
import { LocalRpcService } from '../../../src/runtime/rpc/rpc-service.js';

const program = {
  artifactPath: '/nonexistent.mjs',
  artifactHash: 'x',
  args: [],
  defaults: { parallelism: 1, maxParallelism: undefined, runtimeMode: 'STREAMING' as const, bufferTimeout: 100, chainingEnabled: true, chainOperatorsWithDifferentMaxParallelism: true },
  executeIndex: 0,
};

/** A TaskExecutor that accepts every task and records cancellations; the test plays its reports. */
function testingTaskExecutor(cancelled: ExecutionAttemptId[]): TaskExecutorGateway {
  return {
    requestSlot: () => Promise.resolve(),
    submitTask: () => Promise.resolve(),
    cancelTask: (attemptId) => {
      cancelled.push(attemptId);
      return Promise.resolve();
    },
    freeSlot: () => Promise.resolve(),
    heartbeatFromResourceManager: () => Promise.resolve([]),
    heartbeatFromJobManager: () => Promise.resolve({ metrics: [] }),
    requestLogList: () => Promise.resolve([]),
    requestLogFile: () => Promise.resolve(''),
    triggerCheckpoint: () => Promise.resolve(),
    notifyCheckpoint: () => Promise.resolve(),
  };
}

function testingResourceManager(): Partial<ResourceManagerGateway> {
  return {
    declareRequiredResources: () => Promise.resolve(),
    notifySlotAvailable: () => Promise.resolve(),
  };
}

test('a task canceled while DEPLOYING ignores its late INITIALIZING and RUNNING reports, is canceled again, and the job ends CANCELED', async () => {
  installExecutionContext(undefined);
  const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(1);
  env.fromSequence(1, 10).map((n: number) => n + 1).print();
  const jobGraph = createJobGraph(env.getStreamGraph(), program);

  const rpc = new LocalRpcService();
  const cancelled: ExecutionAttemptId[] = [];
  rpc.register('resourcemanager', testingResourceManager());
  rpc.register('taskexecutor', testingTaskExecutor(cancelled));
  const jobMaster = new JobMaster(jobGraph, {
    rpc,
    resourceManagerAddress: 'resourcemanager',
    logger: rootLogger(new MemoryLogSink()),
    network: { buffersPerChannel: 2, floatingBuffersPerGate: 8, maxBuffersPerChannel: 10 },
    slotRequestTimeoutMs: 60_000,
    heartbeat: { intervalMs: 60_000, timeoutMs: 120_000, rpcFailureThreshold: -1 },
  });
  await jobMaster.start();
  const taskManager: TaskManagerLocation = { resourceId: 'tm-1', rpcAddress: 'taskexecutor', dataAddress: undefined, host: '127.0.0.1' };
  await jobMaster.offerSlots(taskManager, [{ slotIndex: 0, allocationId: newAllocationId() }]);
  const [execution] = [...jobMaster.graph.allExecutionVertices()].map((ev) => ev.currentExecution);
  assert.ok(execution !== undefined);
  assert.equal(execution.state, 'DEPLOYING');

  await jobMaster.cancel();
  assert.equal(execution.state, 'CANCELING');
  assert.deepEqual(cancelled, [execution.attemptId]);

  // The TaskManager had not seen the cancel yet when it reported these.
  await jobMaster.updateTaskExecutionState(execution.attemptId, { state: 'INITIALIZING' });
  await jobMaster.updateTaskExecutionState(execution.attemptId, { state: 'RUNNING' });
  assert.equal(execution.state, 'CANCELING', 'late non-terminal reports do not revive the task');
  assert.deepEqual(cancelled, [execution.attemptId, execution.attemptId, execution.attemptId], 'each late report is answered with the cancel again');
  assert.equal(jobMaster.status, 'CANCELLING');

  await jobMaster.updateTaskExecutionState(execution.attemptId, { state: 'CANCELED' });
  assert.equal(execution.state, 'CANCELED');
  const result = await jobMaster.result;
  assert.equal(result.status, 'CANCELED');
  assert.equal(jobMaster.status, 'CANCELED');
});

/**
 * Entry point of a slot worker thread. It runs the subtasks one job deployed into its slot;
 * the user's module is loaded here, so user code of different jobs never shares a thread, and a
 * `process.exit` in user code ends only this worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { StreamGraph } from '../../api/graph/stream-graph.js';
import type { OperatorServices } from '../../api/operators/stream-operator.js';
import type { ExecutionAttemptId } from '../../core/ids.js';
import type { FromSlotWorker, SlotWorkerData, ToSlotWorker } from '../taskexecutor/slot-worker-protocol.js';
import type { TaskDeploymentDescriptor } from '../deployment/task-deployment-descriptor.js';
import { NetworkEnvironment } from '../network/network-environment.js';
import { StreamTask } from './stream-task.js';
import { loadStreamGraph } from './program-loader.js';
import { serializeError } from '../../core/errors.js';

const port = parentPort;
if (port === null) throw new Error('slot-worker-main must run in a worker thread.');
const { address } = workerData as SlotWorkerData;

function post(message: FromSlotWorker): void {
  port?.postMessage(message);
}

const network = new NetworkEnvironment(address, (routed) => {
  if (routed.message.t === 'BufferResponse') {
    // The bytes are a fresh copy (see serializeBuffer), so their memory can move instead of being cloned.
    port.postMessage({ type: 'net', routed } satisfies FromSlotWorker, [routed.message.bytes.buffer as ArrayBuffer]);
  } else {
    post({ type: 'net', routed });
  }
});

let graph: Promise<StreamGraph> | undefined;
const tasks = new Map<ExecutionAttemptId, StreamTask>();
const canceledBeforeStart = new Set<ExecutionAttemptId>();

function servicesFor(attemptId: ExecutionAttemptId): OperatorServices {
  return {
    // Through the port rather than process.stdout: messages keep their order with the task's
    // FINISHED report, so nothing printed is lost when the slot is freed right after.
    stdout: (text) => post({ type: 'stdout', text, stderr: false }),
    stderr: (text) => post({ type: 'stdout', text, stderr: true }),
    sendToCoordinator: (operatorId, payload) => post({ type: 'coordinator', attemptId, operatorId, payload }),
    processingTime: () => Date.now(),
    // Replaced by each task with one that runs the callback between its records.
    scheduleProcessingTime: (time, callback) => {
      const timer = setTimeout(callback, Math.max(0, time - Date.now()));
      return () => clearTimeout(timer);
    },
  };
}

function deploy(tdd: TaskDeploymentDescriptor): void {
  graph ??= loadStreamGraph(tdd.program, tdd.streamNodes);
  graph.then(
    (g) => {
      if (canceledBeforeStart.delete(tdd.attemptId)) {
        post({ type: 'taskState', attemptId: tdd.attemptId, state: 'CANCELED' });
        return;
      }
      const attemptId = tdd.attemptId;
      const task = new StreamTask(
        tdd,
        g,
        network,
        servicesFor(attemptId),
        (report) => post({ type: 'taskState', attemptId, ...report }),
        {
          acknowledge: (checkpointId, states) => post({ type: 'checkpoint', attemptId, message: { kind: 'ack', checkpointId, states } }),
          decline: (checkpointId, reason) => post({ type: 'checkpoint', attemptId, message: { kind: 'decline', checkpointId, reason } }),
          endOfData: () => post({ type: 'checkpoint', attemptId, message: { kind: 'endOfData' } }),
        },
      );
      tasks.set(tdd.attemptId, task);
      void task.invoke().finally(() => tasks.delete(tdd.attemptId));
    },
    (error: unknown) => {
      post({ type: 'taskState', attemptId: tdd.attemptId, state: 'FAILED', error: serializeError(error) });
    },
  );
}

/** Metrics go to the TaskExecutor every second; JobMasters collect them with their heartbeats. */
const METRICS_INTERVAL_MS = 1000;
setInterval(() => {
  if (tasks.size === 0) return;
  post({ type: 'metrics', snapshots: [...tasks.values()].map((t) => t.metricsSnapshot()) });
}, METRICS_INTERVAL_MS).unref();

port.on('message', (message: ToSlotWorker) => {
  switch (message.type) {
    case 'deploy':
      deploy(message.tdd);
      return;
    case 'cancel': {
      const task = tasks.get(message.attemptId);
      if (task !== undefined) task.cancel();
      else canceledBeforeStart.add(message.attemptId);
      return;
    }
    case 'net':
      network.onMessage(message.message);
      return;
    case 'triggerCheckpoint': {
      const task = tasks.get(message.attemptId);
      if (task !== undefined) task.triggerCheckpoint(message.barrier);
      else {
        const reason = serializeError(new Error(`Task ${message.attemptId} is not running, so it cannot take checkpoint ${message.barrier.checkpointId}.`));
        post({ type: 'checkpoint', attemptId: message.attemptId, message: { kind: 'decline', checkpointId: message.barrier.checkpointId, reason } });
      }
      return;
    }
    case 'notifyCheckpoint': {
      const task = tasks.get(message.attemptId);
      if (message.completed) task?.notifyCheckpointComplete(message.checkpointId);
      else task?.notifyCheckpointAborted(message.checkpointId);
      return;
    }
  }
});

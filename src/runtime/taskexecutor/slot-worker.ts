import { Worker } from 'node:worker_threads';
import type { ExecutionAttemptId } from '../../core/ids.js';
import type { TaskDeploymentDescriptor } from '../deployment/task-deployment-descriptor.js';
import type { NetworkMessage, RoutedMessage, WorkerAddress } from '../network/network-messages.js';
import type { TaskStateReport } from '../worker/stream-task.js';
import type { TaskMetricsSnapshot } from '../worker/task-metrics.js';
import type { CheckpointMessage, FromSlotWorker, SlotWorkerData, ToSlotWorker } from './slot-worker-protocol.js';
import type { CheckpointBarrier } from '../checkpoint/checkpoint-options.js';

export interface SlotWorkerEvents {
  onTaskState(attemptId: ExecutionAttemptId, report: TaskStateReport): void;
  onNetwork(routed: RoutedMessage): void;
  onCoordinator(attemptId: ExecutionAttemptId, operatorId: string, payload: unknown): void;
  onStdout(text: string, stderr: boolean): void;
  onMetrics(snapshots: readonly TaskMetricsSnapshot[]): void;
  onCheckpoint(attemptId: ExecutionAttemptId, message: CheckpointMessage): void;
  /** The thread ended on its own (user `process.exit`, out of memory, uncaught error). */
  onExit(reason: string): void;
}

/**
 * Built, the worker runs dist/…/slot-worker-main.js directly. From sources (tests run under tsx)
 * `--import tsx` does not reach worker threads, so a bootstrap loads the main through tsx's API.
 */
const FROM_SOURCES = import.meta.url.endsWith('.ts');
const WORKER_MAIN = new URL(FROM_SOURCES ? '../worker/slot-worker-main.ts' : '../worker/slot-worker-main.js', import.meta.url);
const TSX_BOOTSTRAP = `import('tsx/esm/api').then((m) => m.tsImport(${JSON.stringify(WORKER_MAIN.href)}, ${JSON.stringify(import.meta.url)}))`;

const YOUNG_GENERATION_MB = 48;

/** The TaskExecutor's handle on one slot's worker thread. */
export class SlotWorker {
  private readonly worker: Worker;
  private terminating = false;

  constructor(
    address: WorkerAddress,
    heapLimitMb: number,
    private readonly events: SlotWorkerEvents,
  ) {
    const data: SlotWorkerData = { address };
    this.worker = new Worker(FROM_SOURCES ? TSX_BOOTSTRAP : WORKER_MAIN, {
      eval: FROM_SOURCES,
      workerData: data,
      // Streams allocate many short-lived records: a young generation larger than the default
      // means fewer scavenges (measured ~15% on WordCount).
      resourceLimits: { maxOldGenerationSizeMb: heapLimitMb, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      execArgv: process.env.FLINK_TS_WORKER_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.FLINK_TS_WORKER_PROFILE] : [],
      stdout: false,
      stderr: false,
    });
    let lastError: Error | undefined;
    this.worker.on('message', (m: FromSlotWorker) => this.dispatch(m));
    this.worker.on('error', (e) => (lastError = e));
    this.worker.on('exit', (code) => {
      if (this.terminating) return;
      const reason =
        lastError !== undefined
          ? `${lastError.name}: ${lastError.message}`
          : `the slot's worker thread exited with code ${code} (did user code call process.exit?)`;
      this.events.onExit(reason);
    });
  }

  deploy(tdd: TaskDeploymentDescriptor): void {
    this.send({ type: 'deploy', tdd });
  }

  cancel(attemptId: ExecutionAttemptId): void {
    this.send({ type: 'cancel', attemptId });
  }

  triggerCheckpoint(attemptId: ExecutionAttemptId, barrier: CheckpointBarrier): void {
    this.send({ type: 'triggerCheckpoint', attemptId, barrier });
  }

  notifyCheckpoint(attemptId: ExecutionAttemptId, checkpointId: number, completed: boolean): void {
    this.send({ type: 'notifyCheckpoint', attemptId, checkpointId, completed });
  }

  deliver(message: NetworkMessage): void {
    if (message.t === 'BufferResponse') {
      this.worker.postMessage({ type: 'net', message } satisfies ToSlotWorker, [message.bytes.buffer as ArrayBuffer]);
    } else {
      this.send({ type: 'net', message });
    }
  }

  async terminate(): Promise<void> {
    this.terminating = true;
    await this.worker.terminate();
  }

  private send(message: ToSlotWorker): void {
    this.worker.postMessage(message);
  }

  private dispatch(m: FromSlotWorker): void {
    switch (m.type) {
      case 'taskState': {
        const { type: _type, attemptId, ...report } = m;
        this.events.onTaskState(attemptId, report);
        return;
      }
      case 'net':
        this.events.onNetwork(m.routed);
        return;
      case 'coordinator':
        this.events.onCoordinator(m.attemptId, m.operatorId, m.payload);
        return;
      case 'stdout':
        this.events.onStdout(m.text, m.stderr);
        return;
      case 'metrics':
        this.events.onMetrics(m.snapshots);
        return;
      case 'checkpoint':
        this.events.onCheckpoint(m.attemptId, m.message);
        return;
    }
  }
}

import type { JobId } from '../../core/ids.js';
import type { LogSink } from '../../core/logger.js';
import type { Configuration } from '../../config/index.js';
import type { JobStatus } from '../../api/environment/job-client.js';
import type { JobGraph } from '../jobgraph/job-graph.js';
import type { JobResult } from '../jobmaster/job-result.js';
import { Logger, MemoryLogSink } from '../../core/logger.js';
import { newResourceId } from '../../core/ids.js';
import {
  BUFFERS_PER_CHANNEL,
  FLOATING_BUFFERS_PER_GATE,
  MAX_BUFFERS_PER_CHANNEL,
  SLOT_REQUEST_TIMEOUT,
  TASK_HEAP_SIZE,
  TASK_MANAGER_PROCESS_SIZE,
} from '../../config/index.js';
import { LocalRpcService } from '../rpc/rpc-service.js';
import { StandaloneResourceManager } from '../../resourcemanager/standalone-resource-manager.js';
import { TaskExecutor } from '../taskexecutor/task-executor.js';
import { Dispatcher } from '../dispatcher/dispatcher.js';

export interface MiniClusterOptions {
  readonly numSlots: number;
  readonly configuration: Configuration;
  /** Where component logs go; kept in memory when not given. */
  readonly logSink?: LogSink;
}

export type { JobResult };

const RESOURCE_MANAGER_ADDRESS = 'resourcemanager';
const MIN_SLOT_HEAP_MB = 256;

/**
 * A whole cluster in one process (Flink's MiniCluster): Dispatcher, ResourceManager and one
 * TaskExecutor whose slots are worker threads, connected through the in-process RPC binding.
 * It is the `local` target; the cluster entrypoints run the same components in their own processes.
 */
export class MiniCluster {
  private constructor(
    private readonly dispatcher: Dispatcher,
    private readonly taskExecutor: TaskExecutor,
    readonly logs: LogSink,
  ) {}

  static async start(options: MiniClusterOptions): Promise<MiniCluster> {
    const config = options.configuration;
    const sink = options.logSink ?? new MemoryLogSink();
    const logger = new Logger('MiniCluster', sink, 'INFO');
    const rpc = new LocalRpcService();
    const resourceManager = new StandaloneResourceManager(rpc, logger.child('StandaloneResourceManager'));
    rpc.register(RESOURCE_MANAGER_ADDRESS, resourceManager);
    const taskExecutor = new TaskExecutor({
      resourceId: newResourceId(),
      numberOfSlots: options.numSlots,
      slotHeapMb: slotHeapMb(config, options.numSlots),
      rpc,
      logger: logger.child('TaskExecutor'),
      stdout: (text, stderr) => (stderr ? process.stderr : process.stdout).write(text),
    });
    rpc.register(taskExecutor.address, taskExecutor);
    const dispatcher = new Dispatcher(
      rpc,
      {
        resourceManagerAddress: RESOURCE_MANAGER_ADDRESS,
        logger: logger.child('JobMaster'),
        network: {
          buffersPerChannel: config.get(BUFFERS_PER_CHANNEL),
          floatingBuffersPerGate: config.get(FLOATING_BUFFERS_PER_GATE),
          maxBuffersPerChannel: config.get(MAX_BUFFERS_PER_CHANNEL),
        },
        slotRequestTimeoutMs: config.get(SLOT_REQUEST_TIMEOUT),
      },
      logger.child('Dispatcher'),
    );
    await taskExecutor.registerAt(resourceManager);
    return new MiniCluster(dispatcher, taskExecutor, sink);
  }

  submitJob(jobGraph: JobGraph): Promise<JobId> {
    return this.dispatcher.submitJob(jobGraph);
  }

  getJobStatus(jobId: JobId): JobStatus {
    return this.dispatcher.getJobStatus(jobId);
  }

  requestJobResult(jobId: JobId): Promise<JobResult> {
    return this.dispatcher.requestJobResult(jobId);
  }

  cancelJob(jobId: JobId): Promise<void> {
    return this.dispatcher.cancelJob(jobId);
  }

  getCollectedResults(jobId: JobId, operatorId: string, limit?: number): Promise<unknown[]> {
    return this.dispatcher.getCollectedResults(jobId, operatorId, limit);
  }

  /** Cancels running jobs and ends every slot worker. */
  async close(): Promise<void> {
    await this.dispatcher.shutDown();
    await this.taskExecutor.shutdown();
  }
}

/** A slot's share of the task heap (explicit, or 60% of the TaskManager's process size). */
function slotHeapMb(config: Configuration, slots: number): number {
  const taskHeap = config.get(TASK_HEAP_SIZE) ?? config.get(TASK_MANAGER_PROCESS_SIZE) * 0.6;
  return Math.max(MIN_SLOT_HEAP_MB, Math.floor(taskHeap / slots / (1024 * 1024)));
}

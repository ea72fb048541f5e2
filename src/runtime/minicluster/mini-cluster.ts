import type { JobId } from '../../core/ids.js';
import type { LogSink } from '../../core/logger.js';
import type { Configuration } from '../../config/index.js';
import type { JobStatus } from '../../api/environment/job-client.js';
import type { JobGraph } from '../jobgraph/job-graph.js';
import type { JobResult } from '../jobmaster/job-result.js';
import { Logger, MemoryLogSink } from '../../core/logger.js';
import { newResourceId } from '../../core/ids.js';
import { TASK_MANAGER_PROCESS_SIZE } from '../../config/index.js';
import { LocalRpcService } from '../rpc/rpc-service.js';
import { StandaloneResourceManager } from '../../resourcemanager/standalone-resource-manager.js';
import { TaskExecutor } from '../taskexecutor/task-executor.js';
import { Dispatcher } from '../dispatcher/dispatcher.js';
import { jobMasterSettingsFrom } from '../jobmaster/job-master-settings.js';
import { hardwareDescription, slotHeapMb } from '../taskexecutor/task-executor-resources.js';

export interface MiniClusterOptions {
  readonly numSlots: number;
  readonly configuration: Configuration;
  /** Where component logs go; kept in memory when not given. */
  readonly logSink?: LogSink;
}

export type { JobResult };


/**
 * A whole cluster in one process (Flink's MiniCluster): Dispatcher, ResourceManager and one
 * TaskExecutor whose slots are worker threads, connected through the in-process RPC binding.
 * It is the `local` target; the cluster entrypoints run the same components in their own processes.
 */
export class MiniCluster {
  private constructor(
    private readonly dispatcher: Dispatcher,
    private readonly taskExecutor: TaskExecutor,
    private readonly resourceManager: StandaloneResourceManager,
    readonly logs: LogSink,
  ) {}

  static async start(options: MiniClusterOptions): Promise<MiniCluster> {
    const config = options.configuration;
    const sink = options.logSink ?? new MemoryLogSink();
    const logger = new Logger('MiniCluster', sink, 'INFO');
    const rpc = new LocalRpcService();
    // In one process nothing can get lost, so the ResourceManager does not watch heartbeats.
    const resourceManager = new StandaloneResourceManager(rpc, logger.child('StandaloneResourceManager'));
    rpc.register(StandaloneResourceManager.ENDPOINT_NAME, resourceManager);
    const resourceId = newResourceId();
    const taskExecutor = new TaskExecutor({
      location: { resourceId, rpcAddress: `${TaskExecutor.ENDPOINT_NAME}_${resourceId}`, dataAddress: undefined, host: 'localhost' },
      numberOfSlots: options.numSlots,
      slotHeapMb: slotHeapMb(config, options.numSlots),
      rpc,
      logger: logger.child('TaskExecutor'),
      stdout: (text, stderr) => (stderr ? process.stderr : process.stdout).write(text),
    });
    rpc.register(taskExecutor.location.rpcAddress, taskExecutor);
    const dispatcher = new Dispatcher(
      rpc,
      { resourceManagerAddress: StandaloneResourceManager.ENDPOINT_NAME, logger: logger.child('JobMaster'), ...jobMasterSettingsFrom(config) },
      logger.child('Dispatcher'),
    );
    await resourceManager.registerTaskExecutor({
      location: taskExecutor.location,
      numberOfSlots: options.numSlots,
      hardware: hardwareDescription(),
      memoryBytes: config.get(TASK_MANAGER_PROCESS_SIZE),
    });
    return new MiniCluster(dispatcher, taskExecutor, resourceManager, sink);
  }

  submitJob(jobGraph: JobGraph): Promise<JobId> {
    return this.dispatcher.submitJob(jobGraph);
  }

  getJobStatus(jobId: JobId): JobStatus {
    return this.dispatcher.getJobStatus(jobId);
  }

  getJobStatusHistory(jobId: JobId): { jobName: string; status: JobStatus; timestamps: Partial<Record<JobStatus, number>> } {
    return this.dispatcher.getJobStatusHistory(jobId);
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
    this.resourceManager.close();
  }
}

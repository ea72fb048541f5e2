import type { Logger } from '../../core/logger.js';
import type { RpcService } from '../../runtime/rpc/rpc-service.js';
import type { HeartbeatSettings } from '../../runtime/heartbeat/heartbeat-monitor.js';
import type { ApplicationStatus, ResourceManagerDriver, Worker, WorkerResourceSpec } from './resource-manager-driver.js';
import { StandaloneResourceManager } from '../standalone-resource-manager.js';

export interface ActiveResourceManagerSettings {
  /** What every started TaskManager offers. */
  readonly workerSpec: WorkerResourceSpec;
  /** `resourcemanager.taskmanager-timeout`: an idle TaskManager is released after this long. */
  readonly taskManagerTimeoutMs: number;
  /** `resourcemanager.taskmanager-registration.timeout`: a started TaskManager must register within it. */
  readonly registrationTimeoutMs: number;
  /** `resourcemanager.start-worker.max-failure-rate`: failed starts per minute before pausing. */
  readonly maxStartFailuresPerMinute: number;
  /** `resourcemanager.start-worker.retry-interval`. */
  readonly startRetryIntervalMs: number;
}

interface TrackedWorker<W extends Worker> {
  readonly worker: W;
  registered: boolean;
  registrationTimer: NodeJS.Timeout | undefined;
  /** Since when the TaskManager has had no allocated slot; undefined while it has some. */
  idleSince: number | undefined;
}

/**
 * A ResourceManager that starts TaskManagers itself (Flink's ActiveResourceManager): it asks its
 * driver for as many TaskManagers as the declared slot requirements miss, matches registrations
 * to those requests, replaces TaskManagers that die while still needed, gives up on ones that do
 * not register in time, and releases TaskManagers that stayed idle for
 * `resourcemanager.taskmanager-timeout`.
 */
export class ActiveResourceManager<W extends Worker> extends StandaloneResourceManager {
  private readonly workers = new Map<string, TrackedWorker<W>>();
  /** Requests sent to the driver that have not resolved yet. */
  private inFlightRequests = 0;
  private readonly startFailures: number[] = [];
  private pausedUntil = 0;
  private readonly idleTimer: NodeJS.Timeout;
  private closed = false;

  constructor(
    rpc: RpcService,
    logger: Logger,
    heartbeat: HeartbeatSettings | undefined,
    private readonly driver: ResourceManagerDriver<W>,
    private readonly settings: ActiveResourceManagerSettings,
  ) {
    super(rpc, logger, heartbeat);
    this.idleTimer = setInterval(() => this.releaseIdleTaskManagers(), Math.max(100, Math.min(1000, settings.taskManagerTimeoutMs / 4)));
    // A ResourceManager nobody stopped must not keep its process alive.
    this.idleTimer.unref();
  }

  async start(): Promise<void> {
    await this.driver.initialize({
      onPreviousAttemptWorkersRecovered: (workers) => {
        for (const w of workers) this.track(w);
      },
      onWorkerTerminated: (resourceId, diagnostics) => this.workerTerminated(resourceId, diagnostics),
      onError: (error) => this.logger.error('The resource manager driver failed.', error),
    });
  }

  /** Number of TaskManagers started and not yet registered, for tests and logs. */
  get pendingWorkers(): number {
    return this.inFlightRequests + [...this.workers.values()].filter((w) => !w.registered).length;
  }

  /** Releases every worker and deregisters the application (the cluster ends). */
  async stop(status: ApplicationStatus, diagnostics: string): Promise<void> {
    this.closed = true;
    clearInterval(this.idleTimer);
    this.close();
    await Promise.all([...this.workers.values()].map((w) => this.release(w, 'the cluster shuts down')));
    await this.driver.deregisterApplication(status, diagnostics).catch((e: unknown) => this.logger.warn(`Deregistering the application failed: ${String(e)}`));
    await this.driver.terminate();
  }

  protected override onTaskManagerRegistered(resourceId: string): void {
    const tracked = this.workers.get(resourceId);
    if (tracked === undefined) return;
    tracked.registered = true;
    clearTimeout(tracked.registrationTimer);
    tracked.registrationTimer = undefined;
    tracked.idleSince = Date.now();
  }

  protected override onTaskManagerClosed(resourceId: string, cause: string): void {
    const tracked = this.workers.get(resourceId);
    if (tracked === undefined) return;
    // Lost or shut down: make sure the process is gone too; a replacement follows from the requirements.
    void this.release(tracked, cause);
  }

  protected override onRequirementsChecked(missing: number): void {
    if (this.closed) return;
    this.updateIdleState();
    const slotsPerWorker = this.settings.workerSpec.numberOfSlots;
    const pendingSlots = this.pendingWorkers * slotsPerWorker;
    const toStart = Math.ceil(Math.max(0, missing - pendingSlots) / slotsPerWorker);
    if (toStart === 0) return;
    const now = Date.now();
    if (now < this.pausedUntil) return;
    for (let i = 0; i < toStart; i++) this.startWorker();
  }

  private startWorker(): void {
    this.inFlightRequests++;
    this.driver.requestResource(this.settings.workerSpec).then(
      (worker) => {
        this.inFlightRequests--;
        if (this.closed) {
          void this.driver.releaseResource(worker);
          return;
        }
        this.logger.info(`Requested TaskManager ${worker.resourceId} on ${worker.host}; waiting for it to register.`);
        this.track(worker);
      },
      (error: unknown) => {
        this.inFlightRequests--;
        this.logger.warn(`Could not start a TaskManager: ${error instanceof Error ? error.message : String(error)}`);
        this.recordStartFailure();
        this.checkResourceRequirements();
      },
    );
  }

  private track(worker: W): void {
    const tracked: TrackedWorker<W> = { worker, registered: false, registrationTimer: undefined, idleSince: undefined };
    tracked.registrationTimer = setTimeout(() => {
      if (tracked.registered || this.workers.get(worker.resourceId) !== tracked) return;
      this.logger.warn(
        `TaskManager ${worker.resourceId} on ${worker.host} did not register within resourcemanager.taskmanager-registration.timeout; releasing it.`,
      );
      void this.release(tracked, 'registration timeout').then(() => {
        this.recordStartFailure();
        this.checkResourceRequirements();
      });
    }, this.settings.registrationTimeoutMs);
    this.workers.set(worker.resourceId, tracked);
    if (this.taskExecutors.has(worker.resourceId)) this.onTaskManagerRegistered(worker.resourceId);
  }

  private workerTerminated(resourceId: string, diagnostics: string): void {
    const tracked = this.workers.get(resourceId);
    if (tracked === undefined) return;
    this.logger.warn(`Worker ${resourceId} on ${tracked.worker.host} terminated: ${diagnostics}`);
    clearTimeout(tracked.registrationTimer);
    this.workers.delete(resourceId);
    if (!tracked.registered) this.recordStartFailure();
    if (this.taskExecutors.has(resourceId)) this.closeTaskManagerConnection(resourceId, `TaskManager ${resourceId} terminated: ${diagnostics}`);
    else this.checkResourceRequirements();
  }

  private async release(tracked: TrackedWorker<W>, reason: string): Promise<void> {
    const id = tracked.worker.resourceId;
    if (this.workers.get(id) !== tracked) return;
    this.workers.delete(id);
    clearTimeout(tracked.registrationTimer);
    this.logger.info(`Releasing TaskManager ${id} on ${tracked.worker.host}: ${reason}.`);
    if (this.taskExecutors.has(id)) this.closeTaskManagerConnection(id, `released: ${reason}`);
    await this.driver.releaseResource(tracked.worker).catch((e: unknown) => this.logger.warn(`Releasing TaskManager ${id} failed: ${String(e)}`));
  }

  private updateIdleState(): void {
    const now = Date.now();
    for (const [id, tracked] of this.workers) {
      if (!tracked.registered) continue;
      if (this.slotManager.isIdle(id)) tracked.idleSince ??= now;
      else tracked.idleSince = undefined;
    }
  }

  /** Flink releases TaskManagers without allocated slots after resourcemanager.taskmanager-timeout. */
  private releaseIdleTaskManagers(): void {
    if (this.closed) return;
    this.updateIdleState();
    if (this.slotManager.missingSlots() > 0) return;
    const now = Date.now();
    for (const tracked of [...this.workers.values()]) {
      if (tracked.idleSince !== undefined && now - tracked.idleSince >= this.settings.taskManagerTimeoutMs) {
        void this.release(tracked, `idle for more than ${this.settings.taskManagerTimeoutMs} ms (resourcemanager.taskmanager-timeout)`);
      }
    }
  }

  /** Too many failed starts within a minute pause new starts (resourcemanager.start-worker.*). */
  private recordStartFailure(): void {
    const now = Date.now();
    this.startFailures.push(now);
    while (this.startFailures.length > 0 && (this.startFailures[0] as number) < now - 60_000) this.startFailures.shift();
    if (this.startFailures.length > this.settings.maxStartFailuresPerMinute) {
      this.pausedUntil = now + this.settings.startRetryIntervalMs;
      this.logger.warn(
        `${this.startFailures.length} TaskManagers failed to start within a minute; pausing new starts for ${this.settings.startRetryIntervalMs} ms.`,
      );
      setTimeout(() => this.checkResourceRequirements(), this.settings.startRetryIntervalMs).unref();
    }
  }
}

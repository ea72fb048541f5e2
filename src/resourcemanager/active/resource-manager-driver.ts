/**
 * Starts and stops TaskManagers on one kind of infrastructure (hosts over SSH, the Redis pool),
 * for an ActiveResourceManager. The shape follows Flink's ResourceManagerDriver.
 *
 * Ordering guarantees:
 * - `initialize` is called once, before anything else;
 * - `requestResource` resolves once the TaskManager process was launched, before it registered.
 *   The TaskManager registers with exactly `worker.resourceId`; that is how the ResourceManager
 *   matches registrations to requests;
 * - the driver calls `onWorkerTerminated` only for workers whose `requestResource` promise
 *   resolved, at most once per worker, also after `releaseResource`.
 */
export interface Worker {
  readonly resourceId: string;
  /** Where it runs, for logs and errors. */
  readonly host: string;
}

/** What a TaskManager to start must offer: Flink's WorkerResourceSpec, reduced to what is used. */
export interface WorkerResourceSpec {
  readonly numberOfSlots: number;
  readonly memoryBytes: number;
}

export interface ResourceEventHandler<W extends Worker> {
  /** Workers of an earlier ResourceManager attempt that are still there (JobManager failover). */
  onPreviousAttemptWorkersRecovered(workers: readonly W[]): void;
  /** A worker's process ended (crash, kill, lost host), with what is known about why. */
  onWorkerTerminated(resourceId: string, diagnostics: string): void;
  /** The driver cannot go on (e.g. its backend is gone for good). */
  onError(error: Error): void;
}

export type ApplicationStatus = 'SUCCEEDED' | 'FAILED' | 'CANCELED' | 'UNKNOWN';

export interface ResourceManagerDriver<W extends Worker> {
  initialize(events: ResourceEventHandler<W>): Promise<void>;
  requestResource(spec: WorkerResourceSpec): Promise<W>;
  releaseResource(worker: W): Promise<void>;
  /** The cluster ends: release what the application holds in the backend. */
  deregisterApplication(status: ApplicationStatus, diagnostics: string): Promise<void>;
  terminate(): Promise<void>;
}

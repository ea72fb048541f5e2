/**
 * What the resource pool keeps in Redis, as the TypeScript side sees it. The names follow YARN's
 * ResourceManager: hosts (NodeManagers), queues (capacity scheduler), applications, container
 * requests and containers. Every change goes through a Lua script (./scripts), so a host,
 * queue or application is never seen half-updated.
 */

/** YARN's application states, minus NEW/NEW_SAVING/SUBMITTED, which the pool never shows. */
export type ApplicationState = 'ACCEPTED' | 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED';
export const FINAL_APPLICATION_STATES: ReadonlySet<ApplicationState> = new Set(['FINISHED', 'FAILED', 'KILLED']);

/** How the application uses its cluster: a session, a cluster per job, or an application cluster. */
export type ApplicationType = 'session' | 'per-job' | 'application';

/**
 * A container's life: ALLOCATED (placed on a host, launch pending) → RUNNING (its process runs)
 * → COMPLETED (exit 0) | FAILED (other exit) | KILLED (released or its application ended) |
 * LOST (its host's lease expired).
 */
export type ContainerState = 'ALLOCATED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'KILLED' | 'LOST';
export const FINAL_CONTAINER_STATES: ReadonlySet<ContainerState> = new Set(['COMPLETED', 'FAILED', 'KILLED', 'LOST']);

/** The process a container runs; an agent starts nothing else. */
export type ContainerKind = 'jobmanager' | 'taskmanager';

/** Who keeps an application alive: its JobManager (`am`), and while attached its client. */
export type LeaseOwner = 'am' | 'client';

export interface HostRegistration {
  /** Stable id of the host in the pool (its address, unless the agent was given `--host`). */
  readonly hostId: string;
  /** Where the host's containers are reached (the address their processes bind). */
  readonly address: string;
  readonly slots: number;
  readonly memoryBytes: number;
  readonly labels: readonly string[];
  /** `http://host:port` of the agent's REST endpoint (container logs). */
  readonly agentRestAddress: string;
}

export interface HostStatus {
  readonly id: string;
  readonly address: string;
  readonly state: 'RUNNING' | 'LOST';
  readonly slotsTotal: number;
  readonly slotsFree: number;
  readonly memoryTotal: number;
  readonly memoryFree: number;
  readonly labels: readonly string[];
  readonly agentRestAddress: string;
  readonly lastHeartbeat: number;
}

export interface QueueDefinition {
  readonly name: string;
  /** Guaranteed share of the pool's memory, in percent; the shares of all queues add up to 100. */
  readonly capacity: number;
  /** Most of the pool's memory the queue may use when others leave it idle, in percent. */
  readonly maximumCapacity: number;
}

export interface QueueStatus extends QueueDefinition {
  readonly usedMemory: number;
  readonly usedSlots: number;
  readonly runningContainers: number;
  readonly pendingRequests: number;
}

export interface ApplicationSubmission {
  readonly name: string;
  readonly user: string;
  readonly queue: string;
  readonly type: ApplicationType;
  /** Node label every container of the application needs (`pool.application.node-label`). */
  readonly nodeLabel?: string | undefined;
  /** The cluster's configuration: what every container's processes run with. */
  readonly configuration: Readonly<Record<string, string>>;
  /** sha256 of the job artifact (application mode), stored with {@link ResourcePoolApi.putArtifact}. */
  readonly artifactSha256?: string | undefined;
  /** Whether the submitting client holds a lease: the application ends when the client stops heartbeating. */
  readonly clientLease: boolean;
}

export interface ApplicationStatus {
  readonly id: string;
  readonly name: string;
  readonly user: string;
  readonly queue: string;
  readonly type: ApplicationType;
  readonly state: ApplicationState;
  /** `http://host:port` of its JobManager's REST API, once it runs. */
  readonly restAddress: string | undefined;
  readonly diagnostics: string;
  readonly submittedAt: number;
  readonly finishedAt: number | undefined;
  readonly nodeLabel: string | undefined;
}

export interface ContainerStatus {
  readonly id: string;
  readonly applicationId: string;
  readonly kind: ContainerKind;
  readonly hostId: string;
  readonly hostAddress: string;
  readonly state: ContainerState;
  readonly slots: number;
  readonly memoryBytes: number;
  readonly pid: number | undefined;
  readonly exitCode: number | undefined;
  readonly diagnostics: string;
}

export interface ContainerRequest {
  readonly applicationId: string;
  readonly kind: ContainerKind;
  readonly slots: number;
  readonly memoryBytes: number;
  /** Settings for this container only (e.g. `taskmanager.numberOfTaskSlots`), over the application's configuration. */
  readonly properties: Readonly<Record<string, string>>;
}

/** What an agent needs to launch a container: all of it checked again by the agent before use. */
export interface ContainerLaunchSpec {
  readonly containerId: string;
  readonly applicationId: string;
  readonly kind: ContainerKind;
  readonly slots: number;
  readonly memoryBytes: number;
  /** The application's configuration with the container's properties over it. */
  readonly configuration: Readonly<Record<string, string>>;
  readonly artifactSha256: string | undefined;
}

/** What an agent is told on its host's commands channel; its heartbeat's reconciliation covers missed ones. */
export type HostCommand = { readonly kind: 'launch'; readonly containerId: string } | { readonly kind: 'kill'; readonly containerId: string };

export interface PoolStatus {
  readonly hosts: readonly HostStatus[];
  readonly queues: readonly QueueStatus[];
}

/**
 * The pool's operations (implemented by ResourcePool over Redis). Failures are PoolErrors
 * (./pool-errors.ts) with a code naming what was wrong.
 */
export interface ResourcePoolApi {
  // ---- agents
  registerHost(host: HostRegistration): Promise<void>;
  /** Renews the host's lease; resolves with the ids of the containers that should run on it. Throws HOST_UNKNOWN when the pool lost it (register again). */
  heartbeatHost(hostId: string): Promise<string[]>;
  /** The agent stops: the host leaves the pool; containers still placed on it are marked LOST. */
  deregisterHost(hostId: string): Promise<void>;
  /**
   * Waits up to `timeoutMs` for the next command for this host, from the host's commands channel
   * (Redis pub/sub, on a connection of its own, subscribed at the first call: commands published
   * before are not seen, the heartbeat's list of wanted containers covers them).
   */
  nextHostCommand(hostId: string, timeoutMs: number): Promise<HostCommand | undefined>;
  launchSpec(containerId: string): Promise<ContainerLaunchSpec | undefined>;
  /** Resolves false when the container is no longer wanted: the agent kills the process it started. */
  containerStarted(hostId: string, containerId: string, pid: number): Promise<boolean>;
  containerExited(hostId: string, containerId: string, exitCode: number, diagnostics: string): Promise<void>;
  artifact(sha256: string): Promise<Buffer | undefined>;

  // ---- clients and JobManagers
  putArtifact(content: Buffer): Promise<string>;
  submitApplication(submission: ApplicationSubmission): Promise<string>;
  /**
   * Asks for containers; they are placed now when capacity allows, else as soon as it frees.
   * Resolves with one id each: the container's when placed at once, else its request's.
   */
  requestContainers(request: ContainerRequest, count: number): Promise<string[]>;
  cancelRequest(applicationId: string, requestId: string): Promise<void>;
  /** Releases a container: its capacity returns at once, its agent kills its process. */
  releaseContainer(applicationId: string, containerId: string, diagnostics: string): Promise<void>;
  /** The JobManager says it runs: the application is RUNNING at that REST address, held by the `am` lease. */
  registerApplicationMaster(applicationId: string, restAddress: string): Promise<void>;
  /** Renews a lease of the application; resolves with its state and its containers. Throws APPLICATION_ENDED once it ended. */
  heartbeatApplication(applicationId: string, owner: LeaseOwner): Promise<{ application: ApplicationStatus; containers: ContainerStatus[] }>;
  /** Drops a lease (a client that detaches). */
  releaseLease(applicationId: string, owner: LeaseOwner): Promise<void>;
  /** Ends the application: every container is released, nothing stays leased. */
  finishApplication(applicationId: string, state: 'FINISHED' | 'FAILED' | 'KILLED', diagnostics: string): Promise<void>;

  // ---- everyone
  application(applicationId: string): Promise<ApplicationStatus | undefined>;
  applications(options?: { includeFinished?: boolean }): Promise<ApplicationStatus[]>;
  containers(applicationId: string): Promise<ContainerStatus[]>;
  status(): Promise<PoolStatus>;
  setQueues(queues: readonly QueueDefinition[]): Promise<void>;
  close(): Promise<void>;
}

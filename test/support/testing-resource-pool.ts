/**
 * An in-memory stand-in for the pool's agent-facing operations, for unit tests of the node agent
 * (the real ResourcePool is tested against Redis). Tests set what the pool says (`wanted`,
 * `specs`, `inbox`, `reachable`, `hostKnown`) and read what the agent told it (`calls`).
 */
import type { ContainerLaunchSpec, HostCommand, HostRegistration, ResourcePoolApi } from '../../src/resourcemanager/pool/pool-model.js';
import { PoolError } from '../../src/resourcemanager/pool/pool-errors.js';

export interface RecordedCalls {
  readonly registered: HostRegistration[];
  readonly started: { containerId: string; pid: number }[];
  readonly exited: { containerId: string; exitCode: number; diagnostics: string }[];
  deregistered: number;
}

export class TestingResourcePool implements ResourcePoolApi {
  /** Containers the heartbeat lists for the host. */
  readonly wanted = new Set<string>();
  readonly specs = new Map<string, ContainerLaunchSpec>();
  readonly artifacts = new Map<string, Buffer>();
  readonly inbox: HostCommand[] = [];
  readonly calls: RecordedCalls = { registered: [], started: [], exited: [], deregistered: 0 };
  /** When false, every call fails as with Redis down. */
  reachable = true;
  /** When false, the heartbeat answers HOST_UNKNOWN (until the host registers again). */
  hostKnown = true;
  /** What containerStarted answers. */
  startAnswer = true;

  private check(): void {
    if (!this.reachable) throw new PoolError('REDIS_UNAVAILABLE', "Could not reach the pool's Redis (test).");
  }

  registerHost(host: HostRegistration): Promise<void> {
    this.check();
    this.calls.registered.push(host);
    this.hostKnown = true;
    this.wanted.clear();
    return Promise.resolve();
  }
  heartbeatHost(hostId: string): Promise<string[]> {
    this.check();
    if (!this.hostKnown) return Promise.reject(new PoolError('HOST_UNKNOWN', `The pool does not know host '${hostId}'.`));
    return Promise.resolve([...this.wanted]);
  }
  deregisterHost(): Promise<void> {
    this.check();
    this.calls.deregistered++;
    return Promise.resolve();
  }
  async nextHostCommand(_hostId: string, timeoutMs: number): Promise<HostCommand | undefined> {
    const deadline = Date.now() + Math.min(timeoutMs, 50);
    while (Date.now() < deadline) {
      this.check();
      const command = this.inbox.shift();
      if (command !== undefined) return command;
      await new Promise((r) => setTimeout(r, 5));
    }
    return undefined;
  }
  launchSpec(containerId: string): Promise<ContainerLaunchSpec | undefined> {
    this.check();
    return Promise.resolve(this.specs.get(containerId));
  }
  containerStarted(_hostId: string, containerId: string, pid: number): Promise<boolean> {
    this.check();
    this.calls.started.push({ containerId, pid });
    return Promise.resolve(this.startAnswer);
  }
  containerExited(_hostId: string, containerId: string, exitCode: number, diagnostics: string): Promise<void> {
    this.check();
    this.calls.exited.push({ containerId, exitCode, diagnostics });
    this.wanted.delete(containerId);
    return Promise.resolve();
  }
  artifact(sha256: string): Promise<Buffer | undefined> {
    this.check();
    return Promise.resolve(this.artifacts.get(sha256));
  }
  close(): Promise<void> {
    return Promise.resolve();
  }

  // Not the agent's business.
  putArtifact(): Promise<string> {
    return unsupported();
  }
  submitApplication(): Promise<string> {
    return unsupported();
  }
  requestContainers(): Promise<string[]> {
    return unsupported();
  }
  cancelRequest(): Promise<void> {
    return unsupported();
  }
  releaseContainer(): Promise<void> {
    return unsupported();
  }
  registerApplicationMaster(): Promise<void> {
    return unsupported();
  }
  heartbeatApplication(): Promise<never> {
    return unsupported();
  }
  releaseLease(): Promise<void> {
    return unsupported();
  }
  finishApplication(): Promise<void> {
    return unsupported();
  }
  application(): Promise<undefined> {
    return unsupported();
  }
  applications(): Promise<never[]> {
    return unsupported();
  }
  containers(): Promise<never[]> {
    return unsupported();
  }
  status(): Promise<never> {
    return unsupported();
  }
  setQueues(): Promise<void> {
    return unsupported();
  }
}

function unsupported(): Promise<never> {
  return Promise.reject(new Error('not supported by TestingResourcePool'));
}

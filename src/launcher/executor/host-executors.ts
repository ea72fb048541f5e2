/**
 * One executor per host, shared by everything the launcher does on that host during its life,
 * so each host gets one SSH connection; and a bound on how many hosts are worked on at the same
 * time (`launcher.ssh.parallelism`), so that a cluster of hundreds of hosts neither opens
 * hundreds of connections at once nor hits sshd's MaxStartups.
 */
import { Semaphore } from '../concurrency.js';
import type { HostSpec } from '../host-spec.js';
import { hostKey, isLocalHost } from '../host-spec.js';
import type { SshSettings } from '../launcher-options.js';
import { LocalExecutor } from './local-executor.js';
import type { RemoteExecutor } from './remote-executor.js';
import type { NoticeSink } from './ssh-executor.js';
import { SshExecutor } from './ssh-executor.js';

export interface HostExecutorsOptions {
  readonly ssh: SshSettings;
  /** Most hosts worked on at the same time. */
  readonly parallelism: number;
  /** Notes for the user (host keys added to known_hosts). */
  readonly notice?: NoticeSink | undefined;
  /** Environment of local commands. @default process.env */
  readonly localEnv?: NodeJS.ProcessEnv | undefined;
  /** Builds the executor of a host; tests replace it. @default LocalExecutor for local hosts, else SshExecutor */
  readonly create?: ((host: HostSpec) => RemoteExecutor) | undefined;
}

export class HostExecutors {
  private readonly executors = new Map<string, RemoteExecutor>();
  private readonly hosts: Semaphore;

  constructor(private readonly options: HostExecutorsOptions) {
    this.hosts = new Semaphore(options.parallelism);
  }

  /** The executor of `host`, created on first use (it connects on its first command). */
  executor(host: HostSpec): RemoteExecutor {
    const key = hostKey(host);
    let executor = this.executors.get(key);
    if (executor === undefined) {
      executor = this.options.create?.(host) ?? this.defaultExecutor(host);
      this.executors.set(key, executor);
    }
    return executor;
  }

  /**
   * Runs `action` with the host's executor once fewer than `launcher.ssh.parallelism` host
   * actions are running. Actions must not call `run` themselves (they would wait for themselves).
   */
  run<T>(host: HostSpec, action: (executor: RemoteExecutor) => Promise<T>): Promise<T> {
    return this.hosts.run(() => action(this.executor(host)));
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    const executors = [...this.executors.values()];
    this.executors.clear();
    await Promise.all(executors.map((executor) => executor.close()));
  }

  private defaultExecutor(host: HostSpec): RemoteExecutor {
    return isLocalHost(host) ? new LocalExecutor(host, this.options.localEnv) : new SshExecutor(host, this.options.ssh, this.options.notice);
  }
}

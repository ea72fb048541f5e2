import type { Logger } from '../../core/logger.js';

export interface HeartbeatSettings {
  /** `heartbeat.interval`: how often a target is asked. */
  readonly intervalMs: number;
  /** `heartbeat.timeout`: silence after which a target is considered lost. */
  readonly timeoutMs: number;
  /** `heartbeat.rpc-failure-threshold`: consecutive failed requests that mark a target unreachable; -1 disables. */
  readonly rpcFailureThreshold: number;
}

interface Target<P> {
  readonly request: () => Promise<P>;
  readonly onPayload: (payload: P) => void;
  readonly onLost: (cause: string) => void;
  lastSeen: number;
  failures: number;
  inFlight: boolean;
  timer: NodeJS.Timeout;
  /** Fires `heartbeat.timeout` after the last answer (Flink's timeout timer), reset by every answer. */
  deadline: NodeJS.Timeout;
}

/**
 * The sending side of Flink's heartbeats: asks each monitored target for a heartbeat every
 * interval, hands the payload over, and declares the target lost after `heartbeat.timeout` of
 * silence or `heartbeat.rpc-failure-threshold` failed requests in a row. A broken connection is a
 * hint worth checking at once (`probe`): a killed process is then found in milliseconds, while a
 * slow one still gets the whole timeout.
 */
export class HeartbeatMonitor<P> {
  private readonly targets = new Map<string, Target<P>>();

  constructor(
    private readonly settings: HeartbeatSettings,
    private readonly describe: (targetId: string) => string,
    private readonly logger: Logger,
  ) {}

  monitor(targetId: string, request: () => Promise<P>, onPayload: (payload: P) => void, onLost: (cause: string) => void): void {
    this.unmonitor(targetId);
    const target: Target<P> = {
      request,
      onPayload,
      onLost,
      lastSeen: Date.now(),
      failures: 0,
      inFlight: false,
      timer: setInterval(() => this.beat(targetId), this.settings.intervalMs),
      deadline: this.deadlineFor(targetId),
    };
    this.targets.set(targetId, target);
  }

  unmonitor(targetId: string): void {
    const target = this.targets.get(targetId);
    if (target === undefined) return;
    clearInterval(target.timer);
    clearTimeout(target.deadline);
    this.targets.delete(targetId);
  }

  isMonitored(targetId: string): boolean {
    return this.targets.has(targetId);
  }

  /** Asks the target right away, and once more shortly after if that fails. */
  probe(targetId: string): void {
    this.beat(targetId);
    setTimeout(() => this.beat(targetId), Math.min(200, this.settings.intervalMs)).unref();
  }

  close(): void {
    for (const id of [...this.targets.keys()]) this.unmonitor(id);
  }

  private beat(targetId: string): void {
    const target = this.targets.get(targetId);
    if (target === undefined) return;
    if (Date.now() - target.lastSeen > this.settings.timeoutMs) {
      this.lose(targetId, `Heartbeat of ${this.describe(targetId)} timed out.`);
      return;
    }
    if (target.inFlight) return;
    target.inFlight = true;
    target.request().then(
      (payload) => {
        target.inFlight = false;
        if (this.targets.get(targetId) !== target) return;
        target.lastSeen = Date.now();
        target.failures = 0;
        clearTimeout(target.deadline);
        target.deadline = this.deadlineFor(targetId);
        target.onPayload(payload);
      },
      (error: unknown) => {
        target.inFlight = false;
        if (this.targets.get(targetId) !== target) return;
        target.failures++;
        const threshold = this.settings.rpcFailureThreshold;
        if (threshold > 0 && target.failures >= threshold) {
          this.lose(targetId, `${this.describe(targetId)} is unreachable: ${error instanceof Error ? error.message : String(error)}`);
        }
      },
    );
  }

  /** A hung target never answers, so its silence is timed on its own, not only at the next beat. */
  private deadlineFor(targetId: string): NodeJS.Timeout {
    return setTimeout(() => this.lose(targetId, `Heartbeat of ${this.describe(targetId)} timed out.`), this.settings.timeoutMs);
  }

  private lose(targetId: string, cause: string): void {
    const target = this.targets.get(targetId);
    if (target === undefined) return;
    this.unmonitor(targetId);
    this.logger.warn(cause);
    target.onLost(cause);
  }
}

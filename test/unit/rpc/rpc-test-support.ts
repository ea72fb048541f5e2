/** Helpers shared by the RPC tests: services on loopback with captured logs, and bounded waits. */
import { Logger, MemoryLogSink } from '../../../src/core/logger.js';
import type { TcpRpcServiceOptions } from '../../../src/runtime/rpc/tcp-rpc-service.js';
import { TcpRpcService } from '../../../src/runtime/rpc/tcp-rpc-service.js';

export const SECRET = 'rpc-test-secret';

export interface TestService {
  readonly service: TcpRpcService;
  readonly sink: MemoryLogSink;
}

/**
 * Starts services on 127.0.0.1 with a random port and keeps them, so that one `after` hook can
 * close all of them whatever a test left running.
 */
export class TestServices {
  private readonly started: TcpRpcService[] = [];

  async start(overrides: Partial<TcpRpcServiceOptions> = {}): Promise<TestService> {
    const sink = new MemoryLogSink();
    const service = await TcpRpcService.create({
      bindHost: '127.0.0.1',
      port: 0,
      secret: SECRET,
      askTimeoutMs: 10_000,
      logger: new Logger('TcpRpcService', sink, 'DEBUG'),
      ...overrides,
    });
    this.started.push(service);
    return { service, sink };
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.started.map((s) => s.close()));
  }
}

/** Rejects when `promise` has not settled within `ms`, so a broken test fails instead of hanging. */
export async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Deadline of ${ms} ms passed waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` until it holds; fails after `ms`. */
export async function eventually(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`Deadline of ${ms} ms passed waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A promise that never settles: a remote method that never answers. */
export function never(): Promise<never> {
  return new Promise<never>(() => undefined);
}

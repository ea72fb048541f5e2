/**
 * The results of Flink's asynchronous REST operations (savepoints, stop-with-savepoint, manual
 * checkpoints, savepoint disposal): a trigger answers `{"request-id": <triggerId>}` at once, and
 * the client polls the operation's status path with that id. Flink keeps them in the Dispatcher's
 * CompletedOperationCache; here one registry per kind of operation lives in the REST server.
 *
 * Keys are `(scope, triggerId)`: the scope is the job id, or a fixed name for operations not tied
 * to a job (disposal). A trigger with a triggerId the registry already holds does not start the
 * operation again: it answers the same id, so a client that retries a trigger after a lost
 * response cannot take two savepoints (Flink 1.15's idempotent triggers). Finished operations are
 * kept for `rest.async.store-duration` after they completed, then forgotten (404 afterwards).
 */
import { randomBytes } from 'node:crypto';
import type { SerializedThrowable } from '../../core/errors.js';
import { ensureError, serializeError } from '../../core/errors.js';

/** What a status request sees. */
export type AsyncOperationState<T> =
  | { readonly status: 'IN_PROGRESS' }
  | { readonly status: 'COMPLETED'; readonly result: T }
  | { readonly status: 'FAILED'; readonly failure: SerializedThrowable };

interface Entry<T> {
  state: AsyncOperationState<T>;
  /** When the operation finished; undefined while it runs (running ones never expire). */
  completedAt: number | undefined;
}

export class AsyncOperationRegistry<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    /** `rest.async.store-duration` in ms: how long a finished operation's result stays. */
    private readonly storeDurationMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Starts `start()` under `(scope, triggerId)` unless an operation with that key is known, and
   * returns the trigger id. `start` is not called for a known key. A `start` that throws
   * synchronously fails the operation like a rejected promise would.
   */
  trigger(scope: string, triggerId: string, start: () => Promise<T>): string {
    this.expire();
    const key = keyOf(scope, triggerId);
    if (this.entries.has(key)) return triggerId;
    const entry: Entry<T> = { state: { status: 'IN_PROGRESS' }, completedAt: undefined };
    this.entries.set(key, entry);
    let running: Promise<T>;
    try {
      running = start();
    } catch (error) {
      running = Promise.reject(ensureError(error));
    }
    running.then(
      (result) => {
        entry.state = { status: 'COMPLETED', result };
        entry.completedAt = this.now();
      },
      (error: unknown) => {
        entry.state = { status: 'FAILED', failure: serializeError(error) };
        entry.completedAt = this.now();
      },
    );
    return triggerId;
  }

  /** The operation's state; undefined when the key is unknown or its result has expired. */
  get(scope: string, triggerId: string): AsyncOperationState<T> | undefined {
    this.expire();
    return this.entries.get(keyOf(scope, triggerId))?.state;
  }

  /** How many operations are held (running or kept), for tests. */
  get size(): number {
    this.expire();
    return this.entries.size;
  }

  // Expiry is checked on every access rather than with timers: nothing to clean up when the
  // server closes, and tests drive the clock.
  private expire(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.completedAt !== undefined && now - entry.completedAt >= this.storeDurationMs) this.entries.delete(key);
    }
  }
}

/** A fresh trigger id: 32 hex characters, as Flink's TriggerId. */
export function newTriggerId(): string {
  return randomBytes(16).toString('hex');
}

function keyOf(scope: string, triggerId: string): string {
  return `${scope}/${triggerId}`;
}

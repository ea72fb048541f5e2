/**
 * The project's error base. `code` is a stable string callers can branch on; a brand symbol makes
 * `isFlinkTsError` work across module copies and worker threads, where `instanceof` does not.
 */
const BRAND = Symbol.for('flink-ts.error');

export type ErrorCode =
  | 'ERR_JOB_FAILED'
  | 'ERR_JOB_CANCELED'
  | 'ERR_PLAN_MISMATCH'
  | 'ERR_INVALID_PROGRAM'
  | 'ERR_PROGRAM_ABORTED'
  | 'ERR_BUNDLE'
  | 'ERR_ILLEGAL_STATE'
  | 'ERR_WORKER_EXIT'
  | 'ERR_PARTITION_NOT_FOUND'
  | 'ERR_NO_RESOURCE'
  | 'ERR_TASK_MANAGER_LOST'
  | 'ERR_INVALID_ARGUMENT'
  // RPC transport (src/runtime/rpc)
  | 'ERR_RPC_TIMEOUT'
  | 'ERR_RPC_CONNECTION'
  | 'ERR_RPC_AUTHENTICATION'
  | 'ERR_RPC_ENDPOINT_NOT_FOUND'
  | 'ERR_RPC_METHOD_NOT_FOUND'
  | 'ERR_RPC_SERIALIZATION'
  | 'ERR_RPC_PROTOCOL'
  | 'ERR_RPC_BIND'
  | 'ERR_RPC_REMOTE'
  | 'ERR_FENCING_MISMATCH'
  // Launcher (src/launcher): hosts files, SSH, remote installations and processes
  | 'ERR_HOSTS_FILE'
  | 'ERR_SSH_CONNECT'
  | 'ERR_SSH_AUTH'
  | 'ERR_SSH_HOST_KEY'
  | 'ERR_SSH_CHANNEL'
  | 'ERR_REMOTE_EXIT'
  | 'ERR_REMOTE_TIMEOUT'
  | 'ERR_REMOTE_INSTALL'
  // resource pool
  | 'ERR_POOL'
  | 'ERR_REMOTE_NODE'
  | 'ERR_CLUSTER_RUNNING'
  // checkpoints and savepoints
  | 'ERR_CONFIG'
  | 'ERR_CHECKPOINT'
  | 'ERR_SAVEPOINT_RESTORE';

export class FlinkTsError extends Error {
  readonly code: ErrorCode;
  readonly [BRAND] = true;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
Object.defineProperty(FlinkTsError.prototype, 'name', { value: 'FlinkTsError' });

export function isFlinkTsError(e: unknown): e is FlinkTsError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}

/** Normalises anything thrown into an Error, so callers can rely on `message` and `stack`. */
export function ensureError(e: unknown): Error {
  if (e instanceof Error) return e;
  return new Error(typeof e === 'string' ? e : `Non-error thrown: ${String(e)}`);
}

/**
 * A failure as it crosses thread and process boundaries: Error instances do not survive
 * structured clone with their class, so failures travel as this plain shape.
 */
export interface SerializedThrowable {
  readonly class: string;
  readonly message: string;
  readonly stack: string;
  /** The FlinkTsError code when the failure was (or wraps) one, so it survives the boundary. */
  readonly code?: ErrorCode;
  /** What the failure wraps, e.g. the task's exception under "Recovery is suppressed by …". */
  readonly cause?: SerializedThrowable;
}

export function serializeError(e: unknown): SerializedThrowable {
  return serializeAt(e, 0);
}

function serializeAt(e: unknown, depth: number): SerializedThrowable {
  const err = ensureError(e);
  const code = flinkTsCodeOf(err);
  // Only wrappers that flink-ts builds itself carry their cause across (JobException); a user
  // error's cause chain stays in its stack text, as before.
  const cause = err.name === 'JobException' && err.cause instanceof Error && depth < 8 ? serializeAt(err.cause, depth + 1) : undefined;
  return {
    class: err.name,
    message: err.message,
    stack: err.stack ?? `${err.name}: ${err.message}`,
    ...(code === undefined ? {} : { code }),
    ...(cause === undefined ? {} : { cause }),
  };
}

/** The code of the error or of the first FlinkTsError in its cause chain. */
function flinkTsCodeOf(error: Error): ErrorCode | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 16 && current instanceof Error; depth++) {
    if (isFlinkTsError(current)) return current.code;
    current = current.cause;
  }
  return undefined;
}

/**
 * An Error standing in for a failure that happened in another thread or process. With a code it
 * is a FlinkTsError again, so callers can branch on the code and printers know it is flink-ts's.
 */
export function deserializeError(failure: SerializedThrowable): Error {
  const error = failure.code === undefined ? new Error(failure.message) : new FlinkTsError(failure.code, failure.message);
  // An own `name` keeps the remote class name, e.g. `TypeError`, in the printed chain.
  Object.defineProperty(error, 'name', { value: failure.class, enumerable: false, configurable: true, writable: true });
  error.stack = failure.stack;
  if (failure.cause !== undefined) error.cause = deserializeError(failure.cause);
  return error;
}

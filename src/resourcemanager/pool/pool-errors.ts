import { FlinkTsError } from '../../core/errors.js';

/** What went wrong in a pool operation; the Lua scripts return the negative numbers. */
export type PoolErrorCode =
  | 'HOST_UNKNOWN'
  | 'QUEUE_UNKNOWN'
  | 'APPLICATION_UNKNOWN'
  | 'APPLICATION_ENDED'
  | 'CONTAINER_UNKNOWN'
  | 'INVALID_ARGUMENT'
  | 'QUEUES_INVALID'
  | 'REDIS_UNAVAILABLE';

/** The scripts' return codes (lib.lua), in order: -1 is the first. */
const SCRIPT_CODES: readonly PoolErrorCode[] = [
  'HOST_UNKNOWN',
  'QUEUE_UNKNOWN',
  'APPLICATION_UNKNOWN',
  'APPLICATION_ENDED',
  'CONTAINER_UNKNOWN',
  'INVALID_ARGUMENT',
  'QUEUES_INVALID',
];

export class PoolError extends FlinkTsError {
  constructor(
    readonly poolCode: PoolErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('ERR_POOL', message, options);
  }
}
Object.defineProperty(PoolError.prototype, 'name', { value: 'PoolError' });

export function isPoolError(error: unknown, code?: PoolErrorCode): error is PoolError {
  return error instanceof PoolError && (code === undefined || error.poolCode === code);
}

/**
 * The error for a script's negative return code, with a message that says what to do.
 * `subject` names what the call was about (an application id, a host, a queue).
 */
export function scriptError(script: string, returned: number, subject: string): PoolError {
  const code = SCRIPT_CODES[-returned - 1] ?? 'INVALID_ARGUMENT';
  const messages: Record<PoolErrorCode, string> = {
    HOST_UNKNOWN: `The pool does not know host '${subject}' (its lease expired or it never registered).`,
    QUEUE_UNKNOWN: `The pool has no queue '${subject}': see \`flink-ts pool status\` for its queues, or choose one with -qu.`,
    APPLICATION_UNKNOWN: `The pool has no application '${subject}': see \`flink-ts pool apps -a\`.`,
    APPLICATION_ENDED: `The pool application '${subject}' has ended.`,
    CONTAINER_UNKNOWN: `The pool has no container '${subject}' of that application or host.`,
    QUEUES_INVALID: 'Invalid queue definitions: the capacities must add up to 100 and each maximum-capacity must be between its capacity and 100.',
    INVALID_ARGUMENT: `The pool script ${script} refused its arguments (${returned}) for '${subject}'.`,
    REDIS_UNAVAILABLE: "The pool's Redis is unavailable.",
  };
  return new PoolError(code, messages[code]);
}

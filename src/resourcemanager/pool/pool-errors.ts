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
  const code = SCRIPT_CODES[-returned - 1];
  switch (code) {
    case 'HOST_UNKNOWN':
      return new PoolError(code, `The pool does not know host '${subject}' (its lease expired or it never registered).`);
    case 'QUEUE_UNKNOWN':
      return new PoolError(code, `The pool has no queue '${subject}': see \`flink-ts pool status\` for its queues, or choose one with -qu.`);
    case 'APPLICATION_UNKNOWN':
      return new PoolError(code, `The pool has no application '${subject}': see \`flink-ts pool apps -a\`.`);
    case 'APPLICATION_ENDED':
      return new PoolError(code, `The pool application '${subject}' has ended.`);
    case 'CONTAINER_UNKNOWN':
      return new PoolError(code, `The pool has no container '${subject}' of that application or host.`);
    case 'QUEUES_INVALID':
      return new PoolError(code, `Invalid queue definitions: the capacities must add up to 100 and each maximum-capacity must be between its capacity and 100.`);
    default:
      return new PoolError('INVALID_ARGUMENT', `The pool script ${script} refused its arguments (${returned}) for '${subject}'.`);
  }
}

/**
 * How the agent tells the pool's answers apart: a PoolError with a code other than
 * REDIS_UNAVAILABLE says something definite about a host or container (HOST_UNKNOWN: register
 * again; CONTAINER_UNKNOWN: nothing to report to), while REDIS_UNAVAILABLE, a dropped connection
 * or a call that timed out mean the pool could not be asked: the agent keeps its containers
 * running and asks again later.
 */
import type { PoolErrorCode } from '../../resourcemanager/pool/pool-errors.js';
import { isPoolError } from '../../resourcemanager/pool/pool-errors.js';

/** The code of a PoolError, or undefined for any other failure. */
export function poolErrorCode(error: unknown): PoolErrorCode | undefined {
  return isPoolError(error) ? error.poolCode : undefined;
}

/** True when the pool could not be asked (Redis down or unreachable), as opposed to a definite answer. */
export function isPoolUnreachable(error: unknown): boolean {
  const code = poolErrorCode(error);
  return code === undefined || code === 'REDIS_UNAVAILABLE';
}

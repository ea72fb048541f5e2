/**
 * How the agent tells the pool's answers apart: a PoolError with a code says something definite
 * about a host or container (HOST_UNKNOWN: register again; CONTAINER_UNKNOWN: nothing to report
 * to), while anything else (REDIS_UNAVAILABLE, a dropped connection, a timeout) means the pool
 * could not be asked, and the agent keeps its containers running and asks again later.
 */

/** The `code` of a PoolError, or undefined for any other failure. */
export function poolErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return name === 'PoolError' && typeof code === 'string' ? code : undefined;
}

/** True when the pool could not be asked (Redis down or unreachable), as opposed to a definite answer. */
export function isPoolUnreachable(error: unknown): boolean {
  const code = poolErrorCode(error);
  return code === undefined || code === 'REDIS_UNAVAILABLE';
}

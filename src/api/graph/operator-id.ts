import { createHash } from 'node:crypto';

/**
 * Stable operator ids. With a uid the id depends on the uid alone, so state can follow an
 * operator across topology changes; without one it depends on the node's creation order and its
 * inputs, so re-running the same module yields the same ids (the plan check relies on that).
 */
export function userSpecifiedOperatorId(uid: string): string {
  return createHash('sha256').update(`uid:${uid}`).digest('hex').slice(0, 32);
}

export function generatedOperatorId(nodeId: number, kind: string, inputIds: readonly string[]): string {
  const h = createHash('sha256').update(`node:${nodeId}:${kind}`);
  for (const input of inputIds) h.update(`|${input}`);
  return h.digest('hex').slice(0, 32);
}

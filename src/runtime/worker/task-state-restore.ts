import type { TaskRestore, StateHandle } from '../checkpoint/checkpoint-metadata.js';
import type { OperatorChain } from './operator-chain.js';
import { readStateHandle } from '../state/state-handle-io.js';

/**
 * Fills a new attempt's state backends from the checkpoint the JobMaster chose (Flink's
 * StreamTaskStateInitializer): keyed state from every old snapshot overlapping this subtask's
 * key groups, operator state from its assigned slices. Returns, per operator, whether it had
 * state in the checkpoint (`isRestored()`).
 */
export async function restoreTaskState(chain: OperatorChain, restore: TaskRestore | undefined): Promise<boolean[]> {
  if (restore === undefined) return chain.operators.map(() => false);
  // Pieces of one old snapshot come as equal copies of its handle: read each file once.
  const cache = new Map<string, Promise<Uint8Array>>();
  const read = (handle: StateHandle): Promise<Uint8Array> => {
    const key = 'file' in handle ? handle.file : handle.inline;
    let bytes = cache.get(key);
    if (bytes === undefined) {
      bytes = readStateHandle(handle, restore.baseDir);
      cache.set(key, bytes);
    }
    return bytes;
  };
  const restored: boolean[] = [];
  for (let i = 0; i < chain.operators.length; i++) {
    const state = restore.operators[chain.operatorIds[i] as string];
    restored.push(state !== undefined);
    if (state === undefined) continue;
    const keyed = chain.keyedBackends[i];
    if (keyed !== undefined) for (const handle of state.keyed) keyed.restore(await read(handle));
    const pieces = [];
    for (const piece of state.operator) pieces.push({ bytes: await read(piece.handle), name: piece.name, mode: piece.mode, from: piece.from, to: piece.to });
    (chain.operatorBackends[i] as (typeof chain.operatorBackends)[number]).restore(pieces);
  }
  return restored;
}

/**
 * The current key of a keyed state backend as its states and timer services see it. Both forms
 * are kept: the original key (handed to users, hashed at snapshot time) and its map key (used on
 * every state access, so `toMapKey` runs once per record, not once per access).
 */
export interface KeyContext {
  readonly currentKey: unknown;
  readonly currentMapKey: unknown;
  /** Sets a key whose map key is already known (timers firing). */
  setCurrentKeyAndMapKey(key: unknown, mapKey: unknown): void;
}

/**
 * A string that identifies a map key (`toMapKey`'s result) without colliding across types: the
 * number 1 and the string "1" are different keys. The length prefix keeps concatenations of
 * several encoded parts unambiguous.
 */
export function encodeMapKey(mapKey: unknown): string {
  const text = String(mapKey);
  return `${typeof mapKey === 'object' ? 'null' : typeof mapKey}${text.length}:${text}`;
}

/**
 * A finite (or, for the global window, endless) bucket of elements (Flink's Window). Windows are
 * also timer namespaces and state keys, so each has a stable string key; timers come back from a
 * checkpoint with the window as plain data, hence `windowFromNamespace`.
 */
export interface Window {
  /** The largest timestamp that still belongs to the window. */
  maxTimestamp(): number;
  /** Identifies the window in keyed state (a key's windows are kept in a map by this key). */
  stateKey(): string;
}

/**
 * The largest event time (Flink's Long.MAX_VALUE): the global window never ends. Kept a safe
 * integer so `maxTimestamp + allowedLateness` comparisons stay exact.
 */
export const MAX_TIMESTAMP = Number.MAX_SAFE_INTEGER;

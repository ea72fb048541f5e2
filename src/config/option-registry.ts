/**
 * Key lookup over the option registry: canonical and deprecated keys, pass-through prefixes, and did-you-mean
 * suggestions for keys that match nothing.
 */
import type { ConfigOption } from './config-option.js';
import { editDistance } from './edit-distance.js';
import { ALL_OPTIONS, PASSTHROUGH_PREFIXES } from './options.js';

/** What a key refers to: a declared option (possibly through a deprecated name) or a free-form pass-through key. */
export type KeyMatch =
  | { readonly kind: 'option'; readonly option: ConfigOption<unknown>; readonly deprecated: boolean }
  | { readonly kind: 'passthrough' };

const BY_KEY = new Map<string, { option: ConfigOption<unknown>; deprecated: boolean }>();
for (const option of ALL_OPTIONS) {
  if (BY_KEY.has(option.key)) throw new Error(`option key '${option.key}' is declared twice`);
  BY_KEY.set(option.key, { option, deprecated: false });
}
for (const option of ALL_OPTIONS) {
  for (const key of option.deprecatedKeys) {
    if (BY_KEY.has(key)) throw new Error(`deprecated key '${key}' of '${option.key}' is already in use`);
    BY_KEY.set(key, { option, deprecated: true });
  }
}

// Section names of nested YAML (`taskmanager`, `taskmanager.memory`), so an emptied section is not a typo.
const SECTIONS = new Set<string>();
for (const key of BY_KEY.keys()) {
  const segments = key.split('.');
  for (let i = 1; i < segments.length; i++) SECTIONS.add(segments.slice(0, i).join('.'));
}

/** True for keys under `$internal.` or `pipeline.global-job-parameters.` (with a non-empty remainder). */
export function isPassthroughKey(key: string): boolean {
  return PASSTHROUGH_PREFIXES.some((prefix) => key.length > prefix.length && key.startsWith(prefix));
}

/** Resolves a key as written by a user; `undefined` when flink-ts does not know it. */
export function lookupKey(key: string): KeyMatch | undefined {
  const found = BY_KEY.get(key);
  if (found !== undefined) return { kind: 'option', ...found };
  return isPassthroughKey(key) ? { kind: 'passthrough' } : undefined;
}

/** The declared option for a canonical or deprecated key. */
export function findOption(key: string): ConfigOption<unknown> | undefined {
  return BY_KEY.get(key)?.option;
}

/** True when `key` is a proper prefix of some option key, i.e. a YAML section such as `taskmanager.memory`. */
export function isSectionKey(key: string): boolean {
  return SECTIONS.has(key);
}

const MAX_SUGGESTION_DISTANCE = 3;

function lastSegment(key: string): string {
  return key.slice(key.lastIndexOf('.') + 1).toLowerCase();
}

/**
 * The canonical key an unknown key most likely meant: the closest key within {@link MAX_SUGGESTION_DISTANCE}
 * edits, or failing that the closest key with the same last segment (`jobmanager.numberOfTaskSlots` →
 * `taskmanager.numberOfTaskSlots`). Case is ignored when measuring, because case slips are the commonest typo.
 */
export function suggestKey(unknownKey: string): string | undefined {
  const wanted = unknownKey.toLowerCase();
  const wantedSegment = lastSegment(unknownKey);
  let best: { key: string; distance: number } | undefined;
  for (const [candidate, { option }] of BY_KEY) {
    const distance = editDistance(wanted, candidate.toLowerCase());
    const eligible = distance <= MAX_SUGGESTION_DISTANCE || lastSegment(candidate) === wantedSegment;
    if (eligible && (best === undefined || distance < best.distance)) best = { key: option.key, distance };
  }
  return best?.key;
}

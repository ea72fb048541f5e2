/**
 * Turns raw key/value entries from any source into validated, typed values keyed by canonical option key.
 */
import type { ConfigValue } from './config-option.js';
import { invalidValueProblem, unknownKeyProblem } from './config-errors.js';
import type { ConfigLocation, ConfigProblem } from './config-errors.js';
import { isSectionKey, lookupKey, suggestKey } from './option-registry.js';
import { formatRawValue, parseOptionValue } from './option-value.js';

/** One key/value as a source gave it. A `null`/`undefined` value resets the key to its default. */
export interface ConfigEntry extends ConfigLocation {
  readonly key: string;
  readonly value: unknown;
}

/** Result of {@link resolveEntries}: the merged values, and every problem found on the way. */
export interface ResolvedEntries {
  readonly values: Map<string, ConfigValue>;
  readonly problems: ConfigProblem[];
}

/**
 * Applies `entries` in order on top of `base` (later entries win; a deprecated key sets its canonical key).
 * Invalid entries are skipped and reported, so one pass finds every problem.
 */
export function resolveEntries(
  entries: Iterable<ConfigEntry>,
  base: ReadonlyMap<string, ConfigValue> = new Map(),
): ResolvedEntries {
  const values = new Map(base);
  const problems: ConfigProblem[] = [];
  for (const entry of entries) {
    const { key, value } = entry;
    const match = lookupKey(key);
    const unset = value === null || value === undefined;
    if (match === undefined) {
      // An emptied YAML section (`taskmanager:` with every child commented out) is not a misspelt key.
      if (!(unset && isSectionKey(key))) problems.push(unknownKeyProblem(entry, key, suggestKey(key)));
      continue;
    }
    const storeKey = match.kind === 'option' ? match.option.key : key;
    if (unset) {
      values.delete(storeKey);
      continue;
    }
    if (match.kind === 'passthrough') {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        values.set(storeKey, String(value));
      } else {
        problems.push(invalidValueProblem(entry, key, formatRawValue(value), 'a string'));
      }
      continue;
    }
    const parsed = parseOptionValue(match.option, value);
    if (parsed.ok) values.set(storeKey, parsed.value);
    else problems.push(invalidValueProblem(entry, key, formatRawValue(value), parsed.expected));
  }
  return { values, problems };
}

/**
 * `key=value` overrides from the command line (`-D`) and from the `FLINK_TS_PROPERTIES` environment variable.
 */
import { syntaxProblem } from './config-errors.js';
import type { ConfigProblem } from './config-errors.js';
import type { ConfigEntry } from './resolve-entries.js';

/** Entries in the order given plus malformed items. */
export interface ParsedProperties {
  readonly entries: ConfigEntry[];
  readonly problems: ConfigProblem[];
}

/**
 * Parses `-D` arguments (without the `-D`): `key=value` splits at the first `=`; a bare `key` means `key=true`,
 * as for Flink's boolean flags. Later arguments override earlier ones.
 */
export function parseDynamicProperties(args: readonly string[]): ParsedProperties {
  const entries: ConfigEntry[] = [];
  const problems: ConfigProblem[] = [];
  for (const arg of args) {
    const where = `-D ${arg}`;
    const separator = arg.indexOf('=');
    const key = (separator < 0 ? arg : arg.slice(0, separator)).trim();
    if (key === '') {
      problems.push(syntaxProblem({ where }, "missing key; expected '-D key=value'."));
      continue;
    }
    entries.push({ where, key, value: separator < 0 ? 'true' : arg.slice(separator + 1).trim() });
  }
  return { entries, problems };
}

// A `;` only separates entries when a `key=` follows, so list values such as `io.tmp.dirs=/a;/b` survive.
const ENTRY_SEPARATOR = /;(?=\s*[A-Za-z0-9_$][\w$.-]*\s*=)/;

/**
 * Parses the value of `FLINK_TS_PROPERTIES`: `key=value` entries separated by newlines or by `;`. Blank entries
 * and lines starting with `#` are ignored. Later entries override earlier ones.
 */
export function parseEnvProperties(text: string, variable = 'FLINK_TS_PROPERTIES'): ParsedProperties {
  const entries: ConfigEntry[] = [];
  const problems: ConfigProblem[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim().startsWith('#')) continue;
    for (const rawItem of line.split(ENTRY_SEPARATOR)) {
      const item = rawItem.trim();
      if (item === '') continue;
      const where = `${variable} ${item}`;
      const separator = item.indexOf('=');
      const key = separator < 0 ? '' : item.slice(0, separator).trim();
      if (key === '') {
        problems.push(syntaxProblem({ where }, 'expected key=value.'));
        continue;
      }
      entries.push({ where, key, value: item.slice(separator + 1).trim() });
    }
  }
  return { entries, problems };
}

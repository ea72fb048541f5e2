/**
 * The `config.yaml` the launcher writes on each host: flat `key: value` lines, every value a
 * double-quoted YAML scalar. JSON string syntax is valid YAML, so `JSON.stringify` quotes any
 * value (`#`, `:`, leading spaces, newlines) safely, and flink-ts's loader reads the text back
 * into the same typed values, as it reads `-D` text.
 */

// Keys flink-ts declares are plain dotted words; anything else (pass-through keys) is quoted.
const PLAIN_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** Renders `entries` sorted by key, after `header` as comment lines. */
export function renderConfigYaml(entries: Readonly<Record<string, string>>, header: readonly string[] = []): string {
  const lines = header.map((line) => `# ${line}`);
  for (const key of Object.keys(entries).sort()) {
    const value = entries[key] ?? '';
    lines.push(`${PLAIN_KEY.test(key) ? key : JSON.stringify(key)}: ${JSON.stringify(value)}`);
  }
  return `${lines.join('\n')}\n`;
}

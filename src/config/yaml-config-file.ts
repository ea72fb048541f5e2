/**
 * Reads `config.yaml` text into flat configuration entries, each tagged with the line of its (leaf) key.
 * Nested maps become dotted keys, so Flink's nested style, its flat style and any mix of both are accepted.
 */
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node, ParsedNode, Scalar, YAMLError } from 'yaml';
import { syntaxProblem } from './config-errors.js';
import type { ConfigProblem } from './config-errors.js';
import { findOption } from './option-registry.js';
import type { ConfigEntry } from './resolve-entries.js';

/** Entries in file order plus syntax problems (YAML errors, duplicate keys, non-scalar keys). */
export interface ParsedConfigFile {
  readonly entries: ConfigEntry[];
  readonly problems: ConfigProblem[];
}

// Numbers keep their source text (`1.10` stays `1.10` for string options); every numeric parser accepts text.
function scalarValue(node: Scalar): unknown {
  if (node.type === 'PLAIN' && typeof node.value === 'number' && node.source !== undefined) return node.source;
  return node.value;
}

function keyText(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const value = scalarValue(node);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

// The yaml package words this one for its own API users ("please use YAML.parseAllDocuments()").
function yamlErrorText(error: YAMLError): string {
  if (error.code === 'MULTIPLE_DOCS') return "a configuration file holds a single YAML document (remove the '---')";
  return error.message.replace(/\.\s*$/, '');
}

/**
 * Parses `text` (the contents of `file`, shown as `displayPath` in messages). Never throws: every problem is
 * returned so the caller can report them together.
 */
export function parseConfigYaml(text: string, file: string, displayPath: string): ParsedConfigFile {
  const lineCounter = new LineCounter();
  // Duplicate detection happens after flattening, where it also catches `a: {b: 1}` next to `a.b: 2`.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, keepSourceTokens: true });
  const at = (offset: number): { where: string; file: string; line: number } => {
    const line = lineCounter.linePos(offset).line;
    return { where: `${displayPath}:${line}`, file, line };
  };

  if (doc.errors.length > 0) {
    return {
      entries: [],
      problems: doc.errors.map((error) =>
        syntaxProblem(at(error.pos[0]), `YAML syntax error: ${yamlErrorText(error)}.`),
      ),
    };
  }

  const entries: ConfigEntry[] = [];
  const problems: ConfigProblem[] = [];
  const seen = new Map<string, { key: string; line: number }>();

  const resolve = (node: unknown): unknown => (isAlias(node) ? node.resolve(doc) : node);

  const leafValue = (node: unknown): unknown => {
    const resolved = resolve(node);
    if (resolved === null || resolved === undefined) return null;
    if (isScalar(resolved)) return scalarValue(resolved);
    if (isSeq(resolved)) return resolved.items.map((item) => leafValue(item));
    return (resolved as Node).toJSON();
  };

  const visitMap = (node: unknown, prefix: string): void => {
    if (!isMap(node)) return;
    // YAML itself forbids repeating a key in one mapping, sections included (`taskmanager:` twice).
    const names = new Map<string, number>();
    for (const pair of node.items) {
      const keyNode = pair.key as ParsedNode | null;
      const location = at(keyNode?.range[0] ?? (pair.value as ParsedNode | null)?.range[0] ?? 0);
      const name = keyText(keyNode);
      if (name === undefined || name === '') {
        problems.push(syntaxProblem(location, 'YAML syntax error: configuration keys must be non-empty scalars.'));
        continue;
      }
      const key = prefix === '' ? name : `${prefix}.${name}`;
      const sameName = names.get(name);
      if (sameName !== undefined) {
        problems.push(syntaxProblem(location, `duplicate key '${key}' (already set at line ${sameName}).`, key));
        continue;
      }
      names.set(name, location.line);
      const value = resolve(pair.value);
      if (isMap(value)) {
        visitMap(value, key);
        continue;
      }
      const canonical = findOption(key)?.key ?? key;
      const earlier = seen.get(canonical);
      if (earlier !== undefined) {
        const as = earlier.key === key ? '' : ` as '${earlier.key}'`;
        const detail = `duplicate key '${key}' (already set${as} at line ${earlier.line}).`;
        problems.push(syntaxProblem(location, detail, key));
        continue;
      }
      seen.set(canonical, { key, line: location.line });
      entries.push({ ...location, key, value: leafValue(value) });
    }
  };

  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return { entries, problems };
  if (!isMap(root)) {
    problems.push(
      syntaxProblem(at(root.range[0]), 'YAML syntax error: the top level must be a mapping of configuration keys.'),
    );
    return { entries, problems };
  }
  visitMap(root, '');
  return { entries, problems };
}

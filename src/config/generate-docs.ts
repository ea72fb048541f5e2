/**
 * Generates the option reference in `docs/configuration.md` from the registry, so the docs cannot drift from the
 * code (a unit test fails when they do). Regenerate with `npx tsx src/config/generate-docs.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ConfigOption, ConfigValue } from './config-option.js';
import { describeType, formatOptionValue } from './option-value.js';
import { OPTION_GROUPS } from './options.js';

/** Marker lines that enclose the generated part of `docs/configuration.md`. */
export const OPTIONS_TABLE_BEGIN = '<!-- BEGIN GENERATED OPTIONS TABLE: npx tsx src/config/generate-docs.ts -->';
export const OPTIONS_TABLE_END = '<!-- END GENERATED OPTIONS TABLE -->';

/** Location of the generated document, resolved from this module so it works from `src/` and `dist/`. */
export const CONFIGURATION_DOCS_URL = new URL('../../docs/configuration.md', import.meta.url);

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function defaultCell(option: ConfigOption<unknown>): string {
  const value = option.defaultValue as ConfigValue | undefined;
  if (value === undefined) return '(none)';
  const text = formatOptionValue(option, value);
  return text === '' ? '(empty)' : `\`${text}\``;
}

function descriptionCell(option: ConfigOption<unknown>): string {
  const [first, ...rest] = option.deprecatedKeys;
  if (first === undefined) return option.description;
  const keys = [first, ...rest].map((key) => `\`${key}\``).join(', ');
  return `${option.description} Deprecated key${rest.length > 0 ? 's' : ''}: ${keys}.`;
}

/** Markdown: one `###` heading and table (key, type, default, description) per option group. */
export function renderOptionsTable(): string {
  const sections = OPTION_GROUPS.map((group) => {
    const rows = group.options.map((option) => {
      const cells = [`\`${option.key}\``, describeType(option), defaultCell(option), descriptionCell(option)];
      return `| ${cells.map(cell).join(' | ')} |`;
    });
    const header = ['| Key | Type | Default | Description |', '|---|---|---|---|'];
    return [`### ${group.name}`, '', ...header, ...rows].join('\n');
  });
  return `${sections.join('\n\n')}\n`;
}

/** `markdown` with the text between the marker lines replaced by {@link renderOptionsTable}. */
export function updateConfigurationDocs(markdown: string): string {
  const begin = markdown.indexOf(OPTIONS_TABLE_BEGIN);
  const end = markdown.indexOf(OPTIONS_TABLE_END);
  if (begin < 0 || end < begin) {
    throw new Error(
      `docs/configuration.md must contain the lines '${OPTIONS_TABLE_BEGIN}' and '${OPTIONS_TABLE_END}'`,
    );
  }
  const head = markdown.slice(0, begin + OPTIONS_TABLE_BEGIN.length);
  return `${head}\n\n${renderOptionsTable()}\n${markdown.slice(end)}`;
}

const entryScript = process.argv[1];
const invokedDirectly = entryScript !== undefined && import.meta.url === pathToFileURL(entryScript).href;
if (invokedDirectly) {
  const path = fileURLToPath(CONFIGURATION_DOCS_URL);
  writeFileSync(path, updateConfigurationDocs(readFileSync(path, 'utf8')));
  console.log(`updated ${path}`);
}

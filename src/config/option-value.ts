/**
 * Reading, writing and describing option values according to their declared {@link OptionType}.
 */
import type { ConfigOption, ConfigValue } from './config-option.js';
import { formatDuration, parseDuration } from './duration.js';
import { formatMemorySize, parseMemorySize } from './memory-size.js';

/** Outcome of {@link parseOptionValue}; `expected` completes the sentence "expected …". */
export type ParseResult =
  | { readonly ok: true; readonly value: ConfigValue }
  | { readonly ok: false; readonly expected: string };

const INTEGER_TEXT = /^[+-]?\d+$/;
const NUMBER_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

// YAML and -D hand us strings, numbers and booleans interchangeably; any scalar can stand for text.
function scalarText(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  if (typeof raw === 'boolean') return String(raw);
  return undefined;
}

function rangeText(noun: string, option: ConfigOption<unknown>): string {
  const { min, max } = option;
  if (min !== undefined && max !== undefined) return `${noun} between ${min} and ${max}`;
  if (min !== undefined) return `${noun} >= ${min}`;
  if (max !== undefined) return `${noun} <= ${max}`;
  return noun;
}

function inRange(value: number, option: ConfigOption<unknown>): boolean {
  return (option.min === undefined || value >= option.min) && (option.max === undefined || value <= option.max);
}

/** The expectation an error message states for `option`, e.g. `an integer >= 1` or `one of full, region`. */
export function describeExpected(option: ConfigOption<unknown>): string {
  switch (option.type) {
    case 'integer':
      return rangeText('an integer', option);
    case 'number':
      return rangeText('a number', option);
    case 'boolean':
      return 'true or false';
    case 'string':
      return 'a string';
    case 'duration':
      return "a duration such as '100 ms', '10 s' or '5 min' (a plain number means milliseconds)";
    case 'memory':
      return "a memory size such as '32 kb', '1728m' or '1 gb' (a plain number means bytes)";
    case 'enum':
      return `one of ${(option.values ?? []).join(', ')}`;
    case 'list':
      return "a list of strings (a YAML list, or text separated by ';' or ',')";
  }
}

function parseInteger(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isSafeInteger(raw) ? raw : undefined;
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim();
  if (!INTEGER_TEXT.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

function parseNumber(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim();
  if (!NUMBER_TEXT.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

function parseBoolean(raw: unknown): boolean | undefined {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  return undefined;
}

// Plain numbers are the base unit (ms, bytes), matching how Flink reads legacy numeric values of these keys.
function parseWithUnits(raw: unknown, parseText: (text: string) => number | undefined): number | undefined {
  if (typeof raw === 'number') return Number.isSafeInteger(raw) && raw >= 0 ? raw : undefined;
  if (typeof raw !== 'string') return undefined;
  return parseText(raw);
}

function parseEnum(raw: unknown, values: readonly string[]): string | undefined {
  const text = scalarText(raw)?.trim().toLowerCase();
  if (text === undefined) return undefined;
  return values.find((candidate) => candidate.toLowerCase() === text);
}

function parseList(raw: unknown): readonly string[] | undefined {
  if (Array.isArray(raw)) {
    const items: string[] = [];
    for (const item of raw) {
      const text = scalarText(item);
      if (text === undefined) return undefined;
      items.push(text);
    }
    return Object.freeze(items);
  }
  const text = scalarText(raw);
  if (text === undefined) return undefined;
  return Object.freeze(
    text
      .split(/[;,]/)
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  );
}

function parseTyped(option: ConfigOption<unknown>, raw: unknown): ConfigValue | undefined {
  switch (option.type) {
    case 'integer': {
      const value = parseInteger(raw);
      return value !== undefined && inRange(value, option) ? value : undefined;
    }
    case 'number': {
      const value = parseNumber(raw);
      return value !== undefined && inRange(value, option) ? value : undefined;
    }
    case 'boolean':
      return parseBoolean(raw);
    case 'string':
      return scalarText(raw);
    case 'duration':
      return parseWithUnits(raw, parseDuration);
    case 'memory':
      return parseWithUnits(raw, parseMemorySize);
    case 'enum':
      return parseEnum(raw, option.values ?? []);
    case 'list':
      return parseList(raw);
  }
}

/**
 * Converts a raw value (YAML scalar or list, `-D` text, or an already-typed value) to the option's stored form.
 * Never throws; the caller turns a failure into a located error.
 */
export function parseOptionValue(option: ConfigOption<unknown>, raw: unknown): ParseResult {
  const value = parseTyped(option, raw);
  return value === undefined ? { ok: false, expected: describeExpected(option) } : { ok: true, value };
}

/** The text form of a stored value; {@link parseOptionValue} reads it back to the same value. */
export function formatOptionValue(option: ConfigOption<unknown>, value: ConfigValue): string {
  if (typeof value === 'string' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'number') return value.join(';');
  if (option.type === 'duration') return formatDuration(value);
  if (option.type === 'memory') return formatMemorySize(value);
  return String(value);
}

/** How a value the user wrote is quoted back in error messages. */
export function formatRawValue(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean' || raw === null || raw === undefined) return String(raw);
  if (Array.isArray(raw)) return `[${raw.map((item) => formatRawValue(item)).join(', ')}]`;
  return JSON.stringify(raw);
}

/** Short type label for the generated docs, e.g. `Integer (>= 1)` or `Duration`. */
export function describeType(option: ConfigOption<unknown>): string {
  const { min, max } = option;
  const range =
    min !== undefined && max !== undefined
      ? ` (${min}..${max})`
      : min !== undefined
        ? ` (>= ${min})`
        : max !== undefined
          ? ` (<= ${max})`
          : '';
  switch (option.type) {
    case 'integer':
      return `Integer${range}`;
    case 'number':
      return `Number${range}`;
    case 'boolean':
      return 'Boolean';
    case 'string':
      return 'String';
    case 'duration':
      return 'Duration';
    case 'memory':
      return 'MemorySize';
    case 'enum':
      return `Enum: ${(option.values ?? []).join(', ')}`;
    case 'list':
      return 'String list';
  }
}

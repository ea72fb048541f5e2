/**
 * Declaration of one configuration option: its key, value type, default and documentation. Declarations are plain
 * immutable data; parsing and formatting live in `option-value.ts`.
 */
import { parseDuration } from './duration.js';
import { parseMemorySize } from './memory-size.js';

/**
 * How a value is read:
 * - `integer`: whole number, optionally bounded by `min`/`max`.
 * - `number`: finite number, optionally bounded by `min`/`max`.
 * - `boolean`: `true` or `false` (case-insensitive in strings).
 * - `string`: any scalar, kept as text.
 * - `duration`: milliseconds; accepts a number of ms or text such as `100 ms`, `10 s`, `5 min`, `1h`.
 * - `memory`: bytes; accepts a number of bytes or text such as `32kb`, `1728m`, `1 gb`.
 * - `enum`: one of `values`, matched case-insensitively and normalised to the declared spelling.
 * - `list`: strings; accepts a YAML list or a `;`- or `,`-separated string.
 */
export type OptionType = 'integer' | 'number' | 'boolean' | 'string' | 'duration' | 'memory' | 'enum' | 'list';

/** Every value a {@link Configuration} stores, already parsed. */
export type ConfigValue = string | number | boolean | readonly string[];

/**
 * One option. `T` is the type `Configuration.get` returns: it includes `undefined` exactly when the option has no
 * default, so `ConfigOption<number>` always yields a number and `ConfigOption<number | undefined>` may not.
 */
export interface ConfigOption<T> {
  readonly key: string;
  readonly type: OptionType;
  /** Parsed default (ms for durations, bytes for memory sizes); `undefined` means "not set unless configured". */
  readonly defaultValue: T;
  /** One sentence for the generated docs. */
  readonly description: string;
  /** Older names still accepted on input; values are stored and reported under {@link key}. */
  readonly deprecatedKeys: readonly string[];
  /** Inclusive bounds, for `integer` and `number` options only. */
  readonly min?: number;
  readonly max?: number;
  /** Allowed spellings, for `enum` options only. */
  readonly values?: readonly string[];
}

/** The stored type of an option's value once set (without the `undefined` of options that have no default). */
export type OptionValue<O> = O extends ConfigOption<infer T> ? NonNullable<T> : never;

/** Settings shared by all option constructors. */
export interface OptionExtras {
  /** @default [] */
  readonly deprecatedKeys?: readonly string[];
}

/** Bounds for numeric options. */
export interface RangeExtras extends OptionExtras {
  readonly min?: number;
  readonly max?: number;
}

interface Declaration<T> {
  readonly key: string;
  readonly type: OptionType;
  readonly defaultValue: T;
  readonly description: string;
  readonly extras: RangeExtras;
  readonly values?: readonly string[];
}

function declare<T>(declaration: Declaration<T>): ConfigOption<T> {
  const { key, type, defaultValue, description, extras, values } = declaration;
  const option: {
    -readonly [K in keyof ConfigOption<T>]: ConfigOption<T>[K];
  } = {
    key,
    type,
    defaultValue: Array.isArray(defaultValue) ? (Object.freeze([...defaultValue]) as T) : defaultValue,
    description,
    deprecatedKeys: Object.freeze([...(extras.deprecatedKeys ?? [])]),
  };
  if (extras.min !== undefined) option.min = extras.min;
  if (extras.max !== undefined) option.max = extras.max;
  if (values !== undefined) option.values = Object.freeze([...values]);
  return Object.freeze(option);
}

// Defaults are declared as text (`'10 s'`, `'1728m'`) so the registry reads like Flink's docs; a typo there is a
// programming error and must fail at module load, not when a user happens to rely on the default.
function declaredDefault(
  key: string,
  value: string | number | undefined,
  parse: (text: string) => number | undefined,
): number | undefined {
  if (value === undefined || typeof value === 'number') return value;
  const parsed = parse(value);
  if (parsed === undefined) throw new Error(`invalid default '${value}' declared for option '${key}'`);
  return parsed;
}

/** Whole-number option, e.g. `intOption('rest.port', 8081, '…', { min: 0, max: 65535 })`. */
export function intOption(
  key: string,
  defaultValue: number,
  description: string,
  extras?: RangeExtras,
): ConfigOption<number>;
export function intOption(
  key: string,
  defaultValue: undefined,
  description: string,
  extras?: RangeExtras,
): ConfigOption<number | undefined>;
export function intOption(
  key: string,
  defaultValue: number | undefined,
  description: string,
  extras: RangeExtras = {},
): ConfigOption<number | undefined> {
  return declare({ key, type: 'integer', defaultValue, description, extras });
}

/** Floating-point option, e.g. a fraction or a multiplier. */
export function numberOption(
  key: string,
  defaultValue: number,
  description: string,
  extras?: RangeExtras,
): ConfigOption<number>;
export function numberOption(
  key: string,
  defaultValue: undefined,
  description: string,
  extras?: RangeExtras,
): ConfigOption<number | undefined>;
export function numberOption(
  key: string,
  defaultValue: number | undefined,
  description: string,
  extras: RangeExtras = {},
): ConfigOption<number | undefined> {
  return declare({ key, type: 'number', defaultValue, description, extras });
}

/** `true`/`false` option. */
export function booleanOption(
  key: string,
  defaultValue: boolean,
  description: string,
  extras?: OptionExtras,
): ConfigOption<boolean>;
export function booleanOption(
  key: string,
  defaultValue: undefined,
  description: string,
  extras?: OptionExtras,
): ConfigOption<boolean | undefined>;
export function booleanOption(
  key: string,
  defaultValue: boolean | undefined,
  description: string,
  extras: OptionExtras = {},
): ConfigOption<boolean | undefined> {
  return declare({ key, type: 'boolean', defaultValue, description, extras });
}

/** Free-text option (host names, paths, port ranges). */
export function stringOption(
  key: string,
  defaultValue: string,
  description: string,
  extras?: OptionExtras,
): ConfigOption<string>;
export function stringOption(
  key: string,
  defaultValue: undefined,
  description: string,
  extras?: OptionExtras,
): ConfigOption<string | undefined>;
export function stringOption(
  key: string,
  defaultValue: string | undefined,
  description: string,
  extras: OptionExtras = {},
): ConfigOption<string | undefined> {
  return declare({ key, type: 'string', defaultValue, description, extras });
}

/** Duration option, read as milliseconds; the default may be written as text (`'10 s'`) or as ms. */
export function durationOption(
  key: string,
  defaultValue: string | number,
  description: string,
  extras?: OptionExtras,
): ConfigOption<number>;
export function durationOption(
  key: string,
  defaultValue: undefined,
  description: string,
  extras?: OptionExtras,
): ConfigOption<number | undefined>;
export function durationOption(
  key: string,
  defaultValue: string | number | undefined,
  description: string,
  extras: OptionExtras = {},
): ConfigOption<number | undefined> {
  const parsed = declaredDefault(key, defaultValue, parseDuration);
  return declare({ key, type: 'duration', defaultValue: parsed, description, extras });
}

/** Memory-size option, read as bytes; the default may be written as text (`'1728m'`) or as bytes. */
export function memoryOption(
  key: string,
  defaultValue: string | number,
  description: string,
  extras?: OptionExtras,
): ConfigOption<number>;
export function memoryOption(
  key: string,
  defaultValue: undefined,
  description: string,
  extras?: OptionExtras,
): ConfigOption<number | undefined>;
export function memoryOption(
  key: string,
  defaultValue: string | number | undefined,
  description: string,
  extras: OptionExtras = {},
): ConfigOption<number | undefined> {
  const parsed = declaredDefault(key, defaultValue, parseMemorySize);
  return declare({ key, type: 'memory', defaultValue: parsed, description, extras });
}

/** Option restricted to `values`; the value type is the union of the declared spellings. */
export function enumOption<const V extends readonly [string, ...string[]]>(
  key: string,
  values: V,
  defaultValue: V[number],
  description: string,
  extras?: OptionExtras,
): ConfigOption<V[number]>;
export function enumOption<const V extends readonly [string, ...string[]]>(
  key: string,
  values: V,
  defaultValue: undefined,
  description: string,
  extras?: OptionExtras,
): ConfigOption<V[number] | undefined>;
export function enumOption<const V extends readonly [string, ...string[]]>(
  key: string,
  values: V,
  defaultValue: V[number] | undefined,
  description: string,
  extras: OptionExtras = {},
): ConfigOption<V[number] | undefined> {
  return declare({ key, type: 'enum', defaultValue, description, extras, values });
}

/** List-of-strings option. */
export function listOption(
  key: string,
  defaultValue: readonly string[],
  description: string,
  extras?: OptionExtras,
): ConfigOption<readonly string[]>;
export function listOption(
  key: string,
  defaultValue: undefined,
  description: string,
  extras?: OptionExtras,
): ConfigOption<readonly string[] | undefined>;
export function listOption(
  key: string,
  defaultValue: readonly string[] | undefined,
  description: string,
  extras: OptionExtras = {},
): ConfigOption<readonly string[] | undefined> {
  return declare({ key, type: 'list', defaultValue, description, extras });
}

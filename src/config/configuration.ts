/**
 * The resolved configuration: an immutable map from option key to typed value. Every value in it has been
 * validated against its option, so readers never re-check.
 */
import type { ConfigOption, ConfigValue } from './config-option.js';
import { ConfigurationError } from './config-errors.js';
import { findOption } from './option-registry.js';
import { formatOptionValue, formatRawValue } from './option-value.js';
import { ALL_OPTIONS } from './options.js';
import { resolveEntries } from './resolve-entries.js';
import type { ConfigEntry } from './resolve-entries.js';

/** Options of {@link Configuration.toMap}. */
export interface ToMapOptions {
  /** Also list options that are not set but have a default. @default false */
  readonly includeDefaults?: boolean;
}

function mapEntries(map: Readonly<Record<string, unknown>>, source: string): ConfigEntry[] {
  return Object.entries(map).map(([key, value]) => ({
    key,
    value,
    where: `${source} ${key}=${formatRawValue(value)}`,
  }));
}

/**
 * Immutable, validated configuration. Build one with `loadConfiguration()` (files, environment, `-D`),
 * {@link Configuration.fromMap} (e.g. from {@link toMap} output passed to a child process) or
 * {@link Configuration.empty}; derive variants with {@link withOverrides} and {@link with}.
 */
export class Configuration {
  readonly #values: ReadonlyMap<string, ConfigValue>;

  private constructor(values: ReadonlyMap<string, ConfigValue>) {
    this.#values = values;
    Object.freeze(this);
  }

  /** A configuration where every option has its default. */
  static empty(): Configuration {
    return new Configuration(new Map());
  }

  /**
   * Validates `entries` (applied in order, later wins) into a configuration.
   * @throws ConfigurationError listing every invalid entry.
   */
  static fromEntries(entries: Iterable<ConfigEntry>): Configuration {
    const { values, problems } = resolveEntries(entries);
    ConfigurationError.throwIfAny(problems);
    return new Configuration(values);
  }

  /**
   * Builds a configuration from flat `key → value` pairs; values may be text (as {@link toMap} produces) or typed.
   * `source` names the origin in error messages.
   * @throws ConfigurationError listing every invalid entry.
   */
  static fromMap(map: Readonly<Record<string, unknown>>, source = 'configuration map'): Configuration {
    return Configuration.fromEntries(mapEntries(map, source));
  }

  /**
   * The option's value, or its default when unset. The return type includes `undefined` only for options declared
   * without a default. Durations are milliseconds, memory sizes bytes, enums their declared spelling.
   */
  get<T>(option: ConfigOption<T>): T {
    const value = this.#values.get(option.key);
    return value === undefined ? option.defaultValue : (value as T);
  }

  /** The explicitly set value of `key` (canonical, deprecated or pass-through), without defaults. */
  getRaw(key: string): ConfigValue | undefined {
    return this.#values.get(findOption(key)?.key ?? key);
  }

  /** True when `key` was set explicitly (a default does not count). */
  has(key: string): boolean {
    return this.getRaw(key) !== undefined;
  }

  /** Explicitly set keys, canonical spelling, sorted. */
  keys(): string[] {
    return [...this.#values.keys()].sort();
  }

  /** Pass-through values under `prefix` (e.g. `pipeline.global-job-parameters.`), keyed by the rest of the key. */
  getPrefixed(prefix: string): Record<string, string> {
    const result: Record<string, string> = {};
    for (const key of this.keys()) {
      const value = this.#values.get(key);
      if (key.startsWith(prefix) && key.length > prefix.length && value !== undefined) {
        result[key.slice(prefix.length)] = this.#format(key, value);
      }
    }
    return result;
  }

  /**
   * Flat `key → text` form, sorted by key: what `/jobmanager/config` shows and what child processes receive.
   * {@link fromMap} reads it back to an equal configuration.
   */
  toMap(options: ToMapOptions = {}): Record<string, string> {
    const entries = new Map<string, string>();
    if (options.includeDefaults === true) {
      for (const option of ALL_OPTIONS) {
        const value = option.defaultValue as ConfigValue | undefined;
        if (value !== undefined) entries.set(option.key, formatOptionValue(option, value));
      }
    }
    for (const [key, value] of this.#values) entries.set(key, this.#format(key, value));
    const result: Record<string, string> = {};
    for (const key of [...entries.keys()].sort()) result[key] = entries.get(key) ?? '';
    return result;
  }

  /**
   * A new configuration with `map` applied on top (`null`/`undefined` resets a key to its default).
   * @throws ConfigurationError listing every invalid entry; `source` names the origin in messages.
   */
  withOverrides(map: Readonly<Record<string, unknown>>, source = 'override'): Configuration {
    const { values, problems } = resolveEntries(mapEntries(map, source), this.#values);
    ConfigurationError.throwIfAny(problems);
    return new Configuration(values);
  }

  /**
   * A new configuration with one option set (`undefined` resets it). Still validated: a typed value can break a
   * bound such as `min: 1`.
   * @throws ConfigurationError if the value violates the option's constraints.
   */
  with<T>(option: ConfigOption<T>, value: T): Configuration {
    return this.withOverrides({ [option.key]: value }, 'Configuration.with');
  }

  #format(key: string, value: ConfigValue): string {
    const option = findOption(key);
    return option === undefined ? formatRawValue(value) : formatOptionValue(option, value);
  }
}

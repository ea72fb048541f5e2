/**
 * Configuration errors. Every problem names where it came from (`conf/config.yaml:12`, `-D key=value`,
 * `FLINK_TS_PROPERTIES key=value`), the key, the value given and what was expected, so a user can fix it without
 * reading source. All problems found in one load are reported together.
 */

/** Machine-readable category of a configuration problem. */
export type ConfigErrorCode =
  | 'ERR_CONFIG_UNKNOWN_KEY'
  | 'ERR_CONFIG_INVALID_VALUE'
  | 'ERR_CONFIG_SYNTAX'
  | 'ERR_CONFIG_FILE_NOT_FOUND';

/** Where a value came from. `where` is the message prefix; `file`/`line` are set for values read from a file. */
export interface ConfigLocation {
  readonly where: string;
  readonly file?: string;
  readonly line?: number;
}

/** One problem; its `message` is a complete sentence starting with the location. */
export interface ConfigProblem extends ConfigLocation {
  readonly code: ConfigErrorCode;
  readonly message: string;
  readonly key?: string;
  /** The value as given, quoted back in the message. */
  readonly value?: string;
  /** What the option accepts, e.g. `an integer >= 1`. */
  readonly expected?: string;
  /** For unknown keys: the known key it most likely meant. */
  readonly suggestion?: string;
}

const DOCS_HINT = 'Remove the key or fix its name (see docs/configuration.md).';

function located(location: ConfigLocation): { where: string; file?: string; line?: number } {
  const result: { where: string; file?: string; line?: number } = { where: location.where };
  if (location.file !== undefined) result.file = location.file;
  if (location.line !== undefined) result.line = location.line;
  return result;
}

/** `<where>: unknown configuration key '<key>'. Did you mean '<suggestion>'? Remove the key or …` */
export function unknownKeyProblem(location: ConfigLocation, key: string, suggestion?: string): ConfigProblem {
  const hint = suggestion === undefined ? '' : ` Did you mean '${suggestion}'?`;
  return {
    ...located(location),
    code: 'ERR_CONFIG_UNKNOWN_KEY',
    message: `${location.where}: unknown configuration key '${key}'.${hint} ${DOCS_HINT}`,
    key,
    ...(suggestion === undefined ? {} : { suggestion }),
  };
}

/** `<where>: invalid value '<value>' for '<key>': expected <expected>.` */
export function invalidValueProblem(
  location: ConfigLocation,
  key: string,
  value: string,
  expected: string,
): ConfigProblem {
  return {
    ...located(location),
    code: 'ERR_CONFIG_INVALID_VALUE',
    message: `${location.where}: invalid value '${value}' for '${key}': expected ${expected}.`,
    key,
    value,
    expected,
  };
}

/** `<where>: <detail>` for malformed input: YAML errors, duplicate keys, `-D` entries without a key. */
export function syntaxProblem(location: ConfigLocation, detail: string, key?: string): ConfigProblem {
  return {
    ...located(location),
    code: 'ERR_CONFIG_SYNTAX',
    message: `${location.where}: ${detail}`,
    ...(key === undefined ? {} : { key }),
  };
}

/** `<file>: configuration file not found (<why it was looked for>).` */
export function fileNotFoundProblem(where: string, file: string, detail: string): ConfigProblem {
  return { where, file, code: 'ERR_CONFIG_FILE_NOT_FOUND', message: `${where}: ${detail}` };
}

/**
 * Thrown when configuration cannot be loaded or validated. The top-level fields describe the first problem;
 * {@link problems} lists all of them, and the message has one line per problem.
 */
export class ConfigurationError extends Error {
  readonly code: ConfigErrorCode;
  // `declare` keeps absent fields absent instead of own properties holding `undefined`.
  declare readonly key?: string;
  declare readonly file?: string;
  declare readonly line?: number;
  declare readonly expected?: string;
  declare readonly suggestion?: string;
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly [ConfigProblem, ...ConfigProblem[]]) {
    const [first] = problems;
    super(
      problems.length === 1
        ? first.message
        : `${problems.length} configuration problems:\n${problems.map((p) => `  ${p.message}`).join('\n')}`,
    );
    this.code = first.code;
    if (first.key !== undefined) this.key = first.key;
    if (first.file !== undefined) this.file = first.file;
    if (first.line !== undefined) this.line = first.line;
    if (first.expected !== undefined) this.expected = first.expected;
    if (first.suggestion !== undefined) this.suggestion = first.suggestion;
    this.problems = Object.freeze([...problems]);
  }

  /** Throws one error carrying every problem, or returns when there are none. */
  static throwIfAny(problems: readonly ConfigProblem[]): void {
    const [first, ...rest] = problems;
    if (first !== undefined) throw new ConfigurationError([first, ...rest]);
  }
}
Object.defineProperty(ConfigurationError.prototype, 'name', { value: 'ConfigurationError', configurable: true });

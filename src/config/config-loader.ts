/**
 * Loads the configuration of a flink-ts process. Precedence, lowest first: option defaults < `config.yaml` in the
 * conf dir < `FLINK_TS_PROPERTIES` < `-D` dynamic properties. Nothing below `config/` reads `process.env`; callers
 * pass the resulting {@link Configuration} down.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileNotFoundProblem } from './config-errors.js';
import { ConfigurationError } from './config-errors.js';
import type { ConfigProblem } from './config-errors.js';
import { Configuration } from './configuration.js';
import { parseDynamicProperties, parseEnvProperties } from './key-value-properties.js';
import { resolveEntries } from './resolve-entries.js';
import type { ConfigEntry } from './resolve-entries.js';
import { parseConfigYaml } from './yaml-config-file.js';

/** Name of the configuration file inside the conf dir. */
export const CONFIG_FILE_NAME = 'config.yaml';
/** Environment variable naming the conf dir when no `confDir` is passed. */
export const CONF_DIR_ENV = 'FLINK_TS_CONF_DIR';
/** Environment variable holding `key=value` overrides, separated by newlines or `;`. */
export const PROPERTIES_ENV = 'FLINK_TS_PROPERTIES';
/** Conf dir used when neither `confDir` nor `FLINK_TS_CONF_DIR` is given, relative to the working directory. */
export const DEFAULT_CONF_DIR = 'conf';

/** Inputs of {@link loadConfiguration}. */
export interface LoadConfigurationOptions {
  /** Conf dir holding `config.yaml`. @default env `FLINK_TS_CONF_DIR`, else `./conf` */
  readonly confDir?: string;
  /** Environment to read `FLINK_TS_CONF_DIR` and `FLINK_TS_PROPERTIES` from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** `-D` arguments without the `-D`: `key=value`, or `key` alone for `key=true`. @default [] */
  readonly dynamicProperties?: readonly string[];
  /**
   * Whether a missing `config.yaml` is an error. @default true when the conf dir was given (option or env),
   * false for the default `./conf`
   */
  readonly requireConfFile?: boolean;
  /** Directory that relative paths and the default conf dir are resolved against. @default process.cwd() */
  readonly cwd?: string;
}

/** The conf dir a load will use and why. */
export interface ResolvedConfDir {
  /** Absolute path. */
  readonly dir: string;
  readonly origin: 'option' | 'env' | 'default';
}

/** Which conf dir {@link loadConfiguration} reads, given the same options. */
export function resolveConfDir(
  options: Pick<LoadConfigurationOptions, 'confDir' | 'env' | 'cwd'> = {},
): ResolvedConfDir {
  const cwd = options.cwd ?? process.cwd();
  const fromEnv = (options.env ?? process.env)[CONF_DIR_ENV];
  if (options.confDir !== undefined && options.confDir !== '') {
    return { dir: resolve(cwd, options.confDir), origin: 'option' };
  }
  if (fromEnv !== undefined && fromEnv !== '') return { dir: resolve(cwd, fromEnv), origin: 'env' };
  return { dir: resolve(cwd, DEFAULT_CONF_DIR), origin: 'default' };
}

// Paths inside the working directory are shown relative (`conf/config.yaml:3`), as users typed them.
function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}

const ORIGIN_TEXT: Record<ResolvedConfDir['origin'], string> = {
  option: 'conf dir given explicitly',
  env: `conf dir set in ${CONF_DIR_ENV}`,
  default: 'default conf dir',
};

function readConfigFile(
  confDir: ResolvedConfDir,
  required: boolean,
  cwd: string,
): { entries: ConfigEntry[]; problems: ConfigProblem[] } {
  const file = join(confDir.dir, CONFIG_FILE_NAME);
  const shown = displayPath(file, cwd);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      if (!required) return { entries: [], problems: [] };
      const detail = `configuration file not found (${ORIGIN_TEXT[confDir.origin]}: ${confDir.dir}).`;
      return { entries: [], problems: [fileNotFoundProblem(shown, file, detail)] };
    }
    const reason = error instanceof Error ? error.message : String(error);
    const problem = fileNotFoundProblem(shown, file, `cannot read configuration file: ${reason}.`);
    return { entries: [], problems: [problem] };
  }
  const parsed = parseConfigYaml(text, file, shown);
  return { entries: parsed.entries, problems: parsed.problems };
}

// Within one source, problems read best in source order; syntax and value problems are found in separate passes.
function byLine(problems: readonly ConfigProblem[]): ConfigProblem[] {
  return [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

/**
 * Builds the configuration from defaults, `<confDir>/config.yaml`, `FLINK_TS_PROPERTIES` and `-D` properties.
 * @throws ConfigurationError listing every problem of every source (unknown keys with suggestions, invalid values,
 *   YAML syntax and duplicate keys with file and line, a missing file in an explicitly given conf dir).
 */
export function loadConfiguration(options: LoadConfigurationOptions = {}): Configuration {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const confDir = resolveConfDir({ ...options, cwd, env });
  const required = options.requireConfFile ?? confDir.origin !== 'default';

  const layers = [
    readConfigFile(confDir, required, cwd),
    parseEnvProperties(env[PROPERTIES_ENV] ?? '', PROPERTIES_ENV),
    parseDynamicProperties(options.dynamicProperties ?? []),
  ];
  const problems = layers.flatMap((layer) =>
    byLine([...layer.problems, ...resolveEntries(layer.entries).problems]),
  );
  ConfigurationError.throwIfAny(problems);
  return Configuration.fromEntries(layers.flatMap((layer) => layer.entries));
}
